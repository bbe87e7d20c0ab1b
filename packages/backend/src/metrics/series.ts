import { type MetricPoint, MetricRange, type MetricsResponse, SafeText } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import type { MetricRollups1mRow, MetricSeriesRow } from "../db/rows.ts";
import { parseInput } from "../http/body.ts";
import { inOrg, iso } from "../orgs/access.ts";
import { readServer } from "../servers/view.ts";

export const GetServerMetricsInput = z.strictObject({
  org_id: z.uuid(),
  server_id: z.uuid(),
  /** MetricsQuery after parsing (names split). */
  query: z.object({ names: z.array(SafeText.min(1).max(200)).min(1).max(20), range: MetricRange }),
});
export type GetServerMetricsInput = z.input<typeof GetServerMetricsInput>;

/** Which rollup serves which range: about 60-720 points per series whatever the range. */
export const RANGE_TIERS = {
  "1h": { tier: "1m", stepSeconds: 60, points: 60 },
  "24h": { tier: "5m", stepSeconds: 300, points: 288 },
  "7d": { tier: "1h", stepSeconds: 3600, points: 168 },
  "30d": { tier: "1h", stepSeconds: 3600, points: 720 },
} as const;

/** A point of any tier: the three rollup tables have the same columns. */
type PointRow = Pick<MetricRollups1mRow, "series_id" | "bucket"> & { avg: number; min: number; max: number };

/**
 * Chart series of one server from the rollups, one per label set. The 1-hour tier holds hours
 * the refresh has settled (before hours_through); the newest hour or two come from the 5-minute
 * tier, aggregated per hour by private.metric_points, so a 7 d / 30 d chart reaches up to the
 * last few minutes. Every read goes by primary key (series_id, bucket) for this server's few series.
 */
export async function getServerMetrics({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: GetServerMetricsInput;
}): Promise<MetricsResponse> {
  const { org_id, server_id, query } = parseInput(GetServerMetricsInput, input);
  const spec = RANGE_TIERS[query.range];
  return inOrg(ctx, caller, org_id, "viewer", async (tx) => {
    await readServer(tx, org_id, server_id);
    const [grid] = await tx<{ now: Date; from: Date }[]>`
      select now() as now,
             date_bin(${`${spec.stepSeconds} seconds`}::interval, now(), timestamptz '2000-01-01 00:00:00+00')
               - ${`${(spec.points - 1) * spec.stepSeconds} seconds`}::interval as from`;
    const { now, from } = grid as { now: Date; from: Date };
    const series = await tx<(Pick<MetricSeriesRow, "id" | "name"> & { labels: Record<string, string> })[]>`
      select id, name, labels from public.metric_series
      where server_id = ${server_id} and org_id = ${org_id} and name = any (${query.names}::text[])
      order by name, labels::text`;
    const ids = series.map((s) => s.id);
    // the points are read by private.metric_points, which checks these series' organization once
    // instead of the rollups' policy probing metric_series for every row (decision 0050)
    const rows =
      ids.length === 0
        ? []
        : await tx<PointRow[]>`
            select series_id, bucket, avg, min, max
            from private.metric_points(${org_id}, ${ids}::int[], ${spec.tier}, ${from})
            order by series_id, bucket`;
    const points = new Map<number, MetricPoint[]>();
    for (const r of rows) {
      const list = points.get(r.series_id) ?? [];
      list.push([r.bucket.getTime(), round3(r.avg), round3(r.min), round3(r.max)]);
      points.set(r.series_id, list);
    }
    return {
      range: query.range,
      step_seconds: spec.stepSeconds,
      from: iso(from),
      to: iso(now),
      series: series.map((s) => ({ name: s.name, labels: s.labels ?? {}, points: points.get(s.id) ?? [] })),
    };
  });
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
