import type { Ctx } from "@custos/backend";
import { createApp } from "@custos/backend";
import { Hono } from "hono";
import { type AuthCtx, authRoutes } from "./auth/index.ts";
import { downloadRoutes } from "./downloads.ts";
import { dashboardRoutes } from "./web.ts";

/**
 * The one URL layout of both modes: /functions/v1/api/... is the same Hono app Supabase runs as
 * the `api` Edge Function; /auth/v1/... is the subset of Supabase Auth the dashboard uses;
 * /healthz answers once migrations ran and the database responds.
 */
export function createHttpApp(ctx: Ctx, auth: AuthCtx) {
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
  app.route("/auth/v1", authRoutes(auth));
  app.route("/", downloadRoutes({ publicUrl: ctx.config.dashboardUrl })); // /install.sh, /downloads/ (downloads.ts)
  app.route("/", dashboardRoutes({ publicUrl: ctx.config.dashboardUrl })); // the web dashboard (web.ts)
  return app;
}
