import { type CreatedInvitation, CreateInvitationRequest } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import type { InvitationsRow } from "../db/rows.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { dashboardLinkBase } from "../links.ts";
import { inOrg } from "../orgs/access.ts";
import { requireRoomForMember } from "../plans/room.ts";
import { acceptUrl, generateInvitationToken, hashInvitationToken } from "./token.ts";
import { selectInvitations } from "./view.ts";

export const InviteMemberInput = z.strictObject({ org_id: z.uuid(), invitation: CreateInvitationRequest });
export type InviteMemberInput = z.input<typeof InviteMemberInput>;

/** An admin invites an email address; the token is returned once (its hash is stored), as the
 * caller under "admins manage invitations". Valid 7 days. Where this backend can send email and
 * knows the dashboard's URL, an email with the link is queued in the same transaction and sent by
 * the invitation-emails job (never while the API answers); otherwise the answer says to share the
 * link by hand. */
export async function inviteMember({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql" | "config" | "notify">;
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
    // members and pending invitations together within the plan's max_members (402 PLAN_LIMIT)
    await requireRoomForMember(tx, org_id);
    const [row] = await tx<Pick<InvitationsRow, "id">[]>`
      insert into public.invitations (org_id, email, role, token_hash, invited_by)
      values (${org_id}, ${invitation.email}, ${invitation.role}, ${hash}, ${caller.sub})
      returning id`;
    const id = (row as { id: string }).id;
    const link = acceptUrl(dashboardLinkBase(ctx.config), token);
    let email: CreatedInvitation["email"] = "not_configured";
    if (link && ctx.notify.mail) {
      const [queued] = await tx<
        { ok: boolean }[]
      >`select private.queue_invitation_email(${id}, ${token}) as ok`;
      if (queued?.ok) email = "queued";
    }
    const [item] = await selectInvitations(tx, org_id, tx`and i.id = ${id}`);
    return {
      invitation: item as NonNullable<typeof item>,
      token,
      accept_url: link,
      email,
      email_note:
        email === "queued"
          ? `An email with the link is being sent to ${invitation.email}.`
          : "This server sends no email (or does not know its public URL): share the link with the invitee yourself.",
    };
  });
}
