import type { MetricNamesResponse } from "@/lib/contract.ts";
import { type ChartColumn, type MetricSeries, seriesKey } from "@/lib/series.ts";

/** The metrics endpoint takes at most this many names per request. */
export const NAMES_PER_REQUEST = 20;
/** Charts rendered at once; "show more" adds as many again. */
export const CHARTS_PER_PAGE = 24;
/** Label sets drawn in one chart (as many as the palette has colours); the rest are counted. */
export const SERIES_PER_CHART = 8;

export type MetricNameInfo = MetricNamesResponse["names"][number];

/**
 * Pure: the names containing every word of the search, any case ("queue emails" finds
 * `emails.queue_depth`); an empty search keeps them all.
 */
export function filterMetricNames(names: readonly MetricNameInfo[], search: string): MetricNameInfo[] {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...names];
  return names.filter((n) => {
    const name = n.name.toLowerCase();
    return words.every((w) => name.includes(w));
  });
}

/**
 * Pure: consecutive groups of at most `size` (the endpoint's limit). Groups start at fixed
 * positions (0, 20, 40, ...), so showing more charts leaves the earlier requests as they were.
 */
export function batches<T>(items: readonly T[], size: number = NAMES_PER_REQUEST): T[][] {
  if (!Number.isInteger(size) || size < 1)
    throw new Error(`batch size must be a positive integer, got ${size}`);
  const groups: T[][] = [];
  for (let i = 0; i < items.length; i += size) groups.push(items.slice(i, i + size));
  return groups;
}

/** Pure: a label set as a legend entry (`queue=emails, shard=2`); the bare name without labels. */
export function seriesLabel(name: string, labels: Record<string, string>): string {
  const keys = Object.keys(labels).sort();
  return keys.length === 0 ? name : keys.map((k) => `${k}=${labels[k]}`).join(", ");
}

export interface MetricChart {
  /** one column per label set drawn (a row key safe for the chart: letters, digits, `_`) */
  columns: ChartColumn[];
  /** the legend entry of each column, in the same order */
  labels: string[];
  /** label sets of this metric left out of the chart (beyond SERIES_PER_CHART) */
  hidden: number;
}

/**
 * Pure: one metric's chart from a metrics answer that may hold other metrics too: a column per
 * label set, in the answer's order (by labels), at most SERIES_PER_CHART.
 */
export function metricChart(name: string, series: readonly MetricSeries[]): MetricChart {
  const own = series.filter((s) => s.name === name);
  const drawn = own.slice(0, SERIES_PER_CHART);
  const prefix = `m_${name.replace(/[^A-Za-z0-9]/g, "_")}`;
  return {
    columns: drawn.map((s, i) => {
      const key = seriesKey(s.name, s.labels);
      return { key: `${prefix}_${i}`, match: (x: MetricSeries) => seriesKey(x.name, x.labels) === key };
    }),
    labels: drawn.map((s) => seriesLabel(name, s.labels)),
    hidden: own.length - drawn.length,
  };
}
