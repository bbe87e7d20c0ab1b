import type { IncidentItem } from "@custos/protocol";
import type { Ctx } from "../context.ts";
import { asCaller, type CallerClaims } from "../db/as-caller.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";
import { IncidentByUserInput, type IncidentByUserInput as Input } from "./acknowledge-by-user.ts";
import { resolveIncident } from "./resolve.ts";
import { selectIncidents } from "./view.ts";

/**
 * A member resolves by hand. Resolving goes through private.resolve_subject and queues the
 * "restored" notices (private.enqueue_notifications), which `authenticated` may not execute: so
 * the role and visibility are checked as the caller first, then the spine's verb runs with
 * service access, recording the verified caller as `resolved_by`.
 */
export async function resolveIncidentByUser({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: Input;
}): Promise<IncidentItem> {
  const { org_id, incident_id } = parseInput(IncidentByUserInput, input);
  await inOrg(ctx, caller, org_id, "member", async (tx) => {
    const [visible] =
      await tx`select 1 from public.incidents where id = ${incident_id} and org_id = ${org_id}`;
    if (!visible)
      throw new AppError("NOT_FOUND", `incident ${incident_id} not found`, { field: "incident_id" });
  });
  await resolveIncident({ ctx, input: { incident_id, user_id: caller.sub } });
  return asCaller(ctx.sql, caller, async (tx) => {
    const [item] = await selectIncidents(tx, org_id, tx`and i.id = ${incident_id}`, 1);
    return item as IncidentItem;
  });
}
