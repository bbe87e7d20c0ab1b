/**
 * Supabase Edge Function `api`: the same Hono app that custos-server runs in Node
 * (packages/backend), here in Deno. Supabase calls the function with paths starting with
 * `/api/...` (the function's name), which is the app's basePath, so the public URL is
 * `<project>/functions/v1/api/...` in both modes.
 *
 * Imports: packages/backend by relative path, no build step; its bare imports (hono, postgres,
 * zod, @custos/protocol) are mapped to `npm:` specifiers and relative paths in ./deno.json.
 *
 * Local run (from the repository root):
 *   SUPABASE_DB_URL=postgres://... deno run --allow-net --allow-env --allow-read \
 *     --config supabase/functions/api/deno.json supabase/functions/api/index.ts
 */
import postgres from "postgres";
import { createApp, type JwksSource } from "../../../packages/backend/src/index.ts";
import { loadEnv } from "./env.ts";

const env = loadEnv();
if (!env.publicUrl) {
  console.warn(
    JSON.stringify({
      level: "warn",
      message:
        "CUSTOS_PUBLIC_URL is not set: notifications carry no link to their incident; set it to the dashboard's URL",
    }),
  );
}

// One pool per isolate, created at boot and reused by every request the isolate serves.
const sql = postgres(env.databaseUrl, {
  max: env.pool,
  // off behind a transaction-mode pooler (see CUSTOS_DB_PREPARE in env.ts)
  prepare: env.prepare,
  // isolates sit idle between bursts; give the connections back instead of holding them
  idle_timeout: 20,
  max_lifetime: 30 * 60,
  connect_timeout: 10,
  onnotice: () => undefined,
  connection: { application_name: "custos-api-function" },
});

// user tokens: ES256/RS256 against the project's JWKS, HS256 (legacy JWT secret) against the secret
const userKeys: JwksSource | undefined = env.jwksUrl
  ? { jwksUrl: env.jwksUrl, ...(env.jwtSecret ? { hs256Secret: env.jwtSecret } : {}) }
  : env.jwtSecret
    ? { hs256Secret: env.jwtSecret }
    : undefined;

const app = createApp({
  sql,
  config: {
    agentRateLimitPerSecond: env.agentRateLimitPerSecond,
    agentRateLimitBurst: env.agentRateLimitPerSecond * 2,
    apiKeyCacheMs: env.apiKeyCacheMs,
    // the sweep runs on pg_cron's 15-s tick here, not every 10 s (20261205002000_one_job_table.sql):
    // with 10 a tick 5 s late would count as a backend outage and restart every server's timeout
    sweepIntervalSeconds: 15,
    ...(env.cronSecret ? { cronSecret: env.cronSecret } : {}),
    ...(env.billingWebhookSecret ? { billingWebhookSecret: env.billingWebhookSecret } : {}),
    ...(env.publicUrl ? { dashboardUrl: env.publicUrl } : {}),
    // agents reach the API at the project URL, not where the dashboard is hosted
    ...(env.agentUrl ? { agentUrl: env.agentUrl } : {}),
  },
  ...(userKeys ? { jwks: userKeys } : {}),
  // no SMTP from Edge Functions: email through Resend. No prober either: the cron tick's probes
  // job runs HTTP probes through fetch and records TCP probes `unsupported` (custos-server has both)
  notifierEnv: {
    emailTransport: "resend",
    emailFrom: env.emailFrom,
    ...(env.resendApiKey ? { resendApiKey: env.resendApiKey } : {}),
  },
});

// Supabase's runtime emits `beforeunload` before it shuts an isolate down.
globalThis.addEventListener("beforeunload", () => {
  void sql.end({ timeout: 5 });
});

Deno.serve(
  {
    port: env.port,
    onListen: ({ port }) =>
      console.log(JSON.stringify({ level: "info", message: "custos api function listening", port })),
  },
  app.fetch,
);
