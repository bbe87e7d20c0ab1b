import type { ChartRow } from "@/components/charts/area-chart.tsx";
import type { TrackerBlock } from "@/components/charts/tracker.tsx";
import type {
  MonitorUptime,
  ResponseTimeRange,
  ResponseTimes,
  StatusBars,
  UptimeWindow,
} from "@/lib/contract.ts";
import { formatUtcDay } from "@/lib/format.ts";
import { timeGrid } from "@/lib/series.ts";
import { BAR_LABEL, trackerState } from "@/lib/status.ts";

export const UPTIME_LABEL: Record<UptimeWindow, string> = {
  "24h": "24 hours",
  "7d": "7 days",
  "30d": "30 days",
  "365d": "365 days",
};

/**
 * Pure: an uptime figure for people. The API rounds down to 3 decimals; this shows 2, cut (not
 * rounded) so a window with one failure never reads "100.00%"; a clean window reads "100%".
 */
export function formatUptime(percent: number | null): string {
  if (percent === null || !Number.isFinite(percent)) return "–";
  if (percent >= 100) return "100%";
  return `${(Math.floor(percent * 100) / 100).toFixed(2)}%`;
}

/** Pure: the line under an uptime figure ("1,440 checks, 3 failed"; "no results"). */
export function uptimeNote(u: Pick<MonitorUptime, "up_results" | "down_results">): string {
  const all = u.up_results + u.down_results;
  if (all === 0) return "no results";
  const n = new Intl.NumberFormat("en-US");
  return `${n.format(all)} ${all === 1 ? "check" : "checks"}, ${n.format(u.down_results)} failed`;
}

/** Pure: a latency for people: "42 ms", "1,250 ms"; "–" without one. */
export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "–";
  return `${new Intl.NumberFormat("en-US").format(Math.round(ms))} ms`;
}

const hourFormat = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "2-digit" });

/**
 * Pure: tracker blocks for status bars, hourly (local hours) or daily (UTC days, like the public
 * status page). A bar with any time in maintenance is drawn as maintenance; its tooltip (and so
 * its title) says "maintenance", for how long, and what the checks still saw.
 */
export function statusBlocks(bars: StatusBars): TrackerBlock[] {
  const from = Date.parse(bars.from);
  const daily = bars.step_seconds >= 86_400;
  return bars.bars.map((bar, i) => {
    const at = from + i * bars.step_seconds * 1000;
    const when = daily ? formatUtcDay(at) : hourFormat.format(at);
    const seconds = bars.maintenance_seconds[i] ?? 0;
    if (seconds <= 0) return { state: trackerState(bar), tooltip: `${when}: ${BAR_LABEL[bar]}` };
    return {
      state: "maintenance",
      tooltip: `${when}: maintenance (${formatMaintenance(seconds, bars.step_seconds)}), ${BAR_LABEL[bar]}`,
    };
  });
}

/** Pure: "45 min", "2 h 5 min", "all day"/"whole hour" for a bar fully in maintenance, "< 1 min". */
export function formatMaintenance(seconds: number, stepSeconds: number): string {
  if (seconds >= stepSeconds) return stepSeconds >= 86_400 ? "all day" : "whole hour";
  if (seconds < 60) return "< 1 min";
  const minutes = Math.round(seconds / 60);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h === 0 ? `${m} min` : m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** Pure: how many bars were (partly) in maintenance, for the bar row's description. */
export function maintenanceCount(bars: StatusBars): number {
  return bars.maintenance_seconds.filter((s) => s > 0).length;
}

/** The response-time chart's ranges: the metric charts' and two longer ones from the rollups. */
export const RESPONSE_RANGES: ReadonlyArray<{ value: ResponseTimeRange; label: string }> = [
  { value: "1h", label: "1 h" },
  { value: "24h", label: "24 h" },
  { value: "7d", label: "7 d" },
  { value: "30d", label: "30 d" },
  { value: "90d", label: "90 d" },
  { value: "365d", label: "365 d" },
];

export const RESPONSE_RANGE_TEXT: Record<ResponseTimeRange, string> = {
  "1h": "the last hour",
  "24h": "the last 24 hours",
  "7d": "the last 7 days",
  "30d": "the last 30 days",
  "90d": "the last 90 days",
  "365d": "the last 365 days",
};

const sinceFormat = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric" });

/**
 * Pure: what the chart says when the range reaches back before response times were kept in the
 * hourly rollups ("No response times before Dec 5, 2026."); null when all of it is measured.
 */
export function responseTimesSinceNote(data: Pick<ResponseTimes, "response_times_since">): string | null {
  if (!data.response_times_since) return null;
  const t = Date.parse(data.response_times_since);
  return Number.isFinite(t) ? `No response times before ${sinceFormat.format(t)}.` : null;
}

/** Pure: chart rows on the range's grid (average and slowest response time; empty buckets stay gaps). */
export function responseRows(data: ResponseTimes): ChartRow[] {
  const byTime = new Map(data.points.map(([t, avg, , max]) => [t, { avg, max }]));
  const grid = timeGrid(data.from, data.to, data.step_seconds);
  const rows: ChartRow[] = grid.map((t) => ({
    t,
    avg: byTime.get(t)?.avg ?? null,
    max: byTime.get(t)?.max ?? null,
  }));
  const onGrid = new Set(grid);
  for (const [t, avg, , max] of data.points) if (!onGrid.has(t)) rows.push({ t, avg, max });
  return rows.sort((a, b) => a.t - b.t);
}

const resultTime = new Intl.DateTimeFormat(undefined, {
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

/** Pure: a result's time to the second (a 10-s probe's results differ only there). */
export function formatResultTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? resultTime.format(t) : "–";
}

/**
 * Pure: a result's message unless it only repeats the latency column (a passing probe's message
 * is its time, "42 ms"); null then.
 */
export function resultMessage(r: { message: string | null; latency_ms: number | null }): string | null {
  if (r.message === null) return null;
  const timed = /^(\d+) ms$/.exec(r.message);
  // the message rounds the unrounded time; the stored latency was rounded to 0.1 ms first
  if (timed && r.latency_ms !== null && Math.abs(Number(timed[1]) - r.latency_ms) <= 1) return null;
  return r.message;
}
