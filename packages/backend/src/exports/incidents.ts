import {
  EXPORT_LIMITS,
  type IncidentExportRow,
  type IncidentItem,
  IncidentsExportQuery,
} from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { selectIncidents } from "../incidents/view.ts";
import { inOrg } from "../orgs/access.ts";
import type { Column } from "./csv.ts";

export const ExportIncidentsInput = z.strictObject({ org_id: z.uuid(), query: IncidentsExportQuery });
export type ExportIncidentsInput = z.input<typeof ExportIncidentsInput>;

/** The outage log: start, end, duration, what failed and why first (seed 000's daily CSV). */
export const INCIDENT_COLUMNS: readonly Column<IncidentExportRow>[] = [
  { header: "started_at", cell: (r) => r.started_at },
  { header: "ended_at", cell: (r) => r.ended_at },
  { header: "duration_seconds", cell: (r) => r.duration_seconds },
  { header: "status", cell: (r) => r.status },
  { header: "severity", cell: (r) => r.severity },
  { header: "kind", cell: (r) => r.kind },
  { header: "server", cell: (r) => r.server },
  { header: "monitor", cell: (r) => r.monitor },
  { header: "title", cell: (r) => r.title },
  { header: "cause", cell: (r) => r.cause },
  { header: "opened_at", cell: (r) => r.opened_at },
  { header: "acknowledged_at", cell: (r) => r.acknowledged_at },
  { header: "acknowledged_by", cell: (r) => r.acknowledged_by },
  { header: "resolved_by", cell: (r) => r.resolved_by },
  { header: "id", cell: (r) => r.id },
];

/**
 * Incidents whose outage overlaps [from, to) (began before `to`, not over before `from`), oldest
 * first, as the caller may see them. More than EXPORT_LIMITS.incidents.rows is a 400 naming
 * `from`: the caller narrows the range rather than getting a silently cut file.
 */
export async function exportIncidents({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: ExportIncidentsInput;
}): Promise<IncidentExportRow[]> {
  const { org_id, query } = parseInput(ExportIncidentsInput, input);
  const max = EXPORT_LIMITS.incidents.rows;
  const incidents = await inOrg(ctx, caller, org_id, "viewer", (tx) =>
    selectIncidents(
      tx,
      org_id,
      tx`and i.started_at < ${query.to} and (i.resolved_at is null or i.resolved_at >= ${query.from})`,
      max + 1,
    ),
  );
  if (incidents.length > max) {
    throw new AppError("VALIDATION", `from: more than ${max} incidents in this range; export a shorter one`, {
      field: "from",
    });
  }
  return incidents.reverse().map(toExportRow);
}

function toExportRow(i: IncidentItem): IncidentExportRow {
  return {
    started_at: i.started_at,
    ended_at: i.resolved_at,
    duration_seconds: i.duration_seconds,
    status: i.status,
    severity: i.severity,
    kind: i.kind,
    server: i.server?.name ?? null,
    monitor: i.monitor?.name ?? null,
    title: i.title,
    cause: i.cause,
    opened_at: i.opened_at,
    acknowledged_at: i.acknowledged_at,
    acknowledged_by: i.acknowledged_by
      ? (i.acknowledged_by.email ?? "a former member")
      : i.acknowledged_via
        ? `via ${i.acknowledged_via}`
        : null,
    resolved_by: i.resolved_by ? (i.resolved_by.email ?? "a former member") : null,
    id: i.id,
  };
}
