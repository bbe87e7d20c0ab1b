import { type CreatedInvitation, CreateInvitationRequest } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import type { InvitationsRow } from "../db/rows.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { dashboardLinkBase } from "../links.ts";
import { inOrg } from "../orgs/access.ts";
import { acceptUrl, generateInvitationToken, hashInvitationToken } from "./token.ts";
import { selectInvitations } from "./view.ts";

export const InviteMemberInput = z.strictObject({ org_id: z.uuid(), invitation: CreateInvitationRequest });
export type InviteMemberInput = z.input<typeof InviteMemberInput>;

/** An admin invites an email address; the token is returned once (its hash is stored), as the
 * caller under "admins manage invitations". Valid 7 days. */
export async function inviteMember({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql" | "config">;
  caller: CallerClaims;
  input: InviteMemberInput;
}): Promise<CreatedInvitation> {
  const { org_id, invitation } = parseInput(InviteMemberInput, input);
  const token = generateInvitationToken();
  const hash = await hashInvitationToken(token);
  return inOrg(ctx, caller, org_id, "admin", async (tx) => {
    const [member] = await tx`
      select 1 from private.org_members(${org_id}) where lower(email) = lower(${invitation.email})`;
    if (member) {
      throw new AppError("CONFLICT", `${invitation.email} is already a member`, { field: "email" });
    }
    const [row] = await tx<Pick<InvitationsRow, "id">[]>`
      insert into public.invitations (org_id, email, role, token_hash, invited_by)
      values (${org_id}, ${invitation.email}, ${invitation.role}, ${hash}, ${caller.sub})
      returning id`;
    const [item] = await selectInvitations(tx, org_id, tx`and i.id = ${(row as { id: string }).id}`);
    return {
      invitation: item as NonNullable<typeof item>,
      token,
      accept_url: acceptUrl(dashboardLinkBase(ctx.config), token),
    };
  });
}
