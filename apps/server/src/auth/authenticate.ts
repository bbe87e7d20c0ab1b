import { type AccessClaims, verifyAccessToken } from "./access-token.ts";
import type { AuthCtx } from "./context.ts";
import { AuthError } from "./errors.ts";
import { findUserById, type UserRow, userBlocked } from "./users.ts";

/**
 * The signed-in caller of /user and /logout: a valid access token whose user exists and whose
 * session is still live (signed out or revoked sessions answer session_not_found, which
 * supabase-js turns into AuthSessionMissingError).
 */
export async function authenticate(
  ctx: AuthCtx,
  authorization: string | undefined,
): Promise<{ claims: AccessClaims; user: UserRow }> {
  const claims = await verifyAccessToken(ctx, authorization);
  if (!/^[0-9a-f-]{36}$/i.test(claims.sub) || !/^[0-9a-f-]{36}$/i.test(claims.session_id)) {
    throw new AuthError(403, "bad_jwt", "invalid claim: sub and session_id must be UUIDs", {
      field: "authorization",
    });
  }
  const user = await findUserById(ctx.sql, claims.sub);
  if (!user || userBlocked(user, ctx.now()) === "deleted") {
    throw new AuthError(403, "user_not_found", "User from sub claim in JWT does not exist");
  }
  const [session] = await ctx.sql<{ live: boolean }[]>`
    select (not_after is null or not_after > ${new Date(ctx.now())}) as live
    from auth.sessions where id = ${claims.session_id} and user_id = ${claims.sub}`;
  if (!session?.live) {
    throw new AuthError(403, "session_not_found", "Session from session_id claim in JWT does not exist");
  }
  return { claims, user };
}
