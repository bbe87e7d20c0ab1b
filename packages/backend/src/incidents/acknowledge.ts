import type { IncidentItem } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import type { IncidentsRow } from "../db/rows.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";
import { assertIncidentVisible, readIncident } from "./view.ts";

export const IncidentActionInput = z.strictObject({ org_id: z.uuid(), incident_id: z.uuid() });
export type IncidentActionInput = z.input<typeof IncidentActionInput>;

/** What a member's action on one incident (acknowledge, resolve) is called with. */
export interface IncidentAction {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: IncidentActionInput;
}

/**
 * A member acknowledges, as the caller, through private.acknowledge_incident: incidents are the
 * engine's rows and `authenticated` cannot update them; the function changes only the
 * acknowledgement, checks the member role in the incident's organization and records auth.uid().
 * So there is no service variant: an acknowledgement is always someone's (links: acknowledge-by-link.ts).
 * Acknowledging stops escalation and repeats; pending ones are suppressed by the dispatcher.
 */
export async function acknowledgeIncident({ ctx, caller, input }: IncidentAction): Promise<IncidentItem> {
  const { org_id, incident_id } = parseInput(IncidentActionInput, input);
  return inOrg(ctx, caller, org_id, "member", async (tx) => {
    await assertIncidentVisible(tx, org_id, incident_id);
    const [done] = await tx<{ ok: boolean }[]>`select private.acknowledge_incident(${incident_id}) as ok`;
    if (!done?.ok) {
      const [current] = await tx<
        Pick<IncidentsRow, "status">[]
      >`select status from public.incidents where id = ${incident_id}`;
      throw new AppError("CONFLICT", `incident is already ${current?.status}`, { field: "incident_id" });
    }
    return readIncident(tx, org_id, incident_id);
  });
}
