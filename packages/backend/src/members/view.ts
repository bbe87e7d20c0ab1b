import type { InvitationItem, MemberItem, OrgRole } from "@custos/protocol";
import type { PendingQuery, Row, TransactionSql } from "postgres";
import type { InvitationsRow } from "../db/rows.ts";
import { iso, isoOrNull } from "../orgs/access.ts";

export async function selectMembers(
  tx: TransactionSql,
  orgId: string,
  callerId: string,
): Promise<MemberItem[]> {
  const rows = await tx<{ user_id: string; email: string | null; role: OrgRole; joined_at: Date }[]>`
    select user_id, email, role, joined_at from private.org_members(${orgId})
    order by role, lower(email), user_id`;
  return rows.map((m) => ({
    user_id: m.user_id,
    email: m.email,
    role: m.role,
    joined_at: iso(m.joined_at),
    is_you: m.user_id === callerId,
  }));
}

export async function selectInvitations(
  tx: TransactionSql,
  orgId: string,
  where: PendingQuery<Row[]>,
): Promise<InvitationItem[]> {
  const rows = await tx<
    (Pick<
      InvitationsRow,
      "id" | "email" | "role" | "invited_by" | "created_at" | "expires_at" | "accepted_at"
    > & {
      invited_by_email: string | null;
      email_status: InvitationItem["email_status"];
      email_error: string | null;
    })[]
  >`
    select i.id, i.email, i.role, i.invited_by, mem.email as invited_by_email, i.created_at, i.expires_at, i.accepted_at,
           i.email_status, i.email_error
    from public.invitations i
    left join private.org_members(${orgId}) mem on mem.user_id = i.invited_by
    where i.org_id = ${orgId} ${where}
    order by i.created_at desc, i.id`;
  return rows.map((i) => ({
    id: i.id,
    email: i.email,
    role: i.role,
    invited_by: i.invited_by ? { id: i.invited_by, email: i.invited_by_email } : null,
    created_at: iso(i.created_at),
    expires_at: iso(i.expires_at),
    accepted_at: isoOrNull(i.accepted_at),
    email_status: i.email_status,
    email_error: i.email_error,
  }));
}
