import { type CheckExportRow, ChecksExportQuery, EXPORT_LIMITS } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import type { CheckResultsRow } from "../db/rows.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { inOrg, iso } from "../orgs/access.ts";
import { readServer } from "../servers/view.ts";
import type { Column } from "./csv.ts";

export const ExportChecksInput = z.strictObject({
  org_id: z.uuid(),
  server_id: z.uuid(),
  query: ChecksExportQuery,
});
export type ExportChecksInput = z.input<typeof ExportChecksInput>;

export const CHECK_COLUMNS: readonly Column<CheckExportRow>[] = [
  { header: "at", cell: (r) => r.at },
  { header: "monitor", cell: (r) => r.monitor },
  { header: "status", cell: (r) => r.status },
  { header: "latency_ms", cell: (r) => r.latency_ms },
  { header: "message", cell: (r) => r.message },
  { header: "monitor_id", cell: (r) => r.monitor_id },
];

type ResultRow = Pick<CheckResultsRow, "ts" | "monitor_id" | "status" | "latency_ms" | "message"> & {
  monitor: string;
};

/**
 * Every check result of one server's monitors in [from, to), oldest first (by monitor within the
 * same instant). Another organization's server is 404; more than EXPORT_LIMITS.checks.rows
 * results is a 400 naming `from`.
 */
export async function exportChecks({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: ExportChecksInput;
}): Promise<CheckExportRow[]> {
  const { org_id, server_id, query } = parseInput(ExportChecksInput, input);
  const max = EXPORT_LIMITS.checks.rows;
  const rows = await inOrg(ctx, caller, org_id, "viewer", async (tx) => {
    await readServer(tx, org_id, server_id);
    // by monitor id, so each monitor's part is read through check_results (monitor_id, ts)
    return tx<ResultRow[]>`
      select r.ts, r.monitor_id, m.name as monitor, r.status, r.latency_ms, r.message
      from public.monitors m
      join public.check_results r on r.monitor_id = m.id and r.org_id = m.org_id
      where m.org_id = ${org_id} and m.server_id = ${server_id}
        and r.ts >= ${query.from} and r.ts < ${query.to}
      order by r.ts, m.name, m.id
      limit ${max + 1}`;
  });
  if (rows.length > max) {
    throw new AppError(
      "VALIDATION",
      `from: more than ${max} check results in this range; export a shorter one`,
      {
        field: "from",
      },
    );
  }
  return rows.map((r) => ({
    at: iso(r.ts),
    monitor: r.monitor,
    status: r.status,
    latency_ms: r.latency_ms,
    message: r.message,
    monitor_id: r.monitor_id,
  }));
}
