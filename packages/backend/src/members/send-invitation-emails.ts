/**
 * The invitation-emails job: sends the emails inviting people queue (migration
 * 20261205160000_invitation_emails.sql), like the notification outbox's dispatcher. Invitations
 * are claimed with `for update skip locked` (two runs never send one twice); a claim a dead
 * process left is released after `claimTimeoutMs`; a failure is retried with exponential backoff
 * until MAX_ATTEMPTS, then the invitation is `failed` with the reason the member list shows. The
 * token is deleted once the email is sent or given up.
 */
import type { OrgRole } from "@custos/protocol";
import type { Ctx } from "../context.ts";
import { dashboardLinkBase } from "../links.ts";
import { DeliveryError } from "../notify/types.ts";
import { invitationEmail } from "./invitation-email.ts";
import { acceptUrl } from "./token.ts";

export const MAX_INVITATION_EMAIL_ATTEMPTS = 6;
/** 30 s, 1 min, 2 min, 4 min, 8 min: given up within a quarter of an hour, while the admin is still around. */
const RETRY_BASE_MS = 30_000;

interface Claimed {
  id: string;
  email: string;
  role: Exclude<OrgRole, "owner">;
  expires_at: Date;
  accepted_at: Date | null;
  email_attempts: number;
  org_name: string;
  token: string | null;
  inviter: string | null;
}

export interface InvitationEmailResult {
  sent: number;
  retried: number;
  failed: number;
}

export async function sendInvitationEmails({
  ctx,
  limit = 20,
}: {
  ctx: Pick<Ctx, "sql" | "config" | "notify" | "log">;
  limit?: number;
}): Promise<InvitationEmailResult> {
  const result: InvitationEmailResult = { sent: 0, retried: 0, failed: 0 };
  await ctx.sql`
    update public.invitations set email_status = 'pending'
    where email_status = 'sending'
      and email_claimed_at < now() - ${`${Math.round(ctx.config.claimTimeoutMs / 1000)} seconds`}::interval`;
  const rows = await ctx.sql<Claimed[]>`
    with claimed as (
      update public.invitations i
         set email_status = 'sending', email_attempts = i.email_attempts + 1, email_claimed_at = now()
       where i.id in (
         select id from public.invitations
         where email_status = 'pending' and email_next_attempt_at <= now()
         order by email_next_attempt_at
         limit ${limit}
         for update skip locked
       )
      returning i.*
    )
    select c.id, c.email, c.role, c.expires_at, c.accepted_at, c.email_attempts, o.name as org_name, t.token,
           coalesce(nullif(trim(u.raw_user_meta_data ->> 'full_name'), ''),
                    nullif(trim(u.raw_user_meta_data ->> 'name'), ''), u.email) as inviter
    from claimed c
    join public.organizations o on o.id = c.org_id
    left join private.invitation_email_tokens t on t.invitation_id = c.id
    left join auth.users u on u.id = c.invited_by`;

  for (const row of rows) {
    const outcome = await sendOne(ctx, row);
    result[outcome]++;
  }
  return result;
}

async function sendOne(
  ctx: Pick<Ctx, "sql" | "config" | "notify" | "log">,
  row: Claimed,
): Promise<keyof InvitationEmailResult> {
  const link = row.token ? acceptUrl(dashboardLinkBase(ctx.config), row.token) : null;
  const giveUp = (reason: string) => finish(ctx, row.id, "failed", reason);
  if (row.accepted_at) return giveUp("not sent: the invitation was accepted first");
  if (row.expires_at.getTime() <= Date.now()) return giveUp("not sent: the invitation expired");
  if (!link) return giveUp("not sent: the link is gone or the dashboard's URL is not configured");
  const mail = ctx.notify.mail;
  if (!mail) return giveUp("not sent: this server no longer sends email");

  try {
    await mail({
      to: [row.email],
      ...invitationEmail({
        inviter: row.inviter,
        orgName: row.org_name,
        role: row.role,
        acceptUrl: link,
        invitee: row.email,
        expiresAt: row.expires_at,
      }),
    });
  } catch (error) {
    // the transports redact their credentials; the link (and its token) is never in an error
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 500);
    const retryable = error instanceof DeliveryError ? error.retryable : true;
    if (retryable && row.email_attempts < MAX_INVITATION_EMAIL_ATTEMPTS) {
      const delayMs = RETRY_BASE_MS * 2 ** (row.email_attempts - 1);
      await ctx.sql`
        update public.invitations
           set email_status = 'pending', email_error = ${message},
               email_next_attempt_at = now() + ${`${Math.round(delayMs / 1000)} seconds`}::interval
         where id = ${row.id}`;
      return "retried";
    }
    ctx.log.warn("invitation email failed", { invitation_id: row.id, error: message });
    await finish(ctx, row.id, "failed", message);
    return "failed";
  }
  await finish(ctx, row.id, "sent", null);
  return "sent";
}

async function finish(
  ctx: Pick<Ctx, "sql">,
  id: string,
  status: "sent" | "failed",
  error: string | null,
): Promise<"sent" | "failed"> {
  await ctx.sql.begin(async (tx) => {
    await tx`
      update public.invitations
         set email_status = ${status}, email_error = ${error},
             email_sent_at = ${status === "sent" ? tx`now()` : null}
       where id = ${id}`;
    await tx`delete from private.invitation_email_tokens where invitation_id = ${id}`;
  });
  return status;
}
