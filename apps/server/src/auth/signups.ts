import type { Sql, TransactionSql } from "postgres";
import type { AuthCtx, SignupPolicy } from "./context.ts";
import { AuthError } from "./errors.ts";

type Db = Sql | TransactionSql;

/**
 * Serialises sign-ups: without it two people racing on a fresh instance could both count as
 * "the first account" and pass a `closed` or `invite-only` policy. One key for every sign-up;
 * they are rare, and the lock lives only for the sign-up transaction.
 */
const SIGNUP_LOCK = 0x637573746f73; // "custos"

/** Whether anyone has an account yet: a deleted account still means someone owned the instance. */
export async function hasUsers(db: Db): Promise<boolean> {
  const [row] = await db<{ any: boolean }[]>`
    select exists (select 1 from auth.users where is_anonymous = false) as any`;
  return row?.any ?? false;
}

async function hasPendingInvitation(db: Db, email: string, at: Date): Promise<boolean> {
  const [row] = await db<{ any: boolean }[]>`
    select exists (
      select 1 from public.invitations
      where lower(email) = ${email.toLowerCase()} and accepted_at is null and expires_at > ${at}
    ) as any`;
  return row?.any ?? false;
}

/**
 * Throws GoTrue's `signup_disabled` (422, as Supabase Auth answers when sign-ups are off) unless
 * CUSTOS_SIGNUPS lets this email sign up now. Call inside the sign-up transaction: it takes the
 * lock that makes "is this the first account?" and the insert one step.
 */
export async function assertSignupAllowed(
  tx: TransactionSql,
  policy: SignupPolicy,
  input: { email: string; at: Date },
): Promise<void> {
  if (policy === "open") return;
  await tx`select pg_advisory_xact_lock(${SIGNUP_LOCK})`;
  // someone must own a fresh instance, whatever the policy
  if (!(await hasUsers(tx))) return;
  if (policy === "invite-only" && (await hasPendingInvitation(tx, input.email, input.at))) return;
  throw new AuthError(
    422,
    "signup_disabled",
    policy === "closed"
      ? "Signups not allowed for this instance (CUSTOS_SIGNUPS=closed): ask an administrator for an account"
      : "Signups not allowed for this instance without an invitation (CUSTOS_SIGNUPS=invite-only): ask an organization admin to invite this email",
    { field: "email" },
  );
}

/**
 * GET /auth/v1/settings: GoTrue's answer, plus `custos` — what the dashboard needs to open a
 * fresh instance on "Create the first account" and to hide sign-up when it is closed. Supabase
 * Auth has no `custos` key; the dashboard then behaves as it always did.
 */
export async function authSettings(ctx: Pick<AuthCtx, "sql" | "config">) {
  const users = await hasUsers(ctx.sql);
  const policy = ctx.config.signups;
  return {
    external: { email: true, phone: false, anonymous_users: false },
    // only `closed` refuses everyone; invite-only still lets invitees sign up
    disable_signup: users && policy === "closed",
    mailer_autoconfirm: true,
    phone_autoconfirm: false,
    sms_provider: "",
    saml_enabled: false,
    custos: { signups: policy, has_users: users },
  };
}
export type AuthSettings = Awaited<ReturnType<typeof authSettings>>;
