"use client";
import { useDeferredValue, useMemo, useState } from "react";
import { AreaChart, paletteColor, type Series } from "@/components/charts/area-chart.tsx";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardHeader } from "@/components/ui/card.tsx";
import { TextField } from "@/components/ui/field.tsx";
import { EmptyState, ErrorState, Skeleton } from "@/components/ui/states.tsx";
import type { MetricRange, MetricsResponse } from "@/lib/contract.ts";
import { useOrg } from "@/lib/org.tsx";
import { useMetricNames, useMetrics } from "@/lib/queries.ts";
import { lastValue, toRows } from "@/lib/series.ts";
import { RANGE_TEXT, ServerCharts } from "./charts.tsx";
import { ChartExport } from "./exports.tsx";
import {
  batches,
  CHARTS_PER_PAGE,
  customMetricNames,
  filterMetricNames,
  type MetricNameInfo,
  metricChart,
  metricFormatter,
} from "./metric-list.ts";

/** The server page's metrics: the built-in charts, then every other metric, on one time range. */
export function ServerMetrics({ serverId }: { serverId: string }) {
  const [range, setRange] = useState<MetricRange>("1h");
  return (
    <>
      <ServerCharts serverId={serverId} range={range} onRangeChange={setRange} />
      <CustomMetrics key={serverId} serverId={serverId} range={range} />
    </>
  );
}

function MetricCard({
  metric,
  data,
  loading,
  stale,
  range,
  serverId,
}: {
  serverId: string;
  metric: MetricNameInfo;
  data: MetricsResponse | undefined;
  loading: boolean;
  stale: boolean;
  range: MetricRange;
}) {
  const { name } = metric;
  const chart = useMemo(() => metricChart(name, data?.series ?? []), [name, data]);
  const rows = useMemo(() => (data ? toRows(data, chart.columns) : []), [data, chart]);
  const format = useMemo(() => metricFormatter(name), [name]);
  const series: Series[] = chart.columns.map((c, i) => ({
    key: c.key,
    label: chart.labels[i] ?? name,
    color: paletteColor(i),
  }));
  const hasData = rows.some((r) => chart.columns.some((c) => r[c.key] !== null));
  const first = chart.columns[0];
  const headline = !hasData
    ? "no data"
    : chart.columns.length === 1 && first
      ? format(lastValue(rows, first.key) ?? Number.NaN)
      : `${metric.series} series`;
  return (
    <Card className={stale ? "opacity-60" : undefined}>
      <div className="mb-2 flex items-baseline justify-between gap-2">
        <h3 className="min-w-0 break-all font-medium font-mono text-gray-700 text-sm dark:text-gray-300">
          {name}
        </h3>
        <span className="shrink-0 font-semibold text-gray-900 text-sm tabular-nums dark:text-gray-100">
          {loading ? "" : headline}
        </span>
      </div>
      {loading ? (
        <Skeleton className="h-[180px]" />
      ) : hasData ? (
        <>
          <AreaChart
            data={rows}
            series={series}
            range={range}
            valueFormatter={format}
            summary={`${name} over ${RANGE_TEXT[range]}: ${headline}.`}
          />
          {chart.hidden > 0 ? (
            <p className="mt-1 text-gray-500 text-xs dark:text-gray-400">
              The first {chart.columns.length} of {metric.series} series; {chart.hidden} not drawn.
            </p>
          ) : null}
          <ChartExport serverId={serverId} title={name} names={[name]} range={range} />
        </>
      ) : (
        <p className="flex h-[180px] items-center justify-center text-center text-gray-500 text-sm dark:text-gray-400">
          No {name} data in {RANGE_TEXT[range]}.
        </p>
      )}
    </Card>
  );
}

/** Up to 20 charts from one metrics request (the endpoint's limit), laid into the parent grid. */
function MetricBatch({
  serverId,
  metrics,
  range,
}: {
  serverId: string;
  metrics: readonly MetricNameInfo[];
  range: MetricRange;
}) {
  const { orgId } = useOrg();
  const names = useMemo(() => metrics.map((m) => m.name), [metrics]);
  const query = useMetrics(orgId, serverId, range, names);
  if (query.isError && !query.data) {
    return (
      <ErrorState
        className="lg:col-span-2"
        error={query.error}
        retry={() => void query.refetch()}
        title={`Could not load ${names.length === 1 ? names[0] : `${names[0]} … ${names.at(-1)}`}`}
      />
    );
  }
  // While the answer for other names or another range loads, the previous one stays on screen,
  // dimmed; a name it did not ask for shows as loading rather than as "no data".
  const previous = query.isPlaceholderData;
  const present = new Set(query.data?.series.map((s) => s.name));
  return (
    <>
      {metrics.map((metric) => (
        <MetricCard
          key={metric.name}
          serverId={serverId}
          metric={metric}
          data={query.data}
          loading={!query.data || (previous && !present.has(metric.name))}
          stale={previous}
          range={query.data?.range ?? range}
        />
      ))}
    </>
  );
}

/**
 * Every metric of the server the built-in charts do not draw (what applications send through
 * the agent, and the agent's other metrics), a chart each, with a filter and "show more".
 */
export function CustomMetrics({ serverId, range }: { serverId: string; range: MetricRange }) {
  const { orgId } = useOrg();
  const names = useMetricNames(orgId, serverId);
  const [search, setSearch] = useState("");
  const deferredSearch = useDeferredValue(search);
  const [limit, setLimit] = useState(CHARTS_PER_PAGE);
  const custom = useMemo(() => (names.data ? customMetricNames(names.data.names) : []), [names.data]);
  const matching = useMemo(() => filterMetricNames(custom, deferredSearch), [custom, deferredSearch]);
  const visible = useMemo(() => matching.slice(0, limit), [matching, limit]);
  const groups = useMemo(() => batches(visible), [visible]);
  const more = matching.length - visible.length;

  return (
    <section aria-labelledby="custom-metrics-title" className="mt-6">
      <CardHeader
        title={<span id="custom-metrics-title">Application &amp; other metrics</span>}
        description={
          custom.length > 0
            ? `${custom.length.toLocaleString()} ${custom.length === 1 ? "metric" : "metrics"} the charts above do not show: what applications send through the agent, and the agent's other metrics.`
            : undefined
        }
        actions={
          custom.length > 0 ? (
            <TextField
              label={<span className="sr-only">Filter metrics by name</span>}
              type="search"
              placeholder="Filter metrics"
              value={search}
              onChange={(e) => {
                setSearch(e.target.value);
                setLimit(CHARTS_PER_PAGE);
              }}
              className="w-64 max-w-full"
            />
          ) : undefined
        }
      />
      {names.isPending ? (
        <div className="grid gap-4 lg:grid-cols-2" role="status" aria-label="Loading metric names">
          <Skeleton className="h-[240px]" />
          <Skeleton className="h-[240px]" />
        </div>
      ) : names.isError && !names.data ? (
        <ErrorState
          error={names.error}
          retry={() => void names.refetch()}
          title="Could not load this server's metric names"
        />
      ) : custom.length === 0 ? (
        <EmptyState title="No application metrics yet">
          Applications on this server can send their own metrics (a queue's depth, jobs done, errors) to the
          agent over HTTP, StatsD or a Prometheus scrape; each name gets a chart here. How:{" "}
          <code className="whitespace-nowrap font-mono">docs/app-metrics.md</code> in the Custos repository.
        </EmptyState>
      ) : matching.length === 0 ? (
        <EmptyState title="No metric matches">
          No metric name contains “{deferredSearch.trim()}”. Try part of a name, such as a prefix.
        </EmptyState>
      ) : (
        <>
          <div className="grid gap-4 lg:grid-cols-2">
            {groups.map((group, i) => (
              // by position: a batch keeps its request (and shows its last answer) while names change
              // biome-ignore lint/suspicious/noArrayIndexKey: batches are positional on purpose
              <MetricBatch key={i} serverId={serverId} metrics={group} range={range} />
            ))}
          </div>
          <div className="mt-4 flex flex-wrap items-center justify-between gap-3 text-gray-500 text-sm dark:text-gray-400">
            <span>
              {visible.length.toLocaleString()} of {matching.length.toLocaleString()}{" "}
              {matching.length === 1 ? "metric" : "metrics"}
              {names.data?.truncated
                ? `; this server has more than ${names.data.names.length.toLocaleString()} metric names, the rest are not listed`
                : ""}
            </span>
            {more > 0 ? (
              <Button variant="secondary" size="sm" onClick={() => setLimit((n) => n + CHARTS_PER_PAGE)}>
                Show {Math.min(more, CHARTS_PER_PAGE)} more
              </Button>
            ) : null}
          </div>
        </>
      )}
    </section>
  );
}
