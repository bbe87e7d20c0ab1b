import type { Context, MiddlewareHandler } from "hono";
import { z } from "zod";
import { verifyUserJwt } from "../../auth/jwt.ts";
import type { Ctx } from "../../context.ts";
import type { CallerClaims } from "../../db/as-caller.ts";
import { AppError } from "../../errors.ts";
import { parseInput, readJsonBody } from "../../http/body.ts";

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

const Uuid = z.uuid({ message: "must be a uuid" });

/** Path parameters by name; a malformed one is 400 naming it (e.g. `server_id`). */
export function pathIds<K extends string>(c: Context, ...names: K[]): Record<K, string> {
  const shape = Object.fromEntries(names.map((n) => [n, Uuid])) as Record<K, typeof Uuid>;
  return parseInput(z.object(shape), c.req.param()) as Record<K, string>;
}

export function queryOf<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  return parseInput(schema, c.req.query());
}

export async function bodyOf<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  return parseInput(schema, await readJsonBody(c.req.raw));
}

/** For creates whose fields all have defaults: an empty body means `{}`. */
export async function optionalBodyOf<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const length = c.req.header("content-length");
  const empty = c.req.raw.body === null || length === "0";
  return parseInput(schema, empty ? {} : await readJsonBody(c.req.raw));
}
