import type { MonitorUptime, UptimeWindow } from "@custos/protocol";
import type { Queryable } from "../db/queryable.ts";
import { iso } from "../orgs/access.ts";
import type { MonitorRow } from "./view.ts";

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
 * maintenance spans only.
 *
 * Windows start on the hour because the rollups are hourly: "24h" is the current hour and the 23
 * before it. The percent is rounded down to 3 decimals, so one failure never shows as 100 %.
 */
export async function selectUptime(tx: Queryable, monitor: MonitorRow): Promise<MonitorUptime[]> {
  const windows = Object.entries(UPTIME_WINDOW_HOURS).map(([name, hours], ord) => ({ name, hours, ord }));
  const rows = await tx<{ window: UptimeWindow; from: Date; up: number; down: number }[]>`
    with windows as (
      select w.name, w.ord, private.bucket_1h(now()) - make_interval(hours => w.hours - 1) as from_ts
      from jsonb_to_recordset(${tx.json(windows)}::jsonb) as w(name text, hours int, ord int)
    ),
    earliest as (select min(from_ts) as t from windows),
    maintenance as (
      select unnest(range_agg(tstzrange(greatest(mw.starts_at, e.t), least(mw.ends_at, now())))) as span
      from public.maintenance_windows mw, earliest e
      where mw.org_id = ${monitor.org_id} and mw.ends_at > e.t and mw.starts_at < now()
        and ((mw.server_id is null and mw.monitor_id is null)
             or mw.server_id = ${monitor.server_id} or mw.monitor_id = ${monitor.id})
    ),
    counts as (
      select r.bucket as ts, r.ok_count + r.degraded_count as up, r.down_count as down
      from public.check_rollups_1h r, earliest e
      where r.monitor_id = ${monitor.id} and r.bucket >= e.t
      union all
      select c.ts, (c.status <> 'down')::int, (c.status = 'down')::int
      from public.check_results c, earliest e
      where c.monitor_id = ${monitor.id} and c.status <> 'unsupported'
        and c.ts >= greatest(e.t, (select w.checks_through from private.rollup_watermarks() w))
      union all
      select c.ts, -(c.status <> 'down')::int, -(c.status = 'down')::int
      from maintenance x
      join public.check_results c
        on c.monitor_id = ${monitor.id} and c.ts >= lower(x.span) and c.ts < upper(x.span)
      where c.status <> 'unsupported'
    )
    select w.name as window, w.from_ts as from,
           greatest(coalesce(sum(c.up), 0), 0)::int as up, greatest(coalesce(sum(c.down), 0), 0)::int as down
    from windows w left join counts c on c.ts >= w.from_ts
    group by w.name, w.ord, w.from_ts
    order by w.ord`;
  return rows.map((r) => ({
    window: r.window,
    from: iso(r.from),
    up_results: r.up,
    down_results: r.down,
    percent: uptimePercent(r.up, r.down),
  }));
}

/** Pure: up / (up + down) in percent, rounded down to 3 decimals; null without results. */
export function uptimePercent(up: number, down: number): number | null {
  const all = up + down;
  if (all <= 0) return null;
  return Math.floor((100_000 * up) / all) / 1000;
}
