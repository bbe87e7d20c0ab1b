import type { MonitorUptime, UptimeWindow } from "@custos/protocol";
import type { Queryable } from "../db/queryable.ts";
import { iso } from "../orgs/access.ts";
import { maintenanceSpans } from "./maintenance.ts";
import type { MonitorRow } from "./view.ts";

const HOUR_MS = 3_600_000;

/** Each window ends now and starts on the hour, this many hours back (the current hour counts). */
export const UPTIME_WINDOW_HOURS: Record<UptimeWindow, number> = {
  "24h": 24,
  "7d": 168,
  "30d": 720,
  "365d": 8760,
};

/**
 * Uptime of one monitor over 24 h, 7 d, 30 d and 365 d in one statement (decision 0038):
 * hourly counts from check_rollups_1h, the raw results newer than the rollup watermark, minus the
 * raw results that fall inside a maintenance window of the monitor, its server or the
 * organization (windows merged first, so overlapping ones subtract once). 365 days read at most
 * 8,760 rollup rows through the primary key; the raw reads are the last minutes and the
 * maintenance spans only. One pass sums every window (`filter (where ts >= from)`).
 *
 * Windows start on the hour because the rollups are hourly: "24h" is the current hour and the 23
 * before it. The percent is rounded down to 3 decimals, so one failure never shows as 100 %.
 */
export async function selectUptime(tx: Queryable, monitor: MonitorRow): Promise<MonitorUptime[]> {
  // the hour first, so every bound below is a constant the planner can prune partitions and
  // pick the primary key with (one transaction: now() is the same in both statements)
  const [grid] = await tx<{ hour: Date }[]>`select private.bucket_1h(now()) as hour`;
  const hour = (grid as { hour: Date }).hour.getTime();
  const from = (window: UptimeWindow) => new Date(hour - (UPTIME_WINDOW_HOURS[window] - 1) * HOUR_MS);
  const [f24, f7, f30, f365] = [from("24h"), from("7d"), from("30d"), from("365d")];
  const [row] = await tx<Record<string, number>[]>`
    with maintenance as (${maintenanceSpans(tx, monitor, f365)}),
    counts as (
      select r.bucket as ts, r.ok_count + r.degraded_count as up, r.down_count as down
      from public.check_rollups_1h r
      where r.monitor_id = ${monitor.id} and r.bucket >= ${f365}
      union all
      select c.ts, (c.status <> 'down')::int, (c.status = 'down')::int
      from public.check_results c
      where c.monitor_id = ${monitor.id} and c.status <> 'unsupported'
        and c.ts >= greatest(${f365}::timestamptz, (select w.checks_through from private.rollup_watermarks() w))
      union all
      select c.ts, -(c.status <> 'down')::int, -(c.status = 'down')::int
      -- lateral: one (monitor_id, ts) range per span, in the span's partitions only. As a plain
      -- join the planner guessed 100 spans and filtered every raw result of the monitor against
      -- each (30 days of a 60-s check x 13 spans: 1.2 s, bench/dashboard.ts)
      from maintenance x
      cross join lateral (
        select c.ts, c.status from public.check_results c
        where c.monitor_id = ${monitor.id} and c.ts >= lower(x.span) and c.ts < upper(x.span)
          and c.status <> 'unsupported'
        offset 0 -- keeps the subquery from being pulled up into a plain join again
      ) c
    )
    select coalesce(sum(up) filter (where ts >= ${f24}), 0)::int as up_24h,
           coalesce(sum(down) filter (where ts >= ${f24}), 0)::int as down_24h,
           coalesce(sum(up) filter (where ts >= ${f7}), 0)::int as up_7d,
           coalesce(sum(down) filter (where ts >= ${f7}), 0)::int as down_7d,
           coalesce(sum(up) filter (where ts >= ${f30}), 0)::int as up_30d,
           coalesce(sum(down) filter (where ts >= ${f30}), 0)::int as down_30d,
           coalesce(sum(up), 0)::int as up_365d,
           coalesce(sum(down), 0)::int as down_365d
    from counts`;
  return (["24h", "7d", "30d", "365d"] as const).map((window) => {
    // a result in a maintenance span still waiting in the rollup backlog could go below zero
    const up = Math.max(0, row?.[`up_${window}`] ?? 0);
    const down = Math.max(0, row?.[`down_${window}`] ?? 0);
    return {
      window,
      from: iso(from(window)),
      up_results: up,
      down_results: down,
      percent: uptimePercent(up, down),
    };
  });
}

/** Pure: up / (up + down) in percent, rounded down to 3 decimals; null without results. */
export function uptimePercent(up: number, down: number): number | null {
  const all = up + down;
  if (all <= 0) return null;
  return Math.floor((100_000 * up) / all) / 1000;
}
