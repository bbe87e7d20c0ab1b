import { type AcceptedInvitation, AcceptInvitationRequest, type OrgRole } from "@custos/protocol";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { hashInvitationToken } from "./token.ts";

/**
 * The signed-in invitee accepts. Service access, deliberately: the invitee is not a member yet,
 * so RLS hides the invitation and forbids inserting their membership. What authorizes it is the
 * token (256 random bits, looked up by hash) AND the caller's own email in auth.users matching
 * the invited address, so a forwarded or leaked link does not let another account join. The
 * membership is written for the verified caller only; an existing member keeps the higher role.
 */
export async function acceptInvitation({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: AcceptInvitationRequest;
}): Promise<AcceptedInvitation> {
  const { token } = parseInput(AcceptInvitationRequest, input);
  const hash = await hashInvitationToken(token);
  return ctx.sql.begin(async (tx) => {
    const [inv] = await tx<
      {
        id: string;
        org_id: string;
        org_name: string;
        email: string;
        role: OrgRole;
        accepted_at: Date | null;
        expired: boolean;
      }[]
    >`
      select i.id, i.org_id, o.name as org_name, i.email, i.role, i.accepted_at, i.expires_at < now() as expired
      from public.invitations i join public.organizations o on o.id = i.org_id
      where i.token_hash = ${hash}
      for update of i`;
    if (!inv)
      throw new AppError("NOT_FOUND", "invitation not found (revoked, or a wrong token)", { field: "token" });
    if (inv.accepted_at)
      throw new AppError("CONFLICT", "this invitation was already accepted", { field: "token" });
    if (inv.expired)
      throw new AppError("CONFLICT", "this invitation has expired; ask for a new one", { field: "token" });
    const [user] = await tx<
      { email: string | null }[]
    >`select email from auth.users where id = ${caller.sub}`;
    if (!user)
      throw new AppError("UNAUTHORIZED", "the signed-in user no longer exists", { field: "authorization" });
    if ((user.email ?? "").toLowerCase() !== inv.email.toLowerCase()) {
      throw new AppError("FORBIDDEN", "this invitation was sent to a different email address");
    }
    const [member] = await tx<{ role: OrgRole }[]>`
      insert into public.memberships (org_id, user_id, role) values (${inv.org_id}, ${caller.sub}, ${inv.role})
      on conflict (org_id, user_id) do update set role = least(public.memberships.role, excluded.role)
      returning role`;
    await tx`update public.invitations set accepted_at = now() where id = ${inv.id}`;
    return { org: { id: inv.org_id, name: inv.org_name }, role: (member as { role: OrgRole }).role };
  }) as Promise<AcceptedInvitation>;
}
