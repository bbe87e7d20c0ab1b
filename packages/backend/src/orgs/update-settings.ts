import { type OrgSettings, UpdateOrgSettingsRequest } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { parseInput } from "../http/body.ts";
import { requireRetentionWithinPlan } from "../plans/room.ts";
import { inOrg } from "./access.ts";
import { readOrgSettings } from "./settings.ts";

export const UpdateOrgSettingsInput = z.strictObject({ org_id: z.uuid(), changes: UpdateOrgSettingsRequest });
export type UpdateOrgSettingsInput = z.input<typeof UpdateOrgSettingsInput>;

/** Admins change the organization's name, approval requirement, retention and flap detection. */
export async function updateOrgSettings({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: UpdateOrgSettingsInput;
}): Promise<OrgSettings> {
  const { org_id, changes } = parseInput(UpdateOrgSettingsInput, input);
  return inOrg(ctx, caller, org_id, "admin", async (tx, role) => {
    // an organization chooses its raw retention within its plan's (402 PLAN_LIMIT)
    if (changes.raw_retention_days !== undefined)
      await requireRetentionWithinPlan(tx, org_id, changes.raw_retention_days);
    await tx`
      update public.organizations set
        name = coalesce(${changes.name ?? null}, name),
        require_server_approval = coalesce(${changes.require_server_approval ?? null}, require_server_approval),
        raw_retention_days = coalesce(${changes.raw_retention_days ?? null}, raw_retention_days),
        flap_threshold = coalesce(${changes.flap_threshold ?? null}, flap_threshold),
        flap_window_minutes = coalesce(${changes.flap_window_minutes ?? null}, flap_window_minutes),
        agent_dedup_seconds = coalesce(${changes.agent_dedup_seconds ?? null}, agent_dedup_seconds),
        -- servers without their own timeout follow it (a trigger derives theirs)
        default_heartbeat_timeout_seconds =
          coalesce(${changes.default_heartbeat_timeout_seconds ?? null}, default_heartbeat_timeout_seconds)
      where id = ${org_id}`;
    return readOrgSettings(tx, org_id, role);
  });
}
