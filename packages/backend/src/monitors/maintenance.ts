import type { PendingQuery, Row } from "postgres";
import type { Queryable } from "../db/queryable.ts";
import type { MonitorRow } from "./view.ts";

/**
 * The maintenance windows that cover a monitor (its own, its server's, the organization's),
 * merged (`range_agg`, so overlapping windows count once) and clipped to [from, now): rows of
 * `span tstzrange`, as a fragment for a `with maintenance as (…)`. Uptime leaves the results in
 * these spans out; the status bars mark the time in them. Spans are half-open, like the windows,
 * so a window ending exactly at an hour does not touch that hour.
 */
export function maintenanceSpans(
  tx: Queryable,
  monitor: Pick<MonitorRow, "id" | "org_id" | "server_id">,
  from: Date,
): PendingQuery<Row[]> {
  return tx`
    select unnest(range_agg(tstzrange(greatest(mw.starts_at, ${from}), least(mw.ends_at, now())))) as span
    from public.maintenance_windows mw
    where mw.org_id = ${monitor.org_id} and mw.ends_at > ${from} and mw.starts_at < now()
      and ((mw.server_id is null and mw.monitor_id is null)
           or mw.server_id = ${monitor.server_id} or mw.monitor_id = ${monitor.id})`;
}

/**
 * Seconds of each hourly bar [from + i h, + 1 h), i < hours, that lie in the maintenance of each
 * monitor of one server (its own windows, the server's, the organization's; merged per monitor,
 * up to now), rounded up: the server page's bars, marked as the monitor page marks its own.
 * Monitors without maintenance are absent from the map.
 */
export async function hourlyMaintenanceSeconds(
  tx: Queryable,
  scope: { orgId: string; serverId: string; monitorIds: readonly string[] },
  from: Date,
  hours: number,
): Promise<Map<string, number[]>> {
  const result = new Map<string, number[]>();
  if (scope.monitorIds.length === 0) return result;
  const rows = await tx<{ monitor_id: string; i: number; seconds: number }[]>`
    with spans as (
      select m.id as monitor_id,
             unnest(range_agg(tstzrange(greatest(mw.starts_at, ${from}), least(mw.ends_at, now())))) as span
      from unnest(${scope.monitorIds as string[]}::uuid[]) as m(id)
      join public.maintenance_windows mw
        on mw.org_id = ${scope.orgId} and mw.ends_at > ${from} and mw.starts_at < now()
       and ((mw.server_id is null and mw.monitor_id is null)
            or mw.server_id = ${scope.serverId} or mw.monitor_id = m.id)
      group by m.id
    ),
    bars as (
      select i, tstzrange(${from}::timestamptz + i * interval '1 hour', ${from}::timestamptz + (i + 1) * interval '1 hour') as bar
      from generate_series(0, ${hours - 1}) as i
    )
    select s.monitor_id, b.i, ceil(extract(epoch from sum(upper(s.span * b.bar) - lower(s.span * b.bar))))::int as seconds
    from bars b join spans s on s.span && b.bar
    group by 1, 2`;
  for (const row of rows) {
    const seconds = result.get(row.monitor_id) ?? new Array<number>(hours).fill(0);
    seconds[row.i] = row.seconds;
    result.set(row.monitor_id, seconds);
  }
  return result;
}
