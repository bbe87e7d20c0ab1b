import { authenticate } from "./authenticate.ts";
import type { AuthCtx } from "./context.ts";
import { AuthError } from "./errors.ts";
import { LogoutScope } from "./schemas.ts";

/**
 * POST /auth/v1/logout?scope=local|global|others (default local): deletes this session, all of
 * the user's sessions, or all but this one; their refresh tokens go with them (on delete
 * cascade). Access tokens already issued stay valid until they expire, as with Supabase Auth:
 * the Hono app verifies them without a database round trip.
 */
export async function signOut({
  ctx,
  authorization,
  scope,
}: {
  ctx: AuthCtx;
  authorization: string | undefined;
  scope: string | undefined;
}): Promise<void> {
  const parsed = LogoutScope.safeParse(scope || "local");
  if (!parsed.success) {
    throw new AuthError(400, "validation_failed", "scope: must be one of local, global, others", {
      field: "scope",
    });
  }
  const which = parsed.data;
  const { claims } = await authenticate(ctx, authorization);
  if (which === "local") {
    await ctx.sql`delete from auth.sessions where id = ${claims.session_id}`;
  } else if (which === "global") {
    await ctx.sql`delete from auth.sessions where user_id = ${claims.sub}`;
  } else {
    await ctx.sql`delete from auth.sessions where user_id = ${claims.sub} and id <> ${claims.session_id}`;
  }
}
