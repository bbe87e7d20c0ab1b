/**
 * The postgres plugin against a real PostgreSQL 18 (embedded, via @custos/testkit), connecting
 * as a non-superuser in pg_monitor, as the README tells users to.
 */
import { type PostgresCluster, startPostgres } from "@custos/testkit";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Collected, PluginContext } from "../types.ts";
import { plugin } from "./index.ts";

const MONITOR_PASSWORD = "mon-Secret-7d2f";
let cluster: PostgresCluster;
let admin: postgres.Sql;
let monitorUrl: string;
let stopped = false;

beforeAll(async () => {
  cluster = await startPostgres();
  admin = postgres(cluster.adminUrl, { max: 4, onnotice: () => undefined });
  await admin.unsafe(`create role custos_monitor login password '${MONITOR_PASSWORD}' in role pg_monitor`);
  const url = new URL(cluster.adminUrl);
  url.username = "custos_monitor";
  url.password = MONITOR_PASSWORD;
  monitorUrl = url.toString();
}, 120_000);

afterAll(async () => {
  await admin?.end({ timeout: 1 });
  if (!stopped) await cluster?.stop();
}, 120_000);

const warnings: string[] = [];
function context(timeoutMs = 5_000): PluginContext {
  return {
    monitorName: "postgres:test",
    timeoutMs,
    log: { info: () => undefined, warn: (m) => warnings.push(m) },
    exec: () => Promise.reject(new Error("not used")),
    state: { get: () => undefined, set: () => undefined },
  };
}

async function collect(options: Record<string, unknown>, timeoutMs?: number): Promise<Collected> {
  const config = plugin.configSchema.parse(options);
  const instance = await plugin.create(config, context(timeoutMs));
  try {
    return await instance.collect(new AbortController().signal);
  } finally {
    await instance.close?.();
  }
}

const value = (result: Collected, name: string) => result.samples.find((s) => s.name === name)?.value;

async function waitFor(condition: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 100; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("postgres plugin against a real PostgreSQL", () => {
  it("reports up with connections against max_connections and the database size", async () => {
    const result = await collect({ connection: monitorUrl });
    expect(result.checks).toHaveLength(1);
    expect(result.checks[0]?.status).toBe("ok");
    expect(result.checks[0]?.message).toMatch(/^PostgreSQL 18\.\S+ primary, connections \d+\/200/);
    expect(value(result, "postgres.up")).toBe(1);
    expect(value(result, "postgres.connections.max")).toBe(200);
    expect(value(result, "postgres.connections.used")).toBeGreaterThanOrEqual(1);
    expect(value(result, "postgres.is_replica")).toBe(0);
    expect(value(result, "postgres.database.size_bytes")).toBeGreaterThan(1_000_000);
    expect(result.samples.find((s) => s.name === "postgres.replication_lag_seconds")).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it("is degraded when connections in use pass max_connections_warn_percent", async () => {
    const result = await collect({ connection: monitorUrl, max_connections_warn_percent: 0.1 });
    expect(result.checks[0]?.status).toBe("degraded");
    expect(result.checks[0]?.message).toMatch(/connections \d+\/200 \(.+%\) above 0.1%/);
  });

  it("counts a session held idle in a transaction by another user", async () => {
    const other = postgres(cluster.adminUrl, { max: 1, onnotice: () => undefined });
    const reserved = await other.reserve();
    try {
      await reserved`begin`;
      await reserved`select 1`;
      const result = await collect({ connection: monitorUrl });
      expect(value(result, "postgres.sessions.idle_in_transaction")).toBeGreaterThanOrEqual(1);
      expect(value(result, "postgres.longest_transaction_seconds")).toBeGreaterThanOrEqual(0);
    } finally {
      await reserved`rollback`;
      reserved.release();
      await other.end({ timeout: 1 });
    }
  });

  it("sees a long pg_sleep query as the longest running one and as an active session", async () => {
    const other = postgres(cluster.adminUrl, { max: 1, onnotice: () => undefined });
    const sleeping = other`select pg_sleep(30) /* custos-long-query */`.catch(() => undefined);
    try {
      await waitFor(async () => {
        const [row] = await admin`select count(*)::int as n from pg_stat_activity
                                   where state = 'active' and query like '%custos-long-query%'
                                   and query not like '%pg_stat_activity%'`;
        return (row?.n ?? 0) > 0;
      }, "the sleeping query to start");
      await new Promise((r) => setTimeout(r, 1_200));
      const result = await collect({ connection: monitorUrl, long_query_warn_seconds: 1 });
      expect(value(result, "postgres.sessions.active")).toBeGreaterThanOrEqual(1);
      expect(value(result, "postgres.longest_query_seconds")).toBeGreaterThanOrEqual(1);
      expect(result.checks[0]?.status).toBe("degraded");
      expect(result.checks[0]?.message).toMatch(/a query has run \d+s \(limit 1s\)/);
    } finally {
      await admin`select pg_cancel_backend(pid) from pg_stat_activity where query like '%custos-long-query%'
                  and pid <> pg_backend_pid()`;
      await sleeping;
      await other.end({ timeout: 1 });
    }
  });

  it.each([
    [{ warn: 50, crit: 100 }, "ok"],
    [{ warn: 40, crit: 100 }, "degraded"],
    [{ warn: 10, crit: 41 }, "down"],
    [{ warn: 50, crit: 45, direction: "below" }, "down"],
    [{ warn: 43, direction: "below" }, "degraded"],
  ] as const)("judges a custom query returning 42 against %o as %s", async (limits, status) => {
    const result = await collect({
      connection: monitorUrl,
      custom_query: { name: "answer", sql: "select 42", ...limits },
    });
    const custom = result.checks.find((c) => c.monitor === "postgres:test:answer");
    expect(custom?.status).toBe(status);
    expect(custom?.message).toMatch(/^answer = 42/);
    expect(result.samples).toContainEqual({
      name: "postgres.custom_query.value",
      value: 42,
      labels: { query: "answer" },
    });
    expect(result.checks[0]?.status).toBe("ok");
  });

  it("runs the custom query read-only, so it cannot change data", async () => {
    const result = await collect({
      connection: monitorUrl,
      custom_query: { name: "writer", sql: "create table custos_should_not_exist (id int)" },
    });
    const custom = result.checks.find((c) => c.monitor === "postgres:test:writer");
    expect(custom?.status).toBe("down");
    expect(custom?.message).toMatch(/read-only transaction/);
  });

  it("gives up on a slow custom query at the check timeout instead of hanging", async () => {
    const started = Date.now();
    const result = await collect(
      { connection: monitorUrl, custom_query: { name: "slow", sql: "select pg_sleep(20)::text::int" } },
      2_000,
    );
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(result.checks[0]?.status).toBe("ok");
    const custom = result.checks.find((c) => c.monitor === "postgres:test:slow");
    expect(custom?.status).toBe("down");
    expect(custom?.message).toMatch(/slow: no result within the \d+ ms left of the check timeout/);
  });

  it("is down with a message that never contains the password when the password is wrong", async () => {
    const url = new URL(monitorUrl);
    url.password = "Wrong-Pass-91x";
    const result = await collect({ connection: url.toString() });
    expect(result.checks[0]?.status).toBe("down");
    expect(result.checks[0]?.message).toMatch(/password authentication failed for user "custos_monitor"/);
    expect(value(result, "postgres.up")).toBe(0);
    expect(JSON.stringify(result)).not.toContain("Wrong-Pass-91x");
    expect(JSON.stringify(result)).not.toContain(MONITOR_PASSWORD);
  });

  it("is down when the server is stopped", async () => {
    await admin.end({ timeout: 1 });
    await cluster.stop();
    stopped = true;
    const result = await collect({ connection: monitorUrl }, 3_000);
    expect(result.checks[0]?.status).toBe("down");
    expect(result.checks[0]?.message).toMatch(/ECONNREFUSED/);
    expect(JSON.stringify(result)).not.toContain(MONITOR_PASSWORD);
  });
});
