import type { StatusBars } from "@custos/protocol";
import type { Queryable } from "../db/queryable.ts";
import { iso } from "../orgs/access.ts";
import { worst } from "../servers/detail.ts";

export const HOURLY_BARS = 72;
export const DAILY_BARS = 90;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * A monitor's status bars: the last 72 hours and the last 90 UTC days, the worst result of each
 * (hourly rollups plus the raw results after the watermark, read once for both). Bars show what
 * happened, maintenance included; uptime leaves maintenance out.
 */
export async function selectBars(
  tx: Queryable,
  monitorId: string,
): Promise<{ hourly: StatusBars; daily: StatusBars }> {
  const [grid] = await tx<{ hour: Date; day: Date }[]>`
    select private.bucket_1h(now()) - make_interval(hours => ${HOURLY_BARS - 1}) as hour,
           date_bin('1 day', now(), timestamptz '2000-01-01 00:00:00+00') - make_interval(days => ${DAILY_BARS - 1}) as day`;
  const { hour, day } = grid as { hour: Date; day: Date };
  const rows = await tx<{ at: Date; ok: number; degraded: number; down: number }[]>`
    with counts as (
      select r.bucket, r.ok_count as ok, r.degraded_count as degraded, r.down_count as down
      from public.check_rollups_1h r
      where r.monitor_id = ${monitorId} and r.bucket >= ${day}
      union all
      select private.bucket_1h(c.ts), (c.status = 'ok')::int, (c.status = 'degraded')::int, (c.status = 'down')::int
      from public.check_results c
      where c.monitor_id = ${monitorId} and c.status <> 'unsupported'
        and c.ts >= greatest(${day}::timestamptz, (select w.checks_through from private.rollup_watermarks() w))
    )
    select bucket as at, sum(ok)::int as ok, sum(degraded)::int as degraded, sum(down)::int as down
    from counts group by 1`;
  const hourly = emptyCounts(HOURLY_BARS);
  const daily = emptyCounts(DAILY_BARS);
  for (const row of rows) {
    add(hourly, Math.floor((row.at.getTime() - hour.getTime()) / HOUR_MS), row);
    add(daily, Math.floor((row.at.getTime() - day.getTime()) / DAY_MS), row);
  }
  return {
    hourly: { from: iso(hour), step_seconds: 3600, bars: hourly.map(worst) },
    daily: { from: iso(day), step_seconds: 86_400, bars: daily.map(worst) },
  };
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
