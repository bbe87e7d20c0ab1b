import type { Ctx } from "@custos/backend";
import { AppError, createApp, errorBody } from "@custos/backend";
import { Hono } from "hono";
import { type AuthCtx, authRoutes } from "./auth/index.ts";
import { compressAnswers } from "./compress.ts";
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
  // the dashboard's reads and downloads go out compressed to a browser that accepts it; POST
  // answers (an agent's heartbeat and push, a form's save) are small and skip it (compress.ts)
  app.get("/functions/v1/*", compressAnswers());
  // route(), not mount(): one router and no second Request per call (mount rebuilt the request
  // for the sub-app: ~40 % of heartbeat throughput). The sub-app's error handler comes along;
  // its not-found answer does not, so unknown API paths get the same JSON 404 here.
  app.route("/functions/v1", api);
  app.all("/functions/v1/*", (c) =>
    c.json(errorBody(new AppError("NOT_FOUND", `no route for ${c.req.method} ${c.req.path}`)), 404),
  );
  app.route("/auth/v1", authRoutes(auth));
  app.route("/", downloadRoutes({ publicUrl: ctx.config.dashboardUrl })); // /install.sh, /downloads/ (downloads.ts)
  app.route(
    "/",
    // ownUrl is read per request: runtime.ts sets it once the port is known
    dashboardRoutes({ publicUrl: ctx.config.dashboardUrl, ownUrl: () => ctx.config.fallbackDashboardUrl }),
  ); // the web dashboard (web.ts)
  return app;
}
