import { Hono } from "hono";
import { runTick } from "../alerting/tick.ts";
import type { Ctx } from "../context.ts";
import { AppError } from "../errors.ts";
import { maintainPartitions } from "../maintenance/partitions.ts";

/**
 * /api/cron/*: called by pg_cron + pg_net in the cloud. Protected by a shared secret
 * (`Authorization: Bearer <CUSTOS_CRON_SECRET>`); without a configured secret the routes are off.
 */
export function cronRoutes(ctx: Ctx) {
  const app = new Hono();
  app.use("*", async (c, next) => {
    const secret = ctx.config.cronSecret;
    if (!secret) throw new AppError("NOT_FOUND", "cron routes are disabled (no CUSTOS_CRON_SECRET)");
    const given = /^Bearer\s+(.+)$/i.exec(c.req.header("authorization") ?? "")?.[1] ?? "";
    if (!(await sameSecret(given, secret))) {
      throw new AppError("UNAUTHORIZED", "invalid cron secret", { field: "authorization" });
    }
    await next();
  });
  app.post("/tick", async (c) => c.json(await runTick({ ctx })));
  app.post("/maintenance", async (c) => c.json(await maintainPartitions({ ctx })));
  return app;
}

/** Constant-time comparison through HMAC digests of both values (lengths may differ). */
async function sameSecret(a: string, b: string): Promise<boolean> {
  const key = await crypto.subtle.importKey(
    "raw",
    crypto.getRandomValues(new Uint8Array(32)),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const [x, y] = await Promise.all([
    crypto.subtle.sign("HMAC", key, new TextEncoder().encode(a)),
    crypto.subtle.sign("HMAC", key, new TextEncoder().encode(b)),
  ]);
  const u = new Uint8Array(x);
  const v = new Uint8Array(y);
  let diff = 0;
  for (let i = 0; i < u.length; i++) diff |= (u[i] as number) ^ (v[i] as number);
  return diff === 0;
}
