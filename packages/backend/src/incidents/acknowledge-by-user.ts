import type { IncidentItem } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { inOrg, txSql } from "../orgs/access.ts";
import { acknowledgeIncident } from "./acknowledge.ts";
import { selectIncidents } from "./view.ts";

export const IncidentByUserInput = z.strictObject({ org_id: z.uuid(), incident_id: z.uuid() });
export type IncidentByUserInput = z.input<typeof IncidentByUserInput>;

/**
 * A member acknowledges: the spine's verb runs inside the caller's transaction, so the RLS update
 * policy (members and up) is what allows it, and `acknowledged_by` is the verified caller.
 */
export async function acknowledgeIncidentByUser({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: IncidentByUserInput;
}): Promise<IncidentItem> {
  const { org_id, incident_id } = parseInput(IncidentByUserInput, input);
  return inOrg(ctx, caller, org_id, "member", async (tx) => {
    const [visible] =
      await tx`select 1 from public.incidents where id = ${incident_id} and org_id = ${org_id}`;
    if (!visible)
      throw new AppError("NOT_FOUND", `incident ${incident_id} not found`, { field: "incident_id" });
    await acknowledgeIncident({ ctx: { sql: txSql(tx) }, input: { incident_id, user_id: caller.sub } });
    const [item] = await selectIncidents(tx, org_id, tx`and i.id = ${incident_id}`, 1);
    return item as IncidentItem;
  });
}
