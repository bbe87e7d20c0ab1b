import { parseInput } from "./body.ts";
import type { SessionRequest } from "./context.ts";
import { AuthError } from "./errors.ts";
import { assertAcceptablePassword, hashPassword } from "./passwords.ts";
import { SignupInput } from "./schemas.ts";
import { type SessionResponse, sessionResponse, startSession } from "./sessions.ts";
import { assertSignupAllowed } from "./signups.ts";
import { insertUser } from "./users.ts";

/**
 * POST /auth/v1/signup: creates the user and signs them in. Self-hosted mode sends no mail, so
 * the address counts as confirmed at once (`email_confirmed_at` = now, like GoTrue with
 * autoconfirm); the returned session is what supabase-js's signUp() hands back. The trigger of
 * migration 20261122000800 gives the new user a personal organization in the same transaction.
 * CUSTOS_SIGNUPS decides who may sign up once the first account exists (signups.ts).
 */
export async function signUp({ ctx, input, client }: SessionRequest): Promise<SessionResponse> {
  const data = parseInput(SignupInput, input);
  assertAcceptablePassword(data.password);
  const passwordHash = await hashPassword(data.password);
  const at = new Date(ctx.now());
  const created = await ctx.sql.begin(async (tx) => {
    await assertSignupAllowed(tx, ctx.config.signups, { email: data.email, at });
    const user = await insertUser(tx, { email: data.email, passwordHash, metadata: data.data, at });
    if (!user) return undefined;
    return { user, ...(await startSession(tx, { userId: user.id, client, at })) };
  });
  if (!created) {
    throw new AuthError(422, "user_already_exists", "User already registered", { field: "email" });
  }
  ctx.log.info("user signed up", { user_id: created.user.id });
  return sessionResponse(ctx, { ...created, client });
}
