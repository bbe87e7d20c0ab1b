import type { Context, MiddlewareHandler } from "hono";
import { verifyUserJwt } from "../../auth/jwt.ts";
import type { Ctx } from "../../context.ts";
import type { CallerClaims } from "../../db/as-caller.ts";
import { AppError } from "../../errors.ts";

export type DashboardEnv = { Variables: { caller: CallerClaims } };
export type DashboardContext = Context<DashboardEnv>;

/** Verifies the user's access token against the JWKS; the claims are what RLS sees. */
export function requireUser(ctx: Ctx): MiddlewareHandler<DashboardEnv> {
  return async (c, next) => {
    if (!ctx.userKeys) {
      throw new AppError("UNAUTHORIZED", "sign-in is not configured on this server (no JWKS)", {
        field: "authorization",
      });
    }
    c.set("caller", await verifyUserJwt(ctx.userKeys, c.req.header("authorization")));
    c.header("Cache-Control", "no-store");
    await next();
  };
}
