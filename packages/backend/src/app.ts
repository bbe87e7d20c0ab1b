import type { ScheduleHealth } from "@custos/protocol";
import { Hono } from "hono";
import type { Sql } from "postgres";
import { ApiKeyCache } from "./api-keys/authenticate.ts";
import { type JwksSource, keyResolver } from "./auth/jwt.ts";
import { type BackendConfig, type Ctx, consoleLogger, DEFAULT_CONFIG, type Logger } from "./context.ts";
import { DEFAULT_EMAIL_FROM } from "./env.ts";
import { AppError, errorBody, STATUS_BY_CODE } from "./errors.ts";
import { RateLimiter } from "./http/rate-limit.ts";
import { SeriesCache } from "./ingest/series-cache.ts";
import { readScheduleStaleness } from "./jobs/staleness.ts";
import { canSendMail, sendMail } from "./notify/email.ts";
import { deliver } from "./notify/index.ts";
import type { NotifierEnv } from "./notify/types.ts";
import { ackRoutes } from "./routes/ack.ts";
import { agentRoutes } from "./routes/agent.ts";
import { billingRoutes } from "./routes/billing.ts";
import { cronRoutes } from "./routes/cron.ts";
import { dashboardRoutes } from "./routes/dashboard/index.ts";
import { DASHBOARD_MOUNT } from "./routes/dashboard/route.ts";

export interface CreateAppOptions {
  sql: Sql;
  config?: Partial<BackendConfig>;
  log?: Logger;
  now?: () => number;
  notify?: Ctx["notify"];
  probeEndpoint?: Ctx["probeEndpoint"];
  prober?: Ctx["prober"];
  gunzip?: Ctx["gunzip"];
  /** Supabase Auth's JWKS URL, or custos-server's own key set. */
  jwks?: JwksSource;
  /** How notifications leave: provider base URLs, email transport (SMTP or Resend), sender. */
  notifierEnv?: Partial<NotifierEnv>;
}

export const DEFAULT_NOTIFIER_ENV: NotifierEnv = {
  fetch: (input, init) => fetch(input, init),
  twilioBaseUrl: "https://api.twilio.com",
  resendBaseUrl: "https://api.resend.com",
  emailTransport: "resend",
  emailFrom: DEFAULT_EMAIL_FROM,
  timeoutMs: 10_000,
};

export function createContext(options: CreateAppOptions): Ctx {
  const config = { ...DEFAULT_CONFIG, ...options.config };
  const now = options.now ?? Date.now;
  return {
    sql: options.sql,
    config,
    log: options.log ?? consoleLogger,
    keys: new ApiKeyCache(config.apiKeyCacheMs, now),
    series: new SeriesCache(),
    limiter: new RateLimiter(config.agentRateLimitPerSecond, config.agentRateLimitBurst, now),
    approvedServers: new Map(),
    notify: options.notify ?? notifyWith({ ...DEFAULT_NOTIFIER_ENV, ...options.notifierEnv }),
    ...(options.probeEndpoint ? { probeEndpoint: options.probeEndpoint } : {}),
    ...(options.prober ? { prober: options.prober } : {}),
    ...(options.gunzip ? { gunzip: options.gunzip } : {}),
    ...(options.jwks ? { userKeys: keyResolver(options.jwks) } : {}),
    now,
  };
}

/**
 * The Hono app, mounted at /api: in Supabase the function `api` receives /api/...; in
 * custos-server it sits under /functions/v1, so both expose /functions/v1/api/... .
 */
export function createApp(options: CreateAppOptions | { ctx: Ctx }) {
  const ctx = "ctx" in options ? options.ctx : createContext(options);
  const app = new Hono().basePath("/api");

  // Probed by uptime checkers, unauthenticated: `ok` says the API and its database answer,
  // `schedule` whether the periodic jobs still run (a stale schedule is still 200: the API
  // works, and a restart would not fix it; alert on `schedule.stale`). Concurrent probes share
  // one read. The database failing is 503 with JSON, never the generic 500.
  let reading: Promise<ScheduleHealth> | undefined;
  app.get("/health", async (c) => {
    c.header("cache-control", "no-store");
    try {
      reading ??= readScheduleStaleness({ ctx }).finally(() => {
        reading = undefined;
      });
      return c.json({ ok: true, schedule: await reading });
    } catch (error) {
      const missing = (error as { code?: string }).code === "42P01"; // undefined_table
      ctx.log.warn("health: the schedule's state could not be read", {
        error: error instanceof Error ? error.message : String(error),
      });
      return c.json({ ok: false, error: missing ? "database not migrated" : "database unreachable" }, 503);
    }
  });
  app.route("/agent", agentRoutes(ctx));
  app.route("/ack", ackRoutes(ctx));
  app.route("/cron", cronRoutes(ctx));
  app.route("/billing", billingRoutes(ctx));
  app.route(DASHBOARD_MOUNT, dashboardRoutes(ctx));

  app.notFound((c) =>
    c.json(errorBody(new AppError("NOT_FOUND", `no route for ${c.req.method} ${c.req.path}`)), 404),
  );
  app.onError((error, c) => {
    if (error instanceof AppError) {
      return c.json(errorBody(error), STATUS_BY_CODE[error.code]);
    }
    ctx.log.error("unhandled error", {
      path: c.req.path,
      error: error instanceof Error ? error.message : String(error),
    });
    return c.json(errorBody(new AppError("INTERNAL", "internal error; it has been logged")), 500);
  });
  return Object.assign(app, { ctx });
}

function notifyWith(env: NotifierEnv): Ctx["notify"] {
  return {
    deliver: (channel, message) => deliver(channel, message, env),
    ...(canSendMail(env) ? { mail: (mail) => sendMail(env, { from: env.emailFrom, ...mail }) } : {}),
  };
}
