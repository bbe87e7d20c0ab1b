import type { OkResponse } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";

export const RevokeInvitationInput = z.strictObject({ org_id: z.uuid(), invitation_id: z.uuid() });
export type RevokeInvitationInput = z.input<typeof RevokeInvitationInput>;

/** Deletes the invitation: its token stops working. */
export async function revokeInvitation({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: RevokeInvitationInput;
}): Promise<OkResponse> {
  const { org_id, invitation_id } = parseInput(RevokeInvitationInput, input);
  return inOrg(ctx, caller, org_id, "admin", async (tx) => {
    const rows = await tx`
      delete from public.invitations where id = ${invitation_id} and org_id = ${org_id} returning id`;
    if (!rows[0]) {
      throw new AppError("NOT_FOUND", `invitation ${invitation_id} not found`, { field: "invitation_id" });
    }
    return { ok: true as const };
  });
}
