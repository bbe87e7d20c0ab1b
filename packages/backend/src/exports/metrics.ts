import { EXPORT_LIMITS, type MetricExportRow, type MetricRange } from "@custos/protocol";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { AppError } from "../errors.ts";
import { getServerMetrics } from "../metrics/series.ts";
import type { Column } from "./csv.ts";

export const METRIC_COLUMNS: readonly Column<MetricExportRow>[] = [
  { header: "at", cell: (r) => r.at },
  { header: "name", cell: (r) => r.name },
  {
    header: "labels",
    cell: (r) =>
      Object.entries(r.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(";"),
  },
  { header: "avg", cell: (r) => r.avg },
  { header: "min", cell: (r) => r.min },
  { header: "max", cell: (r) => r.max },
];

/**
 * A chart's series over its range, exactly as the chart reads them (getServerMetrics: the same
 * rollup tier and buckets), one row per bucket of each series. More rows than
 * EXPORT_LIMITS.metrics.rows (many label sets) is a 400 naming `names`.
 */
export async function exportMetrics({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: { org_id: string; server_id: string; query: { names: string[]; range: MetricRange } };
}): Promise<MetricExportRow[]> {
  const { series } = await getServerMetrics({ ctx, caller, input });
  const max = EXPORT_LIMITS.metrics.rows;
  const count = series.reduce((n, s) => n + s.points.length, 0);
  if (count > max) {
    throw new AppError("VALIDATION", `names: more than ${max} points in these series; export fewer names`, {
      field: "names",
    });
  }
  return series.flatMap((s) =>
    s.points.map(([t, avg, min, max]) => ({
      at: new Date(t).toISOString(),
      name: s.name,
      labels: s.labels,
      avg,
      min,
      max,
    })),
  );
}
