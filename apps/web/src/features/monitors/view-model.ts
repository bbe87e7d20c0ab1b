import type { ChartRow } from "@/components/charts/area-chart.tsx";
import type { TrackerBlock } from "@/components/charts/tracker.tsx";
import type { MonitorUptime, ResponseTimes, StatusBars, UptimeWindow } from "@/lib/contract.ts";
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

/** Pure: tracker blocks for daily bars (UTC days, like the public status page). */
export function dailyBlocks(bars: StatusBars): TrackerBlock[] {
  const from = Date.parse(bars.from);
  return bars.bars.map((bar, i) => ({
    state: trackerState(bar),
    tooltip: `${formatUtcDay(from + i * bars.step_seconds * 1000)}: ${BAR_LABEL[bar]}`,
  }));
}

/** Pure: chart rows on the range's grid (average response time; empty buckets stay gaps). */
export function responseRows(data: ResponseTimes): ChartRow[] {
  const byTime = new Map(data.points.map(([t, avg]) => [t, avg]));
  const grid = timeGrid(data.from, data.to, data.step_seconds);
  const rows: ChartRow[] = grid.map((t) => ({ t, avg: byTime.get(t) ?? null }));
  const onGrid = new Set(grid);
  for (const [t, avg] of data.points) if (!onGrid.has(t)) rows.push({ t, avg });
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
