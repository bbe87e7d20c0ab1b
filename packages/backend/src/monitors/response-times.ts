import type { MetricPoint, ResponseTimeRange, ResponseTimes, ResponseTimesQuery } from "@custos/protocol";
import type { Queryable } from "../db/queryable.ts";
import { RANGE_TIERS } from "../metrics/series.ts";
import { iso } from "../orgs/access.ts";
import { rawResultsKeptFrom } from "./raw-retention.ts";

/**
 * The grid and source of each range (decision 0046 and its addendum).
 * - 1h / 24h (1- and 5-minute steps, finer than the rollup hour): raw results.
 * - 7d / 30d (1-hour steps, the rollup's own buckets): the hourly rollups where they carry latency
 *   aggregates, raw results for the hours they do not (counted before the latency columns) while
 *   the organization still keeps them, and after the rollup watermark.
 * - 90d / 365d: the same hourly rows summed into 6-hour (360 points) and 1-day (365 points)
 *   buckets; hours without latency aggregates are not read raw (up to 2,160 / 8,760 raw hours):
 *   they end in `response_times_since`.
 */
const RESPONSE_GRID: Record<
  ResponseTimeRange,
  { stepSeconds: number; points: number; source: "raw" | "rollups"; rawFillsUnmeasured: boolean }
> = {
  "1h": { ...RANGE_TIERS["1h"], source: "raw", rawFillsUnmeasured: false },
  "24h": { ...RANGE_TIERS["24h"], source: "raw", rawFillsUnmeasured: false },
  "7d": { ...RANGE_TIERS["7d"], source: "rollups", rawFillsUnmeasured: true },
  "30d": { ...RANGE_TIERS["30d"], source: "rollups", rawFillsUnmeasured: true },
  "90d": { stepSeconds: 6 * 3600, points: 360, source: "rollups", rawFillsUnmeasured: false },
  "365d": { stepSeconds: 86_400, points: 365, source: "rollups", rawFillsUnmeasured: false },
};

type PointRow = { at: Date; avg: number; min: number; max: number };

/**
 * Response times of one monitor over a range: [bucket, average, minimum, maximum] of the results
 * that carry a latency (no answer, agent checks that time nothing, `unsupported`: left out; empty
 * buckets absent). 1h and 24h read at most 60 / 1,440 raw rows of a 60-s probe through
 * (monitor_id, ts); 7d to 365d read at most 8,760 rollup rows through the primary key (an
 * index-only scan) plus the raw results after the rollup watermark (minutes), like the status bars,
 * and 7d / 30d the raw results of hours the rollups hold no latencies for (see fromRollups).
 */
export async function selectResponseTimes(
  tx: Queryable,
  monitorId: string,
  query: ResponseTimesQuery,
): Promise<ResponseTimes> {
  const spec = RESPONSE_GRID[query.range];
  const step = `${spec.stepSeconds} seconds`;
  // the watermark as of now comes with the grid: a lower bound of the one the rollup read sees
  // (it only moves forward), so the raw tail can name its daily partitions to the planner; the
  // raw retention is asked for in the same round trip
  const [[grid], keptFrom] = await Promise.all([
    tx<{ now: Date; from: Date; through: Date }[]>`
      select now() as now,
             date_bin(${step}::interval, now(), timestamptz '2000-01-01 00:00:00+00')
               - ${`${(spec.points - 1) * spec.stepSeconds} seconds`}::interval as from,
             (select w.checks_through from private.rollup_watermarks() w) as through`,
    spec.rawFillsUnmeasured ? rawResultsKeptFrom(tx, monitorId) : null,
  ]);
  const { now, from, through } = grid as { now: Date; from: Date; through: Date | null };
  const { rows, since } =
    spec.source === "raw"
      ? { rows: await fromRaw(tx, monitorId, step, from), since: null }
      : await fromRollups(tx, monitorId, step, { from, throughAtLeast: through ?? from, keptFrom });
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

function fromRaw(tx: Queryable, monitorId: string, step: string, from: Date) {
  return tx<PointRow[]>`
    select date_bin(${step}::interval, c.ts, timestamptz '2000-01-01 00:00:00+00') as at,
           avg(c.latency_ms)::float8 as avg, min(c.latency_ms)::float8 as min, max(c.latency_ms)::float8 as max
    from public.check_results c
    where c.monitor_id = ${monitorId} and c.ts >= ${from} and c.status <> 'unsupported' and c.latency_ms is not null
    group by 1 order by 1`;
}

/**
 * Each hour from exactly one source, summed into the step's buckets (avg = Σsum / Σcount, min of
 * mins, max of maxes: the same figures as aggregating the raw results):
 * - an hourly rollup row that carries latency aggregates (latency_count not null);
 * - from `rawFrom` on (the first whole hour the organization still keeps raw results; null: never),
 *   raw results for an hour before the watermark without such a row, read one hour at a time so
 *   that a fully rolled-up month reads no raw row at all;
 * - raw results after the rollup watermark (the hour holding it is part rollup, part raw: the
 *   refresh counted exactly the results before it).
 * An hour counted before the rollups kept latencies (latency_count null) that raw results do not
 * replace gives no point, and the newest of them sets `since` (the hour after it), so the page can
 * say "no response times before …" instead of showing the gap as a quiet monitor.
 */
async function fromRollups(
  tx: Queryable,
  monitorId: string,
  step: string,
  bounds: { from: Date; throughAtLeast: Date; keptFrom: Date | null },
): Promise<{ rows: PointRow[]; since: Date | null }> {
  const { from, keptFrom } = bounds;
  const tailFrom = new Date(Math.max(bounds.throughAtLeast.getTime(), from.getTime()));
  const rawFrom = keptFrom && new Date(Math.max(keptFrom.getTime(), from.getTime()));
  // The watermark is read in this statement (one snapshot with the rollup rows: the rollups
  // count exactly the results before it); the constants only let the planner skip partitions.
  const rows = await tx<(PointRow & { n: number; unmeasured: Date | null })[]>`
    with wm as materialized (
      select greatest(${tailFrom}::timestamptz, w.checks_through) as through from private.rollup_watermarks() w
    ),
    rolled as materialized (
      select r.bucket, r.latency_sum_ms as total, r.latency_count as n, r.latency_min_ms as lo, r.latency_max_ms as hi
      from public.check_rollups_1h r
      where r.monitor_id = ${monitorId} and r.bucket >= ${from}
    ),
    raw_hours as (
      select g.h, least(g.h + interval '1 hour', wm.through) as h_end
      from wm, generate_series(${rawFrom}::timestamptz, wm.through, interval '1 hour') as g(h)
      where g.h < wm.through and not exists (select 1 from rolled r where r.bucket = g.h and r.n is not null)
    ),
    hours as (
      select r.bucket as ts, r.total, r.n, r.lo, r.hi
      from rolled r
      where r.n is not null or ${rawFrom}::timestamptz is null or r.bucket < ${rawFrom}::timestamptz
      union all
      select c.ts, c.latency_ms::float8, 1, c.latency_ms, c.latency_ms
      from raw_hours h cross join lateral (
        select c.ts, c.latency_ms from public.check_results c
        where c.monitor_id = ${monitorId} and c.ts >= h.h and c.ts < h.h_end and c.ts >= ${rawFrom}::timestamptz
          and c.status <> 'unsupported' and c.latency_ms is not null
        offset 0 -- one index range per hour: not flattened into a join over the whole range
      ) c
      union all
      select c.ts, c.latency_ms::float8, 1, c.latency_ms, c.latency_ms
      from public.check_results c
      where c.monitor_id = ${monitorId} and c.ts >= ${tailFrom}::timestamptz and c.ts >= (select wm.through from wm)
        and c.status <> 'unsupported' and c.latency_ms is not null
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
