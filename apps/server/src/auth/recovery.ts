import { randomBytes } from "node:crypto";
import type { Sql, TransactionSql } from "postgres";
import { authenticate } from "./authenticate.ts";
import { parseInput } from "./body.ts";
import type { AuthCtx, SessionRequest } from "./context.ts";
import { AuthError } from "./errors.ts";
import { assertAcceptablePassword, hashPassword } from "./passwords.ts";
import { UpdateUserInput, VerifyInput } from "./schemas.ts";
import {
  hashRefreshToken as hashToken,
  type SessionResponse,
  sessionResponse,
  startSession,
} from "./sessions.ts";
import {
  findUserByEmail,
  findUserById,
  type UserJson,
  type UserRow,
  userBlocked,
  userJson,
} from "./users.ts";

/** How long a password-reset link works: GoTrue's default for recovery links (mailer_otp_exp). */
export const RECOVERY_TTL_SECONDS = 3600;

/**
 * A one-time password-reset token for `admin reset-password`. Like GoTrue, it lives in
 * auth.users.recovery_token (one per user: a new link replaces the previous one), stored as its
 * SHA-256 only, so a database dump holds no usable link; 256 random bits need no slow hash.
 * Returns undefined for an unknown email.
 */
export async function createRecoveryToken(
  sql: Sql,
  input: { email: string; at: Date },
): Promise<{ token: string; user: UserRow; expiresAt: Date } | undefined> {
  const user = await findUserByEmail(sql, input.email);
  if (!user) return undefined;
  const token = randomBytes(32).toString("base64url");
  await sql`
    update auth.users set recovery_token = ${hashToken(token)}, recovery_sent_at = ${input.at}
    where id = ${user.id}`;
  return { token, user, expiresAt: new Date(input.at.getTime() + RECOVERY_TTL_SECONDS * 1000) };
}

/**
 * POST /auth/v1/verify { type: "recovery", token_hash } (supabase-js verifyOtp): spends the
 * token — it works once — and signs the user in, so the dashboard can set the new password with
 * PUT /user. A wrong, used or expired token answers GoTrue's 403 otp_expired.
 */
export async function verifyRecovery({ ctx, input, client }: SessionRequest): Promise<SessionResponse> {
  const data = parseInput(VerifyInput, input);
  const now = ctx.now();
  const at = new Date(now);
  const notAfter = new Date(now - RECOVERY_TTL_SECONDS * 1000);
  const verified = await ctx.sql.begin(async (tx) => {
    // clearing the token in the same statement that finds it makes a second use find nothing,
    // also when two requests race with one link
    const [row] = await tx<{ id: string }[]>`
      update auth.users set recovery_token = null, updated_at = ${at}
      where recovery_token = ${hashToken(data.token_hash)}
        and recovery_sent_at > ${notAfter} and is_anonymous = false
      returning id`;
    if (!row) return undefined;
    const user = await findUserById(tx, row.id);
    if (!user || userBlocked(user, now)) return undefined;
    return { user, ...(await startSession(tx, { userId: user.id, client, at })) };
  });
  if (!verified) {
    throw new AuthError(403, "otp_expired", "Token has expired or is invalid", { field: "token_hash" });
  }
  ctx.log.info("password reset link used", { user_id: verified.user.id });
  return sessionResponse(ctx, { ...verified, client });
}

/**
 * PUT /auth/v1/user { password } (supabase-js updateUser): sets the signed-in user's password
 * and ends every other session of theirs — after a reset, whoever held the old password or a
 * stolen refresh token is out. The calling session stays signed in. Only the password can be
 * changed here; custos-server has no email change (it sends no confirmation mail).
 */
export async function updateUser({
  ctx,
  authorization,
  input,
}: {
  ctx: AuthCtx;
  authorization: string | undefined;
  input: unknown;
}): Promise<UserJson> {
  const { claims } = await authenticate(ctx, authorization);
  const data = parseInput(UpdateUserInput, input);
  assertAcceptablePassword(data.password);
  const passwordHash = await hashPassword(data.password);
  const at = new Date(ctx.now());
  const user = await ctx.sql.begin(async (tx) => {
    const updated = await setPassword(tx, { userId: claims.sub, passwordHash, at });
    await tx`delete from auth.sessions where user_id = ${claims.sub} and id <> ${claims.session_id}`;
    return updated;
  });
  if (!user) throw new AuthError(403, "user_not_found", "User from sub claim in JWT does not exist");
  ctx.log.info("password changed; other sessions ended", { user_id: user.id });
  return userJson(user);
}

/** Stores a new password hash; a pending reset link is spent with it. */
export async function setPassword(
  sql: Sql | TransactionSql,
  input: { userId: string; passwordHash: string; at: Date },
): Promise<UserRow | undefined> {
  await sql`
    update auth.users
    set encrypted_password = ${input.passwordHash}, recovery_token = null, updated_at = ${input.at}
    where id = ${input.userId}`;
  return findUserById(sql, input.userId);
}
