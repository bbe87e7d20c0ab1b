import type { StatusBars } from "@custos/protocol";
import type { Queryable } from "../db/queryable.ts";
import { iso } from "../orgs/access.ts";
import { worst } from "../servers/detail.ts";
import { maintenanceSpans } from "./maintenance.ts";
import type { MonitorRow } from "./view.ts";

export const HOURLY_BARS = 72;
export const DAILY_BARS = 90;

/**
 * A monitor's status bars: the last 72 hours and the last 90 UTC days, the worst result of each
 * (hourly rollups plus the raw results after the watermark, read once for both). Bars show what
 * happened, maintenance included; uptime leaves maintenance out. Each bar also says how many
 * seconds of it lay in maintenance (the spans uptime subtracts), so the page can draw it as such.
 */
export async function selectBars(
  tx: Queryable,
  monitor: Pick<MonitorRow, "id" | "org_id" | "server_id">,
): Promise<{ hourly: StatusBars; daily: StatusBars }> {
  const monitorId = monitor.id;
  const [grid] = await tx<{ hour: Date; day: Date }[]>`
    select private.bucket_1h(now()) - make_interval(hours => ${HOURLY_BARS - 1}) as hour,
           date_bin('1 day', now(), timestamptz '2000-01-01 00:00:00+00') - make_interval(days => ${DAILY_BARS - 1}) as day`;
  const { hour, day } = grid as { hour: Date; day: Date };
  // counted into the 72 + 90 bars here rather than sent per hour: 162 rows instead of up to
  // 2,160 for Node to parse (a third of the monitor page's time at concurrency 4)
  const countsQuery = tx<{ hourly: boolean; i: number; ok: number; degraded: number; down: number }[]>`
    with counts as (
      select r.bucket, r.ok_count as ok, r.degraded_count as degraded, r.down_count as down
      from public.check_rollups_1h r
      where r.monitor_id = ${monitorId} and r.bucket >= ${day}
      union all
      select private.bucket_1h(c.ts), (c.status = 'ok')::int, (c.status = 'degraded')::int, (c.status = 'down')::int
      from public.check_results c
      where c.monitor_id = ${monitorId} and c.status <> 'unsupported'
        and c.ts >= greatest(${day}::timestamptz, (select w.checks_through from private.rollup_watermarks() w))
    ),
    slotted as (
      select floor(extract(epoch from bucket - ${hour}::timestamptz) / 3600)::int as h,
             floor(extract(epoch from bucket - ${day}::timestamptz) / 86400)::int as d,
             ok, degraded, down
      from counts
    )
    select true as hourly, h as i, sum(ok)::int as ok, sum(degraded)::int as degraded, sum(down)::int as down
    from slotted where h >= 0 group by h
    union all
    select false, d, sum(ok)::int, sum(degraded)::int, sum(down)::int
    from slotted group by d`;
  const [rows, maintenance] = await Promise.all([
    countsQuery,
    selectMaintenanceSeconds(tx, monitor, hour, day),
  ]);
  const hourly = emptyCounts(HOURLY_BARS);
  const daily = emptyCounts(DAILY_BARS);
  for (const row of rows) add(row.hourly ? hourly : daily, row.i, row);
  return {
    hourly: {
      from: iso(hour),
      step_seconds: 3600,
      bars: hourly.map(worst),
      maintenance_seconds: maintenance.hourly,
    },
    daily: {
      from: iso(day),
      step_seconds: 86_400,
      bars: daily.map(worst),
      maintenance_seconds: maintenance.daily,
    },
  };
}

/**
 * Seconds of each bar inside the monitor's merged maintenance spans (up to now), rounded up so a
 * bar touched for a fraction of a second still reads as touched. Ranges are half-open: a window
 * that ends exactly where a bar starts (or starts where it ends) leaves it at 0. Days are 24
 * hours from a UTC midnight, whatever the session's time zone.
 */
async function selectMaintenanceSeconds(
  tx: Queryable,
  monitor: Pick<MonitorRow, "id" | "org_id" | "server_id">,
  hour: Date,
  day: Date,
): Promise<{ hourly: number[]; daily: number[] }> {
  const rows = await tx<{ daily: boolean; i: number; seconds: number }[]>`
    with maintenance as (${maintenanceSpans(tx, monitor, day)}),
    bars as (
      select false as daily, i, tstzrange(${hour}::timestamptz + i * interval '1 hour',
                                         ${hour}::timestamptz + (i + 1) * interval '1 hour') as bar
      from generate_series(0, ${HOURLY_BARS - 1}) as i
      union all
      select true, i, tstzrange(${day}::timestamptz + i * interval '24 hours',
                                ${day}::timestamptz + (i + 1) * interval '24 hours')
      from generate_series(0, ${DAILY_BARS - 1}) as i
    )
    select b.daily, b.i, ceil(extract(epoch from sum(upper(m.span * b.bar) - lower(m.span * b.bar))))::int as seconds
    from bars b join maintenance m on m.span && b.bar
    group by 1, 2`;
  const hourly = new Array<number>(HOURLY_BARS).fill(0);
  const daily = new Array<number>(DAILY_BARS).fill(0);
  for (const row of rows) (row.daily ? daily : hourly)[row.i] = row.seconds;
  return { hourly, daily };
}

type Counts = { ok: number; degraded: number; down: number };

function emptyCounts(n: number): Counts[] {
  return Array.from({ length: n }, () => ({ ok: 0, degraded: 0, down: 0 }));
}

function add(slots: Counts[], i: number, row: Counts): void {
  const slot = slots[i];
  if (!slot) return;
  slot.ok += row.ok;
  slot.degraded += row.degraded;
  slot.down += row.down;
}
