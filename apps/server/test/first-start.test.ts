/**
 * The first minutes of a new installation: every agent route answers 2xx on its very first call,
 * right after the first /healthz, whichever way the database came to exist — an empty
 * DATABASE_URL, a fresh data directory (embedded PostgreSQL), or an upgrade that brings new
 * migrations. Regression: connections opened before the migrations did not know the enum types
 * they create, and the first checks batch answered 500 ("malformed array literal") until restart.
 */
import { randomUUID } from "node:crypto";
import { chmodSync, existsSync, lstatSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { loadMigrations, migrate, migrationsDir } from "@custos/db";
import { type CustosServerHandle, createEmptyDatabase, startCustosServer } from "@custos/testkit";
import postgres from "postgres";
import { afterAll, describe, expect, inject, it } from "vitest";
import { embeddedUrl } from "../src/database.ts";

const handles: CustosServerHandle[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const h of handles) await h.close();
  for (const d of dirs) {
    // as root the cluster lives where the postgres user can reach it, <dataDir>/pg links to it
    // (decision 0016): remove that directory too, not only the link
    const pg = join(d, "pg");
    if (existsSync(pg) && lstatSync(pg).isSymbolicLink()) {
      rmSync(dirname(realpathSync(pg)), { recursive: true, force: true });
    }
    rmSync(d, { recursive: true, force: true });
  }
});

async function post(base: string, route: string, key: string, body: unknown) {
  const res = await fetch(`${base}/functions/v1/api/agent/${route}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { route, status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Every agent route once, in the order a new agent calls them, each on its first call. */
async function firstCallsOfEveryRoute(server: CustosServerHandle) {
  const org = await server.createOrg("First start");
  const key = await server.createKey(org, "agent");
  const now = new Date().toISOString();
  const register = await post(server.url, "register", key, {
    hostname: "first-host",
    server_name: "first-host",
    agent_version: "1.0.0",
    os: "linux",
    arch: "x64",
  });
  const server_id = register.body.server_id;
  const rest = [
    await post(server.url, "heartbeat", key, { server_id, sent_at: now, uptime_seconds: 12 }),
    await post(server.url, "checks", key, {
      server_id,
      batch_id: randomUUID(),
      results: [
        { monitor: "http:site", type: "http", status: "ok", latency_ms: 12, ts: now },
        { monitor: "system", type: "system", status: "ok", ts: now },
      ],
    }),
    await post(server.url, "metrics", key, {
      server_id,
      batch_id: randomUUID(),
      samples: [
        { ts: now, name: "cpu.percent", value: 3.5 },
        { ts: now, name: "disk.used_percent", labels: { mount: "/" }, value: 41 },
      ],
    }),
    await post(server.url, "alerts", key, {
      server_id,
      batch_id: randomUUID(),
      alerts: [
        {
          incident_key: `${String(server_id)}:http:site:${now}`,
          monitor: "http:site",
          state: "down",
          started_at: now,
          sent_at: now,
          channels: ["webhook"],
        },
      ],
    }),
  ];
  return { org, calls: [register, ...rest] };
}

async function storedRows(databaseUrl: string, org: string) {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
  try {
    const [row] = await sql<{ samples: number; checks: number }[]>`
      select (select count(*)::int from public.metric_samples s
                join public.metric_series m on m.id = s.series_id where m.org_id = ${org}) as samples,
             (select count(*)::int from public.check_results where org_id = ${org}) as checks`;
    return row;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

function expectAllAccepted(calls: { route: string; status: number; body: unknown }[]) {
  // the route name travels with each status, so a failure says which route and why
  expect(calls.map((c) => ({ route: c.route, status: c.status }))).toEqual(
    ["register", "heartbeat", "checks", "metrics", "alerts"].map((route) => ({ route, status: 200 })),
  );
}

describe("the first calls on a fresh database", () => {
  // starts custos-server on an empty database: every migration runs first
  it("answer 2xx on every agent route when DATABASE_URL names an empty database", async () => {
    const databaseUrl = await createEmptyDatabase(inject("pgAdminUrl"), "fresh");
    const server = await startCustosServer({ databaseUrl });
    handles.push(server);
    const { org, calls } = await firstCallsOfEveryRoute(server);
    expectAllAccepted(calls);
    expect(await storedRows(databaseUrl, org)).toEqual({ samples: 2, checks: 2 });
  }, 120_000);

  it("answer 2xx on every agent route after an upgrade whose migrations create new types", async () => {
    const databaseUrl = await createEmptyDatabase(inject("pgAdminUrl"), "upgrade");
    // an installation from before servers, monitors and their status types existed
    const sql = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
    try {
      const all = loadMigrations(migrationsDir);
      const older = all.filter((m) => m.version < "20261122000300");
      expect(older.length).toBeGreaterThan(0);
      expect(older.length).toBeLessThan(all.length);
      await migrate(sql, older);
    } finally {
      await sql.end({ timeout: 5 });
    }
    const server = await startCustosServer({ databaseUrl });
    handles.push(server);
    const { org, calls } = await firstCallsOfEveryRoute(server);
    expectAllAccepted(calls);
    expect(await storedRows(databaseUrl, org)).toEqual({ samples: 2, checks: 2 });
  });

  it("answer 2xx on every agent route with a fresh data directory (embedded PostgreSQL)", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "custos-first-start-"));
    dirs.push(dataDir);
    // what `mktemp -d` gives a user; as root the embedded cluster must cope with it
    chmodSync(dataDir, 0o700);
    const server = await startCustosServer({
      databaseUrl: "",
      env: { DATABASE_URL: "", CUSTOS_DATA_DIR: dataDir },
    });
    handles.push(server);
    const { org, calls } = await firstCallsOfEveryRoute(server);
    expectAllAccepted(calls);
    const url = embeddedUrl(dataDir);
    expect(url).toBeDefined();
    expect(await storedRows(url as string, org)).toEqual({ samples: 2, checks: 2 });
  });
});
