import type { InvitationList } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";
import { selectInvitations } from "./view.ts";

export const ListInvitationsInput = z.strictObject({ org_id: z.uuid() });
export type ListInvitationsInput = z.input<typeof ListInvitationsInput>;

/** Admins see invitations (the policy lets only them read the table); never the token. */
export async function listInvitations({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: ListInvitationsInput;
}): Promise<InvitationList> {
  const { org_id } = parseInput(ListInvitationsInput, input);
  return inOrg(ctx, caller, org_id, "admin", async (tx) => ({
    invitations: await selectInvitations(tx, org_id, tx``),
  }));
}
