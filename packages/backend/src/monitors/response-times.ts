import type { MetricPoint, ResponseTimes, ResponseTimesQuery } from "@custos/protocol";
import type { Queryable } from "../db/queryable.ts";
import { RANGE_TIERS } from "../metrics/series.ts";
import { iso } from "../orgs/access.ts";

/**
 * Response times of one monitor over a range, on the metric charts' grid (1h: 1 minute, 24h:
 * 5 minutes, 7d and 30d: 1 hour). Check rollups keep counts, not latencies, so this reads raw
 * results through (monitor_id, ts): 30 days of a 60-s probe is 43,200 rows, the longest read.
 * Results without a latency (no answer, agent checks that time nothing) leave their bucket empty.
 */
export async function selectResponseTimes(
  tx: Queryable,
  monitorId: string,
  query: ResponseTimesQuery,
): Promise<ResponseTimes> {
  const spec = RANGE_TIERS[query.range];
  const step = `${spec.stepSeconds} seconds`;
  const [grid] = await tx<{ now: Date; from: Date }[]>`
    select now() as now,
           date_bin(${step}::interval, now(), timestamptz '2000-01-01 00:00:00+00')
             - ${`${(spec.points - 1) * spec.stepSeconds} seconds`}::interval as from`;
  const { now, from } = grid as { now: Date; from: Date };
  const rows = await tx<{ at: Date; avg: number; min: number; max: number }[]>`
    select date_bin(${step}::interval, c.ts, timestamptz '2000-01-01 00:00:00+00') as at,
           avg(c.latency_ms)::float8 as avg, min(c.latency_ms)::float8 as min, max(c.latency_ms)::float8 as max
    from public.check_results c
    where c.monitor_id = ${monitorId} and c.ts >= ${from} and c.latency_ms is not null
    group by 1 order by 1`;
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    range: query.range,
    step_seconds: spec.stepSeconds,
    from: iso(from),
    to: iso(now),
    points: rows.map((r): MetricPoint => [r.at.getTime(), round(r.avg), round(r.min), round(r.max)]),
  };
}
