import type { MetricPoint, ResponseTimeRange, ResponseTimes, ResponseTimesQuery } from "@custos/protocol";
import type { Queryable } from "../db/queryable.ts";
import { RANGE_TIERS } from "../metrics/series.ts";
import { iso } from "../orgs/access.ts";
import { rawResultsKeptFrom } from "./raw-retention.ts";

/**
 * The grid of each range. Up to 30 days: the metric charts' grid, from raw results. Beyond: the
 * hourly check rollups' latency aggregates summed into 6-hour (90 d, 360 points) and 1-day
 * (365 d, 365 points) buckets, both whole multiples of the rollup hour (decision 0046).
 */
const RESPONSE_GRID: Record<
  ResponseTimeRange,
  { stepSeconds: number; points: number; fromRollups: boolean }
> = {
  "1h": { ...RANGE_TIERS["1h"], fromRollups: false },
  "24h": { ...RANGE_TIERS["24h"], fromRollups: false },
  "7d": { ...RANGE_TIERS["7d"], fromRollups: false },
  "30d": { ...RANGE_TIERS["30d"], fromRollups: false },
  "90d": { stepSeconds: 6 * 3600, points: 360, fromRollups: true },
  "365d": { stepSeconds: 86_400, points: 365, fromRollups: true },
};

type PointRow = { at: Date; avg: number; min: number; max: number };

/**
 * Response times of one monitor over a range: [bucket, average, minimum, maximum] of the results
 * that carry a latency (no answer, agent checks that time nothing: left out; empty buckets absent).
 * 1h to 30d read raw results through (monitor_id, ts): 30 days of a 60-s probe is 43,200 rows, the
 * longest read. 90d and 365d read at most 8,760 rollup rows through the primary key plus the raw
 * results after the rollup watermark (minutes), like the status bars.
 */
export async function selectResponseTimes(
  tx: Queryable,
  monitorId: string,
  query: ResponseTimesQuery,
): Promise<ResponseTimes> {
  const spec = RESPONSE_GRID[query.range];
  const step = `${spec.stepSeconds} seconds`;
  const [grid] = await tx<{ now: Date; from: Date }[]>`
    select now() as now,
           date_bin(${step}::interval, now(), timestamptz '2000-01-01 00:00:00+00')
             - ${`${(spec.points - 1) * spec.stepSeconds} seconds`}::interval as from`;
  const { now, from } = grid as { now: Date; from: Date };
  const { rows, since } = spec.fromRollups
    ? await fromRollups(tx, monitorId, step, from)
    : await fromRawWhileKept(tx, monitorId, step, from);
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    range: query.range,
    step_seconds: spec.stepSeconds,
    from: iso(from),
    to: iso(now),
    points: rows.map((r): MetricPoint => [r.at.getTime(), round(r.avg), round(r.min), round(r.max)]),
    response_times_since: since ? iso(since) : null,
  };
}

/**
 * Raw results where the plan still keeps them; the hours before that (a 30d range on Pro, which
 * keeps raw results 14 days) from the hourly rollups, whose buckets are the 7d/30d grid's.
 */
async function fromRawWhileKept(
  tx: Queryable,
  monitorId: string,
  step: string,
  from: Date,
): Promise<{ rows: PointRow[]; since: Date | null }> {
  const keptFrom = await rawResultsKeptFrom(tx, monitorId);
  if (keptFrom.getTime() <= from.getTime())
    return { rows: await fromRaw(tx, monitorId, step, from), since: null };
  const older = await fromRollups(tx, monitorId, step, from, keptFrom);
  return { rows: [...older.rows, ...(await fromRaw(tx, monitorId, step, keptFrom))], since: older.since };
}

function fromRaw(tx: Queryable, monitorId: string, step: string, from: Date) {
  return tx<PointRow[]>`
    select date_bin(${step}::interval, c.ts, timestamptz '2000-01-01 00:00:00+00') as at,
           avg(c.latency_ms)::float8 as avg, min(c.latency_ms)::float8 as min, max(c.latency_ms)::float8 as max
    from public.check_results c
    where c.monitor_id = ${monitorId} and c.ts >= ${from} and c.latency_ms is not null
    group by 1 order by 1`;
}

/**
 * Hours counted before the rollups kept latencies have latency_count null: they give no point,
 * and the newest of them sets `since` (the hour after it), so the page can say "no response
 * times before …" instead of showing the gap as a quiet monitor.
 */
async function fromRollups(
  tx: Queryable,
  monitorId: string,
  step: string,
  from: Date,
  until: Date | null = null,
): Promise<{ rows: PointRow[]; since: Date | null }> {
  const rows = await tx<(PointRow & { n: number; unmeasured: Date | null })[]>`
    with hours as (
      select r.bucket as ts, r.latency_sum_ms as total, r.latency_count as n,
             r.latency_min_ms as lo, r.latency_max_ms as hi
      from public.check_rollups_1h r
      where r.monitor_id = ${monitorId} and r.bucket >= ${from} and r.bucket < coalesce(${until}::timestamptz, 'infinity')
      union all
      select c.ts, c.latency_ms::float8, 1, c.latency_ms, c.latency_ms
      from public.check_results c
      where c.monitor_id = ${monitorId} and c.status <> 'unsupported' and c.latency_ms is not null
        and c.ts >= greatest(${from}::timestamptz, (select w.checks_through from private.rollup_watermarks() w))
        and c.ts < coalesce(${until}::timestamptz, 'infinity')
    )
    select date_bin(${step}::interval, ts, timestamptz '2000-01-01 00:00:00+00') as at,
           (sum(total) / nullif(sum(n), 0))::float8 as avg, min(lo)::float8 as min, max(hi)::float8 as max,
           coalesce(sum(n), 0)::int as n, max(ts) filter (where n is null) as unmeasured
    from hours group by 1 order by 1`;
  let since: Date | null = null;
  for (const r of rows) {
    if (r.unmeasured && (!since || r.unmeasured.getTime() >= since.getTime()))
      since = new Date(r.unmeasured.getTime() + 3_600_000);
  }
  return { rows: rows.filter((r) => r.n > 0), since };
}
