import type { Ctx } from "@custos/backend";
import { createApp } from "@custos/backend";
import { Hono } from "hono";

/**
 * The one URL layout of both modes: /functions/v1/api/... is the same Hono app Supabase runs as
 * the `api` Edge Function; /healthz answers once migrations ran and the database responds.
 */
export function createHttpApp(ctx: Ctx) {
  const api = createApp({ ctx });
  const app = new Hono();
  app.get("/healthz", async (c) => {
    try {
      await ctx.sql`select 1`;
      return c.json({ ok: true });
    } catch {
      return c.json({ ok: false, error: "database unreachable" }, 503);
    }
  });
  app.mount("/functions/v1", api.fetch);
  return app;
}
