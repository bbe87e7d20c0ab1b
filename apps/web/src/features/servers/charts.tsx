"use client";
import { OVERVIEW_METRICS } from "@custos/protocol/overview-metrics";
import { useMemo } from "react";
import { AreaChart, paletteColor, type Series } from "@/components/charts/area-chart.tsx";
import { Card, CardHeader } from "@/components/ui/card.tsx";
import { ErrorState, Skeleton } from "@/components/ui/states.tsx";
import { Segmented } from "@/components/ui/tabs.tsx";
import type { MetricRange, MetricsResponse } from "@/lib/contract.ts";
import { formatBytes, formatNumber, formatPercent, formatRate } from "@/lib/format.ts";
import { useOrg } from "@/lib/org.tsx";
import { useMetrics } from "@/lib/queries.ts";
import { type ChartColumn, labelValues, lastValue, type MetricSeries, toRows } from "@/lib/series.ts";
import { ChartExport } from "./exports.tsx";
import { CHART_METRICS } from "./metric-list.ts";

export const RANGES: ReadonlyArray<{ value: MetricRange; label: string }> = [
  { value: "1h", label: "1 h" },
  { value: "24h", label: "24 h" },
  { value: "7d", label: "7 d" },
  { value: "30d", label: "30 d" },
];

export const RANGE_TEXT: Record<MetricRange, string> = {
  "1h": "the last hour",
  "24h": "the last 24 hours",
  "7d": "the last 7 days",
  "30d": "the last 30 days",
};

const named = (name: string) => (s: MetricSeries) => s.name === name;

interface ChartSpec {
  id: string;
  title: string;
  columns: ChartColumn[];
  series: Series[];
  format: (v: number) => string;
  max?: number;
  headline: (rows: ReturnType<typeof toRows>) => string;
}

/** The five charts of the issue (CPU, load, memory, disk, network) from one metrics answer. */
export function buildCharts(data: MetricsResponse): ChartSpec[] {
  const mounts = labelValues(data.series, OVERVIEW_METRICS.disk, "mount").slice(0, 8);
  const hasSwap = data.series.some((s) => s.name === "swap.used_percent");
  const specs: ChartSpec[] = [
    {
      id: "cpu",
      title: "CPU",
      columns: [
        { key: "cpu", match: named(OVERVIEW_METRICS.cpu) },
        { key: "iowait", match: named("cpu.iowait_percent") },
      ],
      series: [
        { key: "cpu", label: "CPU used", color: paletteColor(0) },
        { key: "iowait", label: "I/O wait", color: paletteColor(2) },
      ],
      format: (v) => formatPercent(v),
      max: 100,
      headline: (rows) => formatPercent(lastValue(rows, "cpu"), 1),
    },
    {
      id: "load",
      title: "Load average",
      columns: [
        { key: "load1", match: named(OVERVIEW_METRICS.load1) },
        { key: "load5", match: named("load.5") },
        { key: "load15", match: named("load.15") },
      ],
      series: [
        { key: "load1", label: "1 min", color: paletteColor(0) },
        { key: "load5", label: "5 min", color: paletteColor(1) },
        { key: "load15", label: "15 min", color: paletteColor(3) },
      ],
      format: (v) => formatNumber(v, 2),
      headline: (rows) => formatNumber(lastValue(rows, "load1"), 2),
    },
    {
      id: "memory",
      title: "Memory",
      columns: [
        { key: "mem", match: named(OVERVIEW_METRICS.memory) },
        ...(hasSwap ? [{ key: "swap", match: named("swap.used_percent") }] : []),
      ],
      series: [
        { key: "mem", label: "Memory used", color: paletteColor(1) },
        ...(hasSwap ? [{ key: "swap", label: "Swap used", color: paletteColor(4) }] : []),
      ],
      format: (v) => formatPercent(v),
      max: 100,
      headline: (rows) => formatPercent(lastValue(rows, "mem"), 1),
    },
    {
      id: "disk",
      title: "Disk used",
      columns: mounts.map((m, i) => ({
        key: `disk${i}`,
        match: (s: MetricSeries) => s.name === OVERVIEW_METRICS.disk && s.labels.mount === m,
      })),
      series: mounts.map((m, i) => ({ key: `disk${i}`, label: m, color: paletteColor(i) })),
      format: (v) => formatPercent(v),
      max: 100,
      headline: (rows) => {
        let worst: number | null = null;
        mounts.forEach((_, i) => {
          const v = lastValue(rows, `disk${i}`);
          if (v !== null && (worst === null || v > worst)) worst = v;
        });
        return `${formatPercent(worst, 1)} fullest`;
      },
    },
    {
      id: "network",
      title: "Network (all interfaces)",
      columns: [
        { key: "rx", match: named("net.rx_bytes_per_s") },
        { key: "tx", match: named("net.tx_bytes_per_s") },
      ],
      series: [
        { key: "rx", label: "Received", color: paletteColor(0) },
        { key: "tx", label: "Sent", color: paletteColor(1) },
      ],
      format: (v) => formatBytes(v, 0),
      headline: (rows) => `↓ ${formatRate(lastValue(rows, "rx"))} ↑ ${formatRate(lastValue(rows, "tx"))}`,
    },
  ];
  return specs;
}

function ChartCard({
  spec,
  data,
  range,
  serverId,
}: {
  spec: ChartSpec;
  data: MetricsResponse;
  range: MetricRange;
  serverId: string;
}) {
  const rows = useMemo(() => toRows(data, spec.columns), [data, spec.columns]);
  const names = useMemo(
    () => [...new Set(data.series.filter((s) => spec.columns.some((c) => c.match(s))).map((s) => s.name))],
    [data, spec.columns],
  );
  const hasData = rows.some((r) => spec.columns.some((c) => r[c.key] !== null));
  const headline = hasData ? spec.headline(rows) : "no data";
  return (
    <Card>
      <div className="mb-2 flex items-baseline justify-between gap-2">
        <h3 className="font-medium text-gray-700 text-sm dark:text-gray-300">{spec.title}</h3>
        <span className="font-semibold text-gray-900 text-sm tabular-nums dark:text-gray-100">
          {headline}
        </span>
      </div>
      {hasData ? (
        <AreaChart
          data={rows}
          series={spec.series}
          range={range}
          valueFormatter={spec.format}
          {...(spec.max !== undefined ? { maxValue: spec.max } : {})}
          summary={`${spec.title} over ${RANGE_TEXT[range]}: now ${headline}.`}
        />
      ) : (
        <p className="flex h-[180px] items-center justify-center text-center text-gray-500 text-sm dark:text-gray-400">
          No {spec.title.toLowerCase()} data in {RANGE_TEXT[range]}.
        </p>
      )}
      {hasData ? <ChartExport serverId={serverId} title={spec.title} names={names} range={range} /> : null}
    </Card>
  );
}

/** The built-in charts; the range is the page's (the application metrics below share it). */
export function ServerCharts({
  serverId,
  range,
  onRangeChange,
}: {
  serverId: string;
  range: MetricRange;
  onRangeChange: (range: MetricRange) => void;
}) {
  const { orgId } = useOrg();
  const query = useMetrics(orgId, serverId, range, CHART_METRICS);
  const charts = useMemo(() => (query.data ? buildCharts(query.data) : []), [query.data]);
  return (
    <section aria-labelledby="charts-title" className="mt-6">
      <CardHeader
        title={<span id="charts-title">Metrics</span>}
        description={
          query.data
            ? `Averages per ${query.data.step_seconds >= 3600 ? "hour" : query.data.step_seconds >= 300 ? "5 minutes" : "minute"}`
            : undefined
        }
        actions={<Segmented label="Time range" value={range} options={RANGES} onChange={onRangeChange} />}
      />
      {query.isPending ? (
        <div className="grid gap-4 lg:grid-cols-2" role="status" aria-label="Loading charts">
          {["cpu", "load", "memory", "disk", "network"].map((id) => (
            <Skeleton key={id} className="h-[240px]" />
          ))}
        </div>
      ) : query.isError && !query.data ? (
        <ErrorState
          error={query.error}
          retry={() => void query.refetch()}
          title="Could not load the charts"
        />
      ) : query.data ? (
        <div className={`grid gap-4 lg:grid-cols-2 ${query.isPlaceholderData ? "opacity-60" : ""}`}>
          {charts.map((spec) => (
            <ChartCard
              key={spec.id}
              spec={spec}
              data={query.data}
              range={query.data.range}
              serverId={serverId}
            />
          ))}
        </div>
      ) : null}
    </section>
  );
}
