import { createServer as createHttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createContext, JOBS, type Logger } from "@custos/backend";
import { loadMigrations, migrate, migrationsDir } from "@custos/db";
import { getRequestListener } from "@hono/node-server";
import postgres from "postgres";
import {
  createAuthContext,
  endSessionsOfOldKey,
  loadOrCreateSigningKey,
  type SigningKey,
} from "./auth/index.ts";
import { installClientErrorHandler } from "./client-error.ts";
import { openDatabase } from "./database.ts";
import type { Env } from "./env.ts";
import { nodeGunzip } from "./gunzip.ts";
import { createHttpApp } from "./http.ts";
import { redactUrl } from "./log.ts";
import { notifierEnvFrom } from "./notifier-env.ts";
import { nodeProber, probeEndpoint } from "./prober.ts";
import { ownUrl } from "./public-url.ts";
import { startScheduler } from "./scheduler.ts";

/** Applies pending migrations on a connection of its own, closed before the server opens its pools. */
async function migrateDatabase(url: string, signingKey: SigningKey, log: Logger): Promise<void> {
  const sql = postgres(url, {
    max: 1,
    onnotice: () => undefined,
    connection: { application_name: "custos-migrate" },
  });
  try {
    const result = await migrate(sql, loadMigrations(migrationsDir));
    log.info("migrations", {
      applied: result.applied,
      already_applied: result.skipped.length,
      database: redactUrl(url),
    });
    await endSessionsOfOldKey(sql, signingKey, log);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

export interface RunningServer {
  port: number;
  databaseUrl: string;
  close(): Promise<void>;
}

/** Start-up in order: auth signing key, database, migrations (a failure stops here), HTTP, scheduler. */
export async function startCustosServer(env: Env, log: Logger): Promise<RunningServer> {
  // in the data directory also with DATABASE_URL: the private key never goes into the database
  const signingKey = await loadOrCreateSigningKey(env.CUSTOS_DATA_DIR, log);
  const db = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.CUSTOS_DATA_DIR, log });
  try {
    await migrateDatabase(db.url, signingKey, log);
  } catch (error) {
    await db.stop();
    throw error;
  }
  // Opened only after the migrations: postgres.js learns the database's array types once per
  // connection when it connects, so a connection opened before the migrations created the enum
  // types serialises `check_status[]` as text ("malformed array literal") until it is replaced.
  const sql = postgres(db.url, {
    max: env.CUSTOS_DB_POOL,
    onnotice: () => undefined,
    connection: { application_name: "custos-server" },
  });

  const ctx = createContext({
    sql,
    log,
    jwks: { jwks: signingKey.jwks },
    prober: nodeProber,
    probeEndpoint,
    gunzip: nodeGunzip,
    notifierEnv: notifierEnvFrom(env),
    config: {
      agentRateLimitPerSecond: env.CUSTOS_AGENT_RATE_LIMIT,
      agentRateLimitBurst: env.CUSTOS_AGENT_RATE_LIMIT * 2,
      apiKeyCacheMs: env.CUSTOS_API_KEY_CACHE_SECONDS * 1000,
      ...(env.CUSTOS_PUBLIC_URL ? { dashboardUrl: env.CUSTOS_PUBLIC_URL } : {}),
      ...(env.CUSTOS_CRON_SECRET ? { cronSecret: env.CUSTOS_CRON_SECRET } : {}),
      ...(env.CUSTOS_BILLING_WEBHOOK_SECRET
        ? { billingWebhookSecret: env.CUSTOS_BILLING_WEBHOOK_SECRET }
        : {}),
    },
  });
  const auth = createAuthContext({
    sql,
    log,
    key: signingKey,
    config: {
      jwtTtlSeconds: env.CUSTOS_JWT_TTL_SECONDS,
      refreshReuseSeconds: env.CUSTOS_AUTH_REFRESH_REUSE_SECONDS,
      publicUrl: env.CUSTOS_PUBLIC_URL,
      trustProxyHops: env.CUSTOS_TRUST_PROXY,
      signups: env.CUSTOS_SIGNUPS,
      rateLimit: {
        perAccount: env.CUSTOS_AUTH_RATE_LIMIT_ACCOUNT,
        perAddress: env.CUSTOS_AUTH_RATE_LIMIT_ADDRESS,
        windowSeconds: env.CUSTOS_AUTH_RATE_LIMIT_WINDOW_SECONDS,
      },
    },
  });
  const app = createHttpApp(ctx, auth);
  const server = createHttpServer({ keepAliveTimeout: 65_000 }, getRequestListener(app.fetch));
  server.requestTimeout = 30_000;
  server.headersTimeout = 15_000;
  installClientErrorHandler(server);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.PORT, env.HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  if (!env.CUSTOS_PUBLIC_URL) {
    // Notifications and invitations need an absolute link and the scheduler has no request to
    // take an origin from: use this machine's own address (known once the port is, PORT=0 too).
    ctx.config.fallbackDashboardUrl = ownUrl(env.HOST, port);
    log.info("links in notifications use this address; set CUSTOS_PUBLIC_URL to change", {
      url: ctx.config.fallbackDashboardUrl,
    });
  }
  // Background jobs get their own connections: a rollup refresh holding a pooled connection for
  // seconds would otherwise queue API queries pipelined behind it (measured 3–27 s stalls). Each
  // running job holds two: its advisory-lock transaction and its own statements.
  const jobSql = postgres(db.url, {
    max: 2 * JOBS.length,
    onnotice: () => undefined,
    connection: { application_name: "custos-server-jobs" },
  });
  // the schedule's staleness (/functions/v1/api/health, the dashboard's banner) grants a grace
  // after this: the first runs after an outage need a moment
  if (env.CUSTOS_SCHEDULER === "on") ctx.config.scheduleStartedAt = ctx.now();
  const scheduler =
    env.CUSTOS_SCHEDULER === "on" ? startScheduler({ ...ctx, sql: jobSql }) : { stop: async () => undefined };
  log.info("custos-server listening", {
    url: `http://${env.HOST === "0.0.0.0" ? "localhost" : env.HOST}:${port}`,
  });

  let closing: Promise<void> | undefined;
  return {
    port,
    databaseUrl: db.url,
    close() {
      closing ??= (async () => {
        // stop accepting, let in-flight requests finish, then the jobs, the pool, the database
        await new Promise<void>((resolve) => {
          // keep-alive connections become idle as their last request ends; close them then
          const sweep = setInterval(() => server.closeIdleConnections(), 100);
          server.close(() => {
            clearInterval(sweep);
            resolve();
          });
          server.closeIdleConnections();
        });
        await scheduler.stop();
        await jobSql.end({ timeout: 10 });
        await sql.end({ timeout: 10 });
        await db.stop();
      })();
      return closing;
    },
  };
}
