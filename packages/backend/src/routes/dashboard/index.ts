import { Hono } from "hono";
import { cors } from "hono/cors";
import type { Ctx } from "../../context.ts";
import { accountRoutes } from "./account.ts";
import { agentEventRoutes } from "./agent-events.ts";
import { alertRuleRoutes } from "./alert-rules.ts";
import { apiKeyRoutes } from "./api-keys.ts";
import { channelRoutes } from "./channels.ts";
import { exportRoutes } from "./exports.ts";
import { type DashboardEnv, requireUser } from "./http.ts";
import { incidentRoutes } from "./incidents.ts";
import { maintenanceWindowRoutes } from "./maintenance-windows.ts";
import { memberRoutes } from "./members.ts";
import { monitorConfigRoutes } from "./monitor-config.ts";
import { monitorRoutes } from "./monitors.ts";
import { orgRoutes } from "./orgs.ts";
import { probeRoutes } from "./probes.ts";
import { dashboardRoute } from "./route.ts";
import { serverRoutes } from "./servers.ts";
import { publicStatusRoutes, statusPageRoutes } from "./status-pages.ts";

/**
 * /api/v1/*: the dashboard API (contract: packages/protocol/src/dashboard.ts). Every route but
 * /v1/status/:slug needs a user's access token; each verb then runs as that user under RLS.
 * CORS: in the cloud the dashboard is on another origin; tokens travel in a header (no
 * cookies), so the configured dashboard origin (or any, when none is configured) may call.
 */
export function dashboardRoutes(ctx: Ctx) {
  const app = new Hono<DashboardEnv>();
  const origin = ctx.config.dashboardUrl ? new URL(ctx.config.dashboardUrl).origin : "*";
  app.use(
    "*",
    cors({
      origin,
      allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
      allowHeaders: ["Authorization", "Content-Type"],
      // the dashboard names a downloaded export (CSV, JSON) after the file name the API gives
      exposeHeaders: ["Content-Disposition"],
      maxAge: 600,
    }),
  );

  const route = dashboardRoute(app, ctx);
  publicStatusRoutes(route, ctx);

  const auth = requireUser(ctx);
  app.use("/me", auth);
  app.use("/orgs", auth);
  app.use("/orgs/*", auth);
  app.use("/invitations/*", auth);

  accountRoutes(route, ctx);
  orgRoutes(route, ctx);
  serverRoutes(route, ctx);
  incidentRoutes(route, ctx);
  apiKeyRoutes(route, ctx);
  channelRoutes(route, ctx);
  alertRuleRoutes(route, ctx);
  memberRoutes(route, ctx);
  probeRoutes(route, ctx);
  monitorRoutes(route, ctx);
  maintenanceWindowRoutes(route, ctx);
  statusPageRoutes(route, ctx);
  monitorConfigRoutes(route, ctx);
  exportRoutes(route, ctx);
  agentEventRoutes(route, ctx);
  return app;
}
