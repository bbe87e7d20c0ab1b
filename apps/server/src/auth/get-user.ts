import { authenticate } from "./authenticate.ts";
import type { AuthCtx } from "./context.ts";
import { type UserJson, userJson } from "./users.ts";

/** GET /auth/v1/user: the caller's user object (supabase-js getUser()). */
export async function getUser({
  ctx,
  authorization,
}: {
  ctx: AuthCtx;
  authorization: string | undefined;
}): Promise<UserJson> {
  const { user } = await authenticate(ctx, authorization);
  return userJson(user);
}
