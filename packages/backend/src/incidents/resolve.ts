import type { IncidentItem } from "@custos/protocol";
import type { Sql } from "postgres";
import { asCaller } from "../db/as-caller.ts";
import type { IncidentsRow } from "../db/rows.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";
import { type IncidentAction, IncidentActionInput } from "./acknowledge.ts";
import { assertIncidentVisible, readIncident } from "./view.ts";

/**
 * A member resolves by hand (e.g. a decommissioned server); "restored" is queued as for an
 * automatic resolve. The state machine (private.resolve_subject, private.enqueue_notifications)
 * is not executable by `authenticated`, so this verb holds two handles in turn: as the caller, the
 * role and the incident's visibility are checked; with service access, in a transaction of its
 * own, the incident is resolved recording the verified caller as `resolved_by`; as the caller
 * again, the answer is read.
 */
export async function resolveIncident({ ctx, caller, input }: IncidentAction): Promise<IncidentItem> {
  const { org_id, incident_id } = parseInput(IncidentActionInput, input);
  await inOrg(ctx, caller, org_id, "member", (tx) => assertIncidentVisible(tx, org_id, incident_id));
  await resolveAsService(ctx.sql, incident_id, caller.sub);
  return asCaller(ctx.sql, caller, (tx) => readIncident(tx, org_id, incident_id));
}

async function resolveAsService(sql: Sql, incidentId: string, userId: string): Promise<void> {
  await sql.begin(async (tx) => {
    const [row] = await tx<Pick<IncidentsRow, "id" | "subject_key" | "resolved_at">[]>`
      select id, subject_key, resolved_at from public.incidents where id = ${incidentId} for update`;
    if (!row) throw new AppError("NOT_FOUND", `incident ${incidentId} not found`, { field: "incident_id" });
    if (row.resolved_at)
      throw new AppError("CONFLICT", "incident is already resolved", { field: "incident_id" });
    await tx`select private.resolve_subject(${row.subject_key}, ${userId})`;
    await tx`select private.enqueue_notifications(${row.id}, 'restored')`;
  });
}
