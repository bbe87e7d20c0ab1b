import type { ChartRow } from "@/components/charts/area-chart.tsx";
import type { MetricsResponse } from "./contract.ts";

export type MetricSeries = MetricsResponse["series"][number];

/** A stable key for one series: `disk.used_percent{mount=/data}`. */
export function seriesKey(name: string, labels: Record<string, string>): string {
  const parts = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`);
  return parts.length ? `${name}{${parts.join(",")}}` : name;
}

/** Bucket starts from `from` to `to` every `stepSeconds` (the chart's x grid, so gaps show). */
export function timeGrid(fromIso: string, toIso: string, stepSeconds: number): number[] {
  const step = stepSeconds * 1000;
  const from = Math.floor(Date.parse(fromIso) / step) * step;
  const to = Date.parse(toIso);
  if (!Number.isFinite(from) || !Number.isFinite(to) || step <= 0) return [];
  const grid: number[] = [];
  for (let t = from; t <= to && grid.length < 10_000; t += step) grid.push(t);
  return grid;
}

export interface ChartColumn {
  /** column in the rows */
  key: string;
  /** which series feed it (summed when several, e.g. all interfaces) */
  match: (s: MetricSeries) => boolean;
}

/**
 * Pure: rows for a chart, one per bucket of the grid, one column per ChartColumn (the average of
 * each bucket; columns fed by several series are summed). A bucket without data is null, so the
 * chart shows a gap instead of a line through missing time.
 */
export function toRows(response: MetricsResponse, columns: readonly ChartColumn[]): ChartRow[] {
  const grid = timeGrid(response.from, response.to, response.step_seconds);
  const index = new Map<number, number>();
  grid.forEach((t, i) => {
    index.set(t, i);
  });
  const rows: ChartRow[] = grid.map((t) => {
    const row: ChartRow = { t };
    for (const c of columns) row[c.key] = null;
    return row;
  });
  for (const series of response.series) {
    for (const column of columns) {
      if (!column.match(series)) continue;
      for (const [t, avg] of series.points) {
        let i = index.get(t);
        if (i === undefined) {
          // a bucket the grid did not predict (clock edge): append in order
          const row: ChartRow = { t };
          for (const c of columns) row[c.key] = null;
          rows.push(row);
          i = rows.length - 1;
          index.set(t, i);
        }
        const row = rows[i] as ChartRow;
        row[column.key] = (row[column.key] ?? 0) + avg;
      }
    }
  }
  return rows.sort((a, b) => a.t - b.t);
}

/** The distinct values of a label among the series of one metric (e.g. every mount). */
export function labelValues(series: readonly MetricSeries[], name: string, label: string): string[] {
  const values = new Set<string>();
  for (const s of series) {
    const v = s.labels[label];
    if (s.name === name && v !== undefined) values.add(v);
  }
  return [...values].sort();
}

/** Latest non-null value of a column (for a chart's headline number). */
export function lastValue(rows: readonly ChartRow[], key: string): number | null {
  for (let i = rows.length - 1; i >= 0; i--) {
    const v = rows[i]?.[key];
    if (v !== null && v !== undefined) return v;
  }
  return null;
}
