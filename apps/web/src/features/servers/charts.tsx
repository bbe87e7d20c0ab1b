"use client";
import { useQueries } from "@tanstack/react-query";
import { useMemo } from "react";
import type { Series } from "@/components/charts/area-chart.tsx";
import { LazyAreaChart } from "@/components/charts/lazy-area-chart.tsx";
import { paletteColor } from "@/components/charts/palette.ts";
import { Badge } from "@/components/ui/badge.tsx";
import { Card } from "@/components/ui/card.tsx";
import { ErrorState, Skeleton } from "@/components/ui/states.tsx";
import type { MetricRange, MetricsResponse } from "@/lib/contract.ts";
import { formatBytes, formatUnit } from "@/lib/format.ts";
import { useOrg } from "@/lib/org.tsx";
import { metricsQuery } from "@/lib/queries.ts";
import { type ChartColumn, lastValue, type MetricSeries, seriesKey, toRows } from "@/lib/series.ts";
import { ChartExport } from "./exports.tsx";
import { batches, SERIES_PER_CHART } from "./metric-list.ts";
import type { CuratedChart, PluginSection, StateList } from "./sections.ts";

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

export interface BuiltChart {
  spec: CuratedChart;
  columns: ChartColumn[];
  series: Series[];
  /** the metric names drawn (what the export downloads) */
  names: string[];
}

/** Pure: a label set as a short legend entry ("coretemp · Package id 0" for a chip and sensor). */
export function legendOf(labels: Record<string, string>, by: readonly string[]): string {
  return by
    .map((key) => {
      const value = labels[key] ?? "";
      // lm-sensors chips read "coretemp-isa-0000": the driver is the part a person knows
      return key === "chip" ? (value.split("-")[0] ?? value) : value;
    })
    .filter(Boolean)
    .join(" · ");
}

/**
 * Pure: one curated chart's columns from a metrics answer: a line per metric (its series summed,
 * e.g. every network interface), or with `by` a line per label set (each mount), at most 8.
 */
export function buildChart(spec: CuratedChart, data: MetricsResponse): BuiltChart {
  const columns: ChartColumn[] = [];
  const series: Series[] = [];
  spec.lines.forEach((line, i) => {
    if (!data.series.some((s) => s.name === line.name)) return;
    const by = line.by;
    if (!by) {
      columns.push({ key: `l${i}`, match: (s: MetricSeries) => s.name === line.name });
      series.push({ key: `l${i}`, label: line.label, color: paletteColor(series.length) });
      return;
    }
    const sets = new Map<string, Record<string, string>>();
    for (const s of data.series) if (s.name === line.name) sets.set(seriesKey(s.name, s.labels), s.labels);
    const sorted = [...sets.entries()].sort(([a], [b]) => a.localeCompare(b)).slice(0, SERIES_PER_CHART);
    sorted.forEach(([key, labels], j) => {
      columns.push({ key: `l${i}_${j}`, match: (s: MetricSeries) => seriesKey(s.name, s.labels) === key });
      series.push({ key: `l${i}_${j}`, label: legendOf(labels, by), color: paletteColor(series.length) });
    });
  });
  return { spec, columns, series, names: [...new Set(spec.lines.map((l) => l.name))] };
}

/** Pure: the newest value of a metric (summed over label sets matching `labels`), null without data. */
export function latestOf(
  data: MetricsResponse,
  name: string,
  labels: Record<string, string> = {},
): number | null {
  let newest = -1;
  let sum: number | null = null;
  for (const s of data.series) {
    if (s.name !== name || Object.entries(labels).some(([k, v]) => s.labels[k] !== v)) continue;
    const last = s.points.at(-1);
    if (!last) continue;
    if (last[0] > newest) {
      newest = last[0];
      sum = last[1];
    } else if (last[0] === newest) sum = (sum ?? 0) + last[1];
  }
  return sum;
}

/** Pure: the number in a chart card's corner. */
export function headlineOf(
  built: BuiltChart,
  rows: ReturnType<typeof toRows>,
  data: MetricsResponse,
): string {
  const { spec, columns } = built;
  const unit = (v: number | null) => formatUnit(spec.unit, v);
  if (spec.headline === "in-out") {
    const [rx, tx] = columns;
    return `↓ ${unit(rx ? lastValue(rows, rx.key) : null)} ↑ ${unit(tx ? lastValue(rows, tx.key) : null)}`;
  }
  if (spec.headline === "highest") {
    const values = columns.map((c) => lastValue(rows, c.key)).filter((v): v is number => v !== null);
    return values.length
      ? `${unit(Math.max(...values))} ${spec.unit === "celsius" ? "hottest" : "fullest"}`
      : "–";
  }
  const first = columns[0];
  const value = unit(first ? lastValue(rows, first.key) : null);
  const totalName = spec.context?.[0];
  const total = totalName ? latestOf(data, totalName) : null;
  const percent = first ? lastValue(rows, first.key) : null;
  if (spec.unit === "percent" && total && percent !== null)
    return `${value} · ${formatBytes((percent / 100) * total)} of ${formatBytes(total)}`;
  return value;
}

/** Pure: per mount, how full and how much of how much ("/data 87% · 87 GB of 100 GB"). */
export function mountLines(data: MetricsResponse): { mount: string; text: string }[] {
  const mounts = new Set<string>();
  for (const s of data.series)
    if (s.name === "disk.used_percent" && s.labels.mount) mounts.add(s.labels.mount);
  return [...mounts].sort().map((mount) => {
    const percent = latestOf(data, "disk.used_percent", { mount });
    const total = latestOf(data, "disk.total_bytes", { mount });
    const size =
      percent !== null && total ? ` · ${formatBytes((percent / 100) * total)} of ${formatBytes(total)}` : "";
    return { mount, text: `${formatUnit("percent", percent)}${size}` };
  });
}

/** Pure: a 0/1 metric's latest state per label value, the ones off first. */
export function stateItems(list: StateList, data: MetricsResponse): { name: string; on: boolean }[] {
  const items: { name: string; on: boolean }[] = [];
  for (const s of data.series) {
    const name = s.labels[list.label];
    const last = s.points.at(-1);
    if (s.name !== list.name || name === undefined || !last) continue;
    items.push({ name, on: last[1] >= 0.5 });
  }
  return items.sort((a, b) => Number(a.on) - Number(b.on) || a.name.localeCompare(b.name));
}

/** The page's curated series: every name the sections read, in as few requests as the API allows (one, usually). */
export function useCuratedSeries(serverId: string, range: MetricRange, names: readonly string[]) {
  const { orgId } = useOrg();
  const groups = useMemo(() => batches(names), [names]);
  return useQueries({
    queries: groups.map((group) => metricsQuery(orgId, serverId, range, group)),
    combine: (results) => {
      const first = results[0]?.data;
      const data: MetricsResponse | undefined =
        first && results.every((r) => r.data)
          ? { ...first, series: results.flatMap((r) => r.data?.series ?? []) }
          : undefined;
      return {
        data,
        isPending: results.some((r) => r.isPending),
        stale: results.some((r) => r.isPlaceholderData),
        error: results.find((r) => r.isError && !r.data)?.error ?? null,
        refetch: () => results.forEach((r) => void r.refetch()),
      };
    },
  });
}

function ChartCard({
  spec,
  data,
  range,
  serverId,
}: {
  spec: CuratedChart;
  data: MetricsResponse;
  range: MetricRange;
  serverId: string;
}) {
  const built = useMemo(() => buildChart(spec, data), [spec, data]);
  const rows = useMemo(() => toRows(data, built.columns), [data, built]);
  const hasData = rows.some((r) => built.columns.some((c) => r[c.key] !== null));
  const headline = hasData ? headlineOf(built, rows, data) : "no data";
  const mounts = useMemo(() => (spec.id === "disk" ? mountLines(data) : []), [spec.id, data]);
  return (
    <Card>
      <div className="mb-2 flex flex-wrap items-baseline justify-between gap-x-2">
        <h3 className="font-medium text-gray-700 text-sm dark:text-gray-300">{spec.title}</h3>
        <span className="font-semibold text-gray-900 text-sm tabular-nums dark:text-gray-100">
          {headline}
        </span>
      </div>
      {hasData ? (
        <LazyAreaChart
          data={rows}
          series={built.series}
          range={range}
          unit={spec.unit}
          {...(spec.max !== undefined ? { maxValue: spec.max } : {})}
          summary={`${spec.title} over ${RANGE_TEXT[range]}: now ${headline}.`}
        />
      ) : (
        <p className="flex h-[180px] items-center justify-center text-center text-gray-500 text-sm dark:text-gray-400">
          No {spec.title.toLowerCase()} data in {RANGE_TEXT[range]}.
        </p>
      )}
      {mounts.length > 0 ? (
        <ul className="mt-2 space-y-0.5 text-gray-600 text-xs tabular-nums dark:text-gray-400">
          {mounts.map((m) => (
            <li key={m.mount} className="flex justify-between gap-2">
              <span className="min-w-0 truncate font-mono">{m.mount}</span>
              <span>{m.text}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {hasData ? (
        <ChartExport serverId={serverId} title={spec.title} names={built.names} range={range} />
      ) : null}
    </Card>
  );
}

function StateCard({ list, data }: { list: StateList; data: MetricsResponse }) {
  const items = useMemo(() => stateItems(list, data), [list, data]);
  const off = items.filter((i) => !i.on).length;
  return (
    <Card>
      <div className="mb-2 flex items-baseline justify-between gap-2">
        <h3 className="font-medium text-gray-700 text-sm dark:text-gray-300">{list.title}</h3>
        <span className="font-semibold text-gray-900 text-sm tabular-nums dark:text-gray-100">
          {items.length - off} of {items.length} {list.on}
        </span>
      </div>
      <ul className="max-h-[220px] divide-y divide-gray-100 overflow-y-auto dark:divide-gray-800">
        {items.map((item) => (
          <li key={item.name} className="flex items-center justify-between gap-2 py-1.5 text-sm">
            <span className="min-w-0 truncate font-mono">{item.name}</span>{" "}
            <Badge tone={item.on ? "green" : "red"}>{item.on ? list.on : list.off}</Badge>
          </li>
        ))}
      </ul>
    </Card>
  );
}

/** One plugin's section: its charts and state lists, from the page's one metrics answer. */
export function PluginSectionView({
  section,
  data,
  range,
  serverId,
}: {
  section: PluginSection;
  data: MetricsResponse;
  range: MetricRange;
  serverId: string;
}) {
  return (
    <section data-plugin={section.id} aria-labelledby={`section-${section.id}`} className="mt-6">
      <header className="mb-2">
        <h2 id={`section-${section.id}`} className="font-semibold text-gray-900 dark:text-gray-100">
          {section.title}
        </h2>
      </header>
      <div className="grid gap-4 lg:grid-cols-2">
        {section.charts.map((spec) => (
          <ChartCard key={spec.id} spec={spec} data={data} range={range} serverId={serverId} />
        ))}
        {section.lists.map((list) => (
          <StateCard key={list.id} list={list} data={data} />
        ))}
      </div>
    </section>
  );
}

/** The curated sections (system first), or their loading and error states. */
export function PluginSections({
  serverId,
  range,
  sections,
  names,
}: {
  serverId: string;
  range: MetricRange;
  sections: readonly PluginSection[];
  names: readonly string[];
}) {
  const query = useCuratedSeries(serverId, range, names);
  if (names.length === 0) return null;
  if (query.isPending && !query.data) {
    return (
      <div className="mt-6 grid gap-4 lg:grid-cols-2" role="status" aria-label="Loading charts">
        {["a", "b", "c", "d"].map((id) => (
          <Skeleton key={id} className="h-[240px]" />
        ))}
      </div>
    );
  }
  if (!query.data) {
    return <ErrorState error={query.error} retry={query.refetch} title="Could not load the charts" />;
  }
  const data = query.data;
  return (
    <div className={query.stale ? "opacity-60" : undefined}>
      {sections.map((section) => (
        <PluginSectionView
          key={section.id}
          section={section}
          data={data}
          range={data.range}
          serverId={serverId}
        />
      ))}
    </div>
  );
}
