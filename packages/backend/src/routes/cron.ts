import { Hono } from "hono";
import type { Ctx } from "../context.ts";
import { AppError } from "../errors.ts";
import { runDueJobs } from "../jobs/run-due.ts";

/**
 * /api/cron/tick: called by pg_cron + pg_net in the cloud every 15 s; runs every job of the
 * table that is due (jobs/run-due.ts). Protected by a shared secret
 * (`Authorization: Bearer <CUSTOS_CRON_SECRET>`); without a configured secret the route is off.
 */
export function cronRoutes(ctx: Ctx) {
  const app = new Hono();
  // One tick at a time per isolate: a tick holds two of the isolate's few connections, and a
  // third overlapping tick would hold them all, each waiting for one more. Another isolate
  // (or the next tick) runs what this one skips; the advisory lock per job covers those.
  let ticking = false;
  app.use("*", async (c, next) => {
    const secret = ctx.config.cronSecret;
    if (!secret) throw new AppError("NOT_FOUND", "cron routes are disabled (no CUSTOS_CRON_SECRET)");
    const given = /^Bearer\s+(.+)$/i.exec(c.req.header("authorization") ?? "")?.[1] ?? "";
    if (!(await sameSecret(given, secret))) {
      throw new AppError("UNAUTHORIZED", "invalid cron secret", { field: "authorization" });
    }
    await next();
  });
  app.post("/tick", async (c) => {
    if (ticking) throw new AppError("CONFLICT", "the previous tick is still running in this isolate");
    ticking = true;
    try {
      const result = await runDueJobs({ ctx });
      const failed = Object.entries(result.jobs).filter(([, outcome]) => outcome.status === "failed");
      for (const [job, outcome] of failed) ctx.log.error("job failed", { job, ...outcome });
      // a failed job answers 500 with the whole result, so pg_net's response log shows it
      return c.json(result, failed.length > 0 ? 500 : 200);
    } finally {
      ticking = false;
    }
  });
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
