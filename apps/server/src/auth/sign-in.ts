import { parseInput } from "./body.ts";
import type { SessionRequest } from "./context.ts";
import { AuthError } from "./errors.ts";
import { verifyPassword } from "./passwords.ts";
import { PasswordGrantInput } from "./schemas.ts";
import { type SessionResponse, sessionResponse, startSession } from "./sessions.ts";
import { findUserByEmail, touchLastSignIn, userBlocked } from "./users.ts";

/**
 * POST /auth/v1/token?grant_type=password. Failed attempts are limited per account (email) and
 * per client address; the attempt is counted before the password is checked, so a burst of
 * parallel guesses cannot slip past the limit. A success clears the account's count and takes
 * back only its own attempt from the address's count: guesses at other accounts from the same
 * address still count.
 */
export async function signInWithPassword({ ctx, input, client }: SessionRequest): Promise<SessionResponse> {
  const data = parseInput(PasswordGrantInput, input);
  const now = ctx.now();
  const accountKey = data.email;
  const addressKey = client.address ?? "unknown";
  const { byAccount, byAddress } = ctx.failures;
  const wait = Math.max(byAccount.waitMs(accountKey, now), byAddress.waitMs(addressKey, now));
  if (wait > 0) {
    ctx.log.warn("sign-in rate limited", { address: client.address });
    const seconds = Math.max(1, Math.ceil(wait / 1000));
    throw new AuthError(
      429,
      "over_request_rate_limit",
      `Too many failed sign-in attempts; try again in ${seconds} seconds`,
      { retryAfterSeconds: seconds },
    );
  }
  byAccount.record(accountKey, now);
  byAddress.record(addressKey, now);

  const user = await findUserByEmail(ctx.sql, data.email);
  const ok = await verifyPassword(data.password, user?.encrypted_password);
  if (!user || !ok) throw new AuthError(400, "invalid_credentials", "Invalid login credentials");

  byAccount.reset(accountKey);
  byAddress.cancel(addressKey, now);
  const blocked = userBlocked(user, ctx.now());
  if (blocked === "deleted") throw new AuthError(400, "invalid_credentials", "Invalid login credentials");
  if (blocked === "banned") throw new AuthError(400, "user_banned", "User is banned");
  if (!user.email_confirmed_at) throw new AuthError(400, "email_not_confirmed", "Email not confirmed");

  const at = new Date(ctx.now());
  const signedIn = await ctx.sql.begin(async (tx) => {
    const updated = (await touchLastSignIn(tx, user.id, at)) ?? user;
    return { user: updated, ...(await startSession(tx, { userId: user.id, client, at })) };
  });
  return sessionResponse(ctx, { ...signedIn, client });
}
