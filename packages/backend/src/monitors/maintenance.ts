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
