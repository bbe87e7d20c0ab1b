"use client";
import { type ReactNode, useDeferredValue, useMemo, useState } from "react";
import type { Series } from "@/components/charts/area-chart.tsx";
import { LazyAreaChart } from "@/components/charts/lazy-area-chart.tsx";
import { paletteColor } from "@/components/charts/palette.ts";
import { Button } from "@/components/ui/button.tsx";
import { Card, CardHeader } from "@/components/ui/card.tsx";
import { TextField } from "@/components/ui/field.tsx";
import { EmptyState, ErrorState, Skeleton } from "@/components/ui/states.tsx";
import { Segmented } from "@/components/ui/tabs.tsx";
import type { MetricRange, MetricsResponse } from "@/lib/contract.ts";
import { formatUnit, UNIT_NAME, unitOfMetric } from "@/lib/format.ts";
import { useOrg } from "@/lib/org.tsx";
import { useMetricNames, useMetrics } from "@/lib/queries.ts";
import { lastValue, toRows } from "@/lib/series.ts";
import { PluginSections, RANGE_TEXT, RANGES, useCuratedSeries } from "./charts.tsx";
import { ChartExport } from "./exports.tsx";
import {
  batches,
  CHARTS_PER_PAGE,
  filterMetricNames,
  type MetricNameInfo,
  metricChart,
} from "./metric-list.ts";
import { pageLayout } from "./sections.ts";

/** Pure-ish: the page's layout from the metric names query (shared, so asked once). */
export function useServerLayout(serverId: string) {
  const { orgId } = useOrg();
  const names = useMetricNames(orgId, serverId);
  const layout = useMemo(() => pageLayout((names.data?.names ?? []).map((n) => n.name)), [names.data]);
  return { names, layout };
}

/** The series the sections draw over the last hour (the page's default range: the same request). */
export function useLatestCurated(serverId: string) {
  const { layout } = useServerLayout(serverId);
  return useCuratedSeries(serverId, "1h", layout.curatedNames);
}

/**
 * The server page's metrics on one time range: a section per plugin (system first) from one
 * request, the applications' metrics, and every other metric folded under "All metrics".
 */
export function ServerMetrics({ serverId }: { serverId: string }) {
  const [range, setRange] = useState<MetricRange>("1h");
  const { names, layout } = useServerLayout(serverId);
  const byName = useMemo(() => new Map((names.data?.names ?? []).map((n) => [n.name, n])), [names.data]);
  const application = useMemo(
    () => layout.applicationNames.flatMap((n) => byName.get(n) ?? []),
    [layout, byName],
  );
  const raw = useMemo(() => layout.rawNames.flatMap((n) => byName.get(n) ?? []), [layout, byName]);
  const [allOpen, setAllOpen] = useState(false);
  return (
    <>
      <section aria-labelledby="charts-title" className="mt-6">
        <CardHeader
          title={<span id="charts-title">Metrics</span>}
          description={`Averages over ${RANGE_TEXT[range]}, per plugin of the agent.`}
          actions={<Segmented label="Time range" value={range} options={RANGES} onChange={setRange} />}
        />
        {names.isPending ? (
          <div className="grid gap-4 lg:grid-cols-2" role="status" aria-label="Loading charts">
            {["cpu", "memory", "disk", "network"].map((id) => (
              <Skeleton key={id} className="h-[240px]" />
            ))}
          </div>
        ) : names.isError && !names.data ? (
          <ErrorState
            error={names.error}
            retry={() => void names.refetch()}
            title="Could not load this server's metric names"
          />
        ) : layout.sections.length === 0 ? (
          <EmptyState title="No metrics yet">
            The agent sends CPU, memory, disk and network every minute; its first sample shows here.
          </EmptyState>
        ) : (
          <PluginSections
            serverId={serverId}
            range={range}
            sections={layout.sections}
            names={layout.curatedNames}
          />
        )}
      </section>
      <CustomMetrics
        key={serverId}
        serverId={serverId}
        range={range}
        metrics={application}
        loading={names.isPending}
        truncated={names.data?.truncated ?? false}
      />
      {raw.length > 0 ? (
        <details
          className="mt-6 rounded-xl border border-gray-200 p-4 dark:border-gray-800"
          onToggle={(e) => setAllOpen(e.currentTarget.open)}
        >
          <summary className="cursor-pointer font-semibold text-gray-900 dark:text-gray-100">
            <span>All metrics</span>
            <span className="ml-2 font-normal text-gray-500 text-sm dark:text-gray-400">
              {raw.length} more {raw.length === 1 ? "metric" : "metrics"} the plugins send, each on its own
              chart with its unit
            </span>
          </summary>
          {allOpen ? (
            <MetricList serverId={serverId} range={range} metrics={raw} label="All metrics" />
          ) : null}
        </details>
      ) : null}
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
  const unit = unitOfMetric(name);
  const format = (v: number) => formatUnit(unit, v);
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
      <p className="-mt-1 mb-2 text-gray-500 text-xs dark:text-gray-400">unit: {UNIT_NAME[unit]}</p>
      {loading ? (
        <Skeleton className="h-[180px]" />
      ) : hasData ? (
        <>
          <LazyAreaChart
            data={rows}
            series={series}
            range={range}
            unit={unit}
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
 * A chart per metric, with a filter and "show more" (24 at a time, 20 names per request): the
 * applications' metrics, and inside "All metrics" the plugins' raw ones.
 */
function MetricList({
  serverId,
  range,
  metrics,
  label,
  truncated = false,
}: {
  serverId: string;
  range: MetricRange;
  metrics: readonly MetricNameInfo[];
  label: string;
  truncated?: boolean;
}) {
  const [search, setSearch] = useState("");
  const deferredSearch = useDeferredValue(search);
  const [limit, setLimit] = useState(CHARTS_PER_PAGE);
  const matching = useMemo(() => filterMetricNames(metrics, deferredSearch), [metrics, deferredSearch]);
  const visible = useMemo(() => matching.slice(0, limit), [matching, limit]);
  const groups = useMemo(() => batches(visible), [visible]);
  const more = matching.length - visible.length;
  return (
    <>
      {metrics.length > CHARTS_PER_PAGE / 4 ? (
        <TextField
          label={<span className="sr-only">Filter metrics by name</span>}
          title={`Filter ${label.toLowerCase()} by name`}
          type="search"
          placeholder="Filter metrics"
          value={search}
          onChange={(e) => {
            setSearch(e.target.value);
            setLimit(CHARTS_PER_PAGE);
          }}
          className="my-3 w-64 max-w-full"
        />
      ) : null}
      {matching.length === 0 ? (
        <EmptyState title="No metric matches">
          No metric name contains “{deferredSearch.trim()}”. Try part of a name, such as a prefix.
        </EmptyState>
      ) : (
        <>
          <div className="mt-3 grid gap-4 lg:grid-cols-2">
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
              {truncated ? "; this server has more metric names than are listed" : ""}
            </span>
            {more > 0 ? (
              <Button variant="secondary" size="sm" onClick={() => setLimit((n) => n + CHARTS_PER_PAGE)}>
                Show {Math.min(more, CHARTS_PER_PAGE)} more
              </Button>
            ) : null}
          </div>
        </>
      )}
    </>
  );
}

/** What applications send through the agent (names no plugin emits), a chart each. */
export function CustomMetrics({
  serverId,
  range,
  metrics,
  loading,
  truncated,
}: {
  serverId: string;
  range: MetricRange;
  metrics: readonly MetricNameInfo[];
  loading: boolean;
  truncated: boolean;
}): ReactNode {
  return (
    <section aria-labelledby="custom-metrics-title" className="mt-6">
      <CardHeader
        title={<span id="custom-metrics-title">Application &amp; other metrics</span>}
        description={
          metrics.length > 0
            ? `${metrics.length.toLocaleString()} ${metrics.length === 1 ? "metric" : "metrics"} no plugin of the agent sends: what applications send through it.`
            : undefined
        }
      />
      {loading ? (
        <div className="grid gap-4 lg:grid-cols-2" role="status" aria-label="Loading metric names">
          <Skeleton className="h-[240px]" />
        </div>
      ) : metrics.length === 0 ? (
        <EmptyState title="No application metrics yet">
          Applications on this server can send their own metrics (a queue's depth, jobs done, errors) to the
          agent over HTTP, StatsD or a Prometheus scrape; each name gets a chart here. How:{" "}
          <code className="whitespace-nowrap font-mono">docs/app-metrics.md</code> in the Custos repository.
        </EmptyState>
      ) : (
        <MetricList
          serverId={serverId}
          range={range}
          metrics={metrics}
          label="Application metrics"
          truncated={truncated}
        />
      )}
    </section>
  );
}
