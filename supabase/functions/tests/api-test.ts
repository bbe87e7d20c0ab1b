/**
 * Deno-native tests of the `api` function's pieces that need no database: the environment
 * contract and the app's behaviour before it touches Postgres. Run from the repository root:
 *   deno test --allow-env --config supabase/functions/api/deno.json supabase/functions/tests/api-test.ts
 * (apps/server/test/deno-function.test.ts runs this, and the function itself against a real
 * PostgreSQL.)
 */
import assert from "node:assert/strict";
import postgres from "postgres";
import { BackendEnv } from "../../../packages/backend/src/env.ts";
import { createApp } from "../../../packages/backend/src/index.ts";
import { ENV_NAMES, EnvError, readEnv } from "../api/env.ts";

const URL_DIRECT = "postgres://postgres:secret@db.example.supabase.co:5432/postgres";
const URL_POOLER = "postgres://postgres.ref:secret@aws-0-eu-central-1.pooler.supabase.com:6543/postgres";

Deno.test("a missing database URL stops start-up naming SUPABASE_DB_URL", () => {
  assert.throws(
    () => readEnv({}),
    (error: unknown) => error instanceof EnvError && /SUPABASE_DB_URL/.test(error.message),
  );
  assert.throws(() => readEnv({ SUPABASE_DB_URL: "" }), /SUPABASE_DB_URL: required/);
});

Deno.test("a malformed value is refused naming the variable", () => {
  assert.throws(
    () => readEnv({ SUPABASE_DB_URL: "mysql://x" }),
    /SUPABASE_DB_URL: must be a postgres:\/\/ URL/,
  );
  assert.throws(() => readEnv({ SUPABASE_DB_URL: URL_DIRECT, PORT: "eighty" }), /PORT/);
  assert.throws(
    () => readEnv({ SUPABASE_DB_URL: URL_DIRECT, CUSTOS_DB_PREPARE: "maybe" }),
    /CUSTOS_DB_PREPARE/,
  );
});

Deno.test("defaults suit an edge isolate: small pool, port 8000, prepared statements on a direct connection", () => {
  const env = readEnv({ SUPABASE_DB_URL: URL_DIRECT });
  assert.deepEqual(env, {
    databaseUrl: URL_DIRECT,
    pool: 3,
    prepare: true,
    agentRateLimitPerSecond: 200,
    apiKeyCacheMs: 10_000,
    port: 8000,
    emailFrom: "Custos <alerts@localhost>",
  });
});

Deno.test("reads every variable it shares with custos-server, with the same defaults", () => {
  for (const name of Object.keys(BackendEnv.shape)) assert.ok(ENV_NAMES.includes(name), name);
  const shared = BackendEnv.parse({});
  const env = readEnv({ SUPABASE_DB_URL: URL_DIRECT });
  assert.equal(env.emailFrom, shared.CUSTOS_EMAIL_FROM);
  assert.equal(env.agentRateLimitPerSecond, shared.CUSTOS_AGENT_RATE_LIMIT);
  assert.equal(env.apiKeyCacheMs, shared.CUSTOS_API_KEY_CACHE_SECONDS * 1000);
  const set = readEnv({ SUPABASE_DB_URL: URL_DIRECT, CUSTOS_PUBLIC_URL: "https://dash.example.com/" });
  assert.equal(set.publicUrl, "https://dash.example.com");
});

Deno.test("SUPABASE_URL gives the JWKS URL user tokens are verified against", () => {
  const env = readEnv({ SUPABASE_DB_URL: URL_DIRECT, SUPABASE_URL: "https://abc.supabase.co/" });
  assert.equal(env.jwksUrl, "https://abc.supabase.co/auth/v1/.well-known/jwks.json");
});

Deno.test("the legacy JWT secret verifies HS256 user tokens; CUSTOS_JWT_SECRET overrides SUPABASE_JWT_SECRET", () => {
  const legacy = "a-supabase-legacy-jwt-secret-of-40-chars!";
  const own = "a-custos-jwt-secret-set-by-the-operator-x";
  assert.equal(readEnv({ SUPABASE_DB_URL: URL_DIRECT, SUPABASE_JWT_SECRET: legacy }).jwtSecret, legacy);
  assert.equal(
    readEnv({ SUPABASE_DB_URL: URL_DIRECT, SUPABASE_JWT_SECRET: legacy, CUSTOS_JWT_SECRET: own }).jwtSecret,
    own,
  );
  assert.equal(readEnv({ SUPABASE_DB_URL: URL_DIRECT }).jwtSecret, undefined);
});

Deno.test("a JWT secret shorter than 32 characters stops start-up naming the variable, not the value", () => {
  const short = "short-secret-31-characters-long";
  for (const name of ["SUPABASE_JWT_SECRET", "CUSTOS_JWT_SECRET"]) {
    assert.throws(
      () => readEnv({ SUPABASE_DB_URL: URL_DIRECT, [name]: short }),
      (error: unknown) =>
        error instanceof EnvError &&
        error.message.includes(`${name}: use at least 32 characters`) &&
        !error.message.includes(short),
    );
  }
});

Deno.test("agents are told the project URL, not the dashboard's (the install command's --url)", () => {
  const env = readEnv({
    SUPABASE_DB_URL: URL_DIRECT,
    SUPABASE_URL: "https://abc.supabase.co/",
    CUSTOS_PUBLIC_URL: "https://dash.example.com",
  });
  assert.equal(env.agentUrl, "https://abc.supabase.co");
  assert.equal(env.publicUrl, "https://dash.example.com");
});

Deno.test("CUSTOS_DB_URL overrides SUPABASE_DB_URL, and the transaction pooler turns prepared statements off", () => {
  const env = readEnv({ SUPABASE_DB_URL: URL_DIRECT, CUSTOS_DB_URL: URL_POOLER });
  assert.equal(env.databaseUrl, URL_POOLER);
  assert.equal(env.prepare, false);
  assert.equal(readEnv({ SUPABASE_DB_URL: URL_POOLER, CUSTOS_DB_PREPARE: "on" }).prepare, true);
  assert.equal(readEnv({ SUPABASE_DB_URL: URL_DIRECT, CUSTOS_DB_PREPARE: "off" }).prepare, false);
});

Deno.test("a cron secret with a one-connection pool is refused naming CUSTOS_DB_POOL (a tick's job needs two)", () => {
  const secret = "a-long-cron-secret-value-x";
  assert.throws(
    () => readEnv({ SUPABASE_DB_URL: URL_DIRECT, CUSTOS_CRON_SECRET: secret, CUSTOS_DB_POOL: "1" }),
    /CUSTOS_DB_POOL: at least 2 when CUSTOS_CRON_SECRET is set/,
  );
  assert.equal(readEnv({ SUPABASE_DB_URL: URL_DIRECT, CUSTOS_DB_POOL: "1" }).pool, 1);
  assert.equal(readEnv({ SUPABASE_DB_URL: URL_DIRECT, CUSTOS_CRON_SECRET: secret }).cronSecret, secret);
});

Deno.test("the app answers under /api in Deno: health 503 in JSON without its database, a JSON 404, and 401 naming the header", async () => {
  // a database that refuses connections: health reads the schedule's state and says so; the
  // other requests never reach the database
  const sql = postgres("postgres://nobody@127.0.0.1:1/none", { max: 1 });
  try {
    const app = createApp({ sql, log: { info() {}, warn() {}, error() {} } });
    const health = await app.request("/api/health");
    assert.equal(health.status, 503);
    assert.deepEqual(await health.json(), { ok: false, error: "database unreachable" });

    const missing = await app.request("/api/nope");
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, "NOT_FOUND");

    const anonymous = await app.request("/api/agent/register", { method: "POST", body: "{}" });
    assert.equal(anonymous.status, 401);
    assert.equal(((await anonymous.json()) as { error: { field: string } }).error.field, "authorization");
  } finally {
    await sql.end();
  }
});
