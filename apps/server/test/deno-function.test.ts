import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { createApiKey, createOrganization, createProbe, JOBS } from "@custos/backend";
import { compactMetrics, signWebhook } from "@custos/protocol";
import { createTestDatabase, freePort } from "@custos/testkit";
import postgres, { type Sql } from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

/**
 * The Supabase Edge Function entry (supabase/functions/api/index.ts) run by the real Deno
 * binary (npm package `deno`) against a real, migrated PostgreSQL. The first run downloads
 * hono, postgres and zod from the npm registry into DENO_DIR (.deno/ at the repository root,
 * git-ignored); later runs use that cache.
 */
const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const CONFIG = "supabase/functions/api/deno.json";
const ENTRY = "supabase/functions/api/index.ts";
const DENO_TEST = "supabase/functions/tests/api-test.ts";
const STARTUP_MS = 180_000;

/** The deno executable, located the way the package's own launcher (bin.cjs) does. */
function denoExecutable(): string {
  const install = createRequire(import.meta.url)("deno/install_api.cjs") as { runInstall(): string };
  return install.runInstall();
}

/** Environment for every deno invocation; `extra` values of undefined remove a variable. */
function denoEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DENO_DIR: `${ROOT}.deno`,
    DENO_NO_UPDATE_CHECK: "1",
    NO_COLOR: "1",
    // trust the machine's CA store (a TLS-inspecting proxy's CA lives there, not in Deno's bundle)
    DENO_TLS_CA_STORE: "system",
  };
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

const RUN_ARGS = ["run", "--allow-net", "--allow-env", "--allow-read", "--config", CONFIG, ENTRY];
const CRON_SECRET = "a-cron-secret-of-the-deno-test";
const BILLING_SECRET = "deno-billing-secret-0123456789";

let deno: string;
let sql: Sql;
let key: string;
let orgId: string;
let target: Server;
let targetPort: number;
let baseUrl: string;
let child: ChildProcess | undefined;
let output = "";

beforeAll(async () => {
  deno = denoExecutable();
  const databaseUrl = await createTestDatabase(inject("pgAdminUrl"), "deno");
  sql = postgres(databaseUrl, { max: 2, onnotice: () => undefined });
  const org = await createOrganization({ ctx: { sql }, input: { name: "Edge" } });
  orgId = org.id;
  ({ key } = await createApiKey({ ctx: { sql }, input: { org_id: org.id, scope: "agent" } }));
  // what the cron tick's probes reach over loopback
  target = createServer((_req, res) => res.end("<h1>Welcome</h1>"));
  await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
  targetPort = (target.address() as AddressInfo).port;

  // Warm-up: fetch the npm packages of the entry's module graph (a no-op once cached), so the
  // wait below measures start-up, not downloads.
  await run(deno, ["install", "--config", CONFIG, "--entrypoint", ENTRY], {
    cwd: ROOT,
    env: denoEnv(),
    timeout: STARTUP_MS,
  });

  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  const proc = spawn(deno, RUN_ARGS, {
    cwd: ROOT,
    env: denoEnv({
      SUPABASE_DB_URL: databaseUrl,
      CUSTOS_DB_URL: undefined,
      PORT: String(port),
      CUSTOS_CRON_SECRET: CRON_SECRET,
      CUSTOS_BILLING_WEBHOOK_SECRET: BILLING_SECRET,
    }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  child = proc;
  proc.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  proc.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  await waitForHealth(proc, `${baseUrl}/api/health`, STARTUP_MS);
}, STARTUP_MS + 60_000);

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child?.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
  await sql?.end();
  await new Promise<void>((resolve) => (target ? target.close(() => resolve()) : resolve()));
});

async function waitForHealth(proc: ChildProcess, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(`deno exited (${proc.exitCode ?? proc.signalCode}) before serving:\n${output}`);
    }
    try {
      const response = await fetch(url);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`deno did not answer ${url} within ${timeoutMs} ms:\n${output}`);
}

async function post(path: string, body: unknown, options: { gzip?: boolean } = {}) {
  const json = JSON.stringify(body);
  const headers: Record<string, string> = {
    authorization: `Bearer ${key}`,
    "content-type": "application/json",
  };
  if (options.gzip) headers["content-encoding"] = "gzip";
  const response = await fetch(`${baseUrl}/api/agent${path}`, {
    method: "POST",
    headers,
    body: options.gzip ? gzipSync(json) : json,
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

function samples(count: number) {
  const base = Date.now() - 120_000;
  return Array.from({ length: count }, (_, i) => ({
    ts: new Date(base + i * 1000).toISOString(),
    name: i % 2 ? "cpu.percent" : "memory.used_percent",
    labels: { core: String(i % 4) },
    value: i * 1.5,
  }));
}

describe("Supabase function `api` in Deno", () => {
  it("registers a server, records its heartbeat and stores a gzip metrics batch in PostgreSQL", async () => {
    const registered = await post("/register", {
      hostname: "edge-1",
      server_name: "edge-1",
      agent_version: "0.1.0",
      os: "linux",
      arch: "x64",
    });
    expect(registered.status).toBe(200);
    const serverId = registered.body.server_id as string;
    expect(serverId).toMatch(/^[0-9a-f-]{36}$/);

    const heartbeat = await post("/heartbeat", { server_id: serverId, sent_at: new Date().toISOString() });
    expect(heartbeat.status).toBe(200);
    expect(heartbeat.body.ok).toBe(true);
    const [server] = await sql<{ last_heartbeat_at: Date | null }[]>`
      select last_heartbeat_at from public.servers where id = ${serverId}`;
    expect(server?.last_heartbeat_at).toBeInstanceOf(Date);

    const batch = { server_id: serverId, batch_id: randomUUID(), samples: samples(60) };
    const metrics = await post("/metrics", batch, { gzip: true });
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatchObject({ ok: true, stored: true, accepted: 60 });
    const [stored] = await sql<{ count: number }[]>`
      select count(*)::int as count from public.metric_samples s
      join public.metric_series ms on ms.id = s.series_id
      where ms.server_id = ${serverId}`;
    expect(stored?.count).toBe(60);

    // a replay is acknowledged and not stored twice, through the same function
    const replay = await post("/metrics", batch, { gzip: true });
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ ok: true, stored: false });
  });

  it("answers a bad sample with 400 naming the field", async () => {
    const registered = await post("/register", {
      hostname: "edge-2",
      server_name: "edge-2",
      agent_version: "0.1.0",
      os: "linux",
      arch: "x64",
    });
    const batch = { server_id: registered.body.server_id, batch_id: randomUUID(), samples: samples(3) };
    const bad = { ...batch, samples: batch.samples.map((s, i) => (i === 1 ? { ...s, value: "high" } : s)) };
    const response = await post("/metrics", bad, { gzip: true });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: "VALIDATION", field: "samples.1.value" });
  });

  it("takes a gzip combined push (decision 0036), a gzip bomb 413 naming the limit, broken gzip 400", async () => {
    const registered = await post("/register", {
      hostname: "edge-3",
      server_name: "edge-3",
      agent_version: "0.1.0",
      os: "linux",
      arch: "x64",
    });
    const serverId = registered.body.server_id as string;
    const wire = samples(60).map((s) => ({ ...s, ts: Date.parse(s.ts) }));
    const push = {
      v: 1,
      server_id: serverId,
      heartbeat: { sent_at: new Date().toISOString() },
      checks: { batch_id: randomUUID(), results: [{ monitor: "http:edge", status: "down", ts: Date.now() }] },
      metrics: compactMetrics(randomUUID(), wire),
    };
    const response = await post("/push", push, { gzip: true });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      ok: true,
      heartbeat: { ok: true },
      acks: { checks: { stored: true, accepted: 1 }, metrics: { stored: true, accepted: 60 } },
    });
    const [row] = await sql<{ samples: number; checks: number; beat: Date | null }[]>`
      select (select count(*)::int from public.metric_samples s join public.metric_series ms on ms.id = s.series_id
               where ms.server_id = ${serverId}) as samples,
             (select count(*)::int from public.check_results where server_id = ${serverId}) as checks,
             (select last_heartbeat_at from public.servers where id = ${serverId}) as beat`;
    expect(row).toMatchObject({ samples: 60, checks: 1 });
    expect(row?.beat).toBeInstanceOf(Date);

    const raw = async (body: Uint8Array<ArrayBuffer>) => {
      const answer = await fetch(`${baseUrl}/api/agent/push`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${key}`,
          "content-type": "application/json",
          "content-encoding": "gzip",
        },
        body,
      });
      return { status: answer.status, body: (await answer.json()) as Record<string, any> };
    };
    const bomb = await raw(gzipSync(JSON.stringify({ ...push, pad: "0".repeat(9_000_000) })));
    expect(bomb.status).toBe(413);
    expect(bomb.body.error.message).toContain("8388608");
    const whole = gzipSync(JSON.stringify(push));
    const broken = await raw(new Uint8Array(whole.subarray(0, whole.length - 12)));
    expect(broken.status).toBe(400);
    expect(broken.body.error.field).toBe("body");
  });

  it("runs every job of the table from the cron route: an HTTP probe through fetch, a TCP probe unsupported", async () => {
    // loopback on a busy machine: latency must not decide this test
    const limits = { degraded_ms: 30_000, down_ms: 30_000 };
    const http = await createProbe({
      ctx: { sql },
      input: {
        org_id: orgId,
        name: "site",
        config: { kind: "http", url: `http://127.0.0.1:${targetPort}/`, ...limits },
      },
    });
    const tcp = await createProbe({
      ctx: { sql },
      input: {
        org_id: orgId,
        name: "port",
        config: { kind: "tcp", host: "127.0.0.1", port: targetPort, ...limits },
      },
    });
    await sql`update monitors set next_run_at = now() where id in ${sql([http.id, tcp.id])}`;
    const tick = async (secret = CRON_SECRET) => {
      const response = await fetch(`${baseUrl}/api/cron/tick`, {
        method: "POST",
        headers: { authorization: `Bearer ${secret}` },
      });
      return { status: response.status, body: (await response.json()) as Record<string, any> };
    };

    expect((await tick("not-the-secret-of-this-function")).status).toBe(401);
    const first = await tick();
    expect(first.status).toBe(200);
    expect(Object.keys(first.body.jobs)).toEqual(JOBS.map((job) => job.name));
    for (const job of JOBS) expect(first.body.jobs[job.name]).toMatchObject({ status: "done" });
    const statuses = await sql<{ monitor_id: string; status: string; message: string }[]>`
      select monitor_id, status, message from check_results where monitor_id in ${sql([http.id, tcp.id])}`;
    expect(statuses.find((r) => r.monitor_id === http.id)?.status).toBe("ok");
    expect(statuses.find((r) => r.monitor_id === tcp.id)).toMatchObject({
      status: "unsupported",
      message: expect.stringMatching(/TCP probes need custos-server's prober/),
    });
    expect(await sql`select id from incidents where monitor_id = ${tcp.id}`).toHaveLength(0);

    // the next tick runs what is due on every tick, not the hourly maintenance again
    const second = await tick();
    expect(second.status).toBe(200);
    expect(second.body.jobs.dispatch).toMatchObject({ status: "done" });
    expect(second.body.not_due).toEqual(expect.arrayContaining(["maintain-partitions", "maintain-rollups"]));
    const runs = await sql<{ job: string; runs: number }[]>`select job, runs::int from private.job_state`;
    expect(runs.find((r) => r.job === "maintain-partitions")?.runs).toBe(1);
    expect(runs.find((r) => r.job === "dispatch")?.runs).toBe(2);
  });

  it("puts an organization on the plan a signed billing event names, once, and refuses a bad signature", async () => {
    const body = JSON.stringify({ event_id: `evt_${randomUUID()}`, org_id: orgId, plan_id: "pro" });
    const billing = async (signature: string) => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const response = await fetch(`${baseUrl}/api/billing/webhook`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-custos-timestamp": timestamp,
          "x-custos-signature": signature || (await signWebhook(BILLING_SECRET, timestamp, body)),
        },
        body,
      });
      return { status: response.status, body: (await response.json()) as Record<string, any> };
    };
    const forged = await billing(`sha256=${"0".repeat(64)}`);
    expect(forged.status).toBe(401);
    expect(forged.body.error.field).toBe("x-custos-signature");
    const planOf = async () =>
      (await sql<{ plan_id: string }[]>`select plan_id from organizations where id = ${orgId}`)[0]?.plan_id;
    expect(await planOf()).toBe("unlimited");
    expect((await billing("")).status).toBe(200);
    expect(await planOf()).toBe("pro");
    await sql`update organizations set plan_id = 'unlimited' where id = ${orgId}`;
    // the same event again changes nothing: billing systems deliver at least once
    expect((await billing("")).status).toBe(200);
    expect(await planOf()).toBe("unlimited");
  });

  it("stops at start-up naming SUPABASE_DB_URL when no database URL is set", async () => {
    const error = (await run(deno, RUN_ARGS, {
      cwd: ROOT,
      env: denoEnv({ SUPABASE_DB_URL: undefined, CUSTOS_DB_URL: undefined, PORT: "0" }),
      timeout: 60_000,
    }).catch((e: unknown) => e)) as { code?: number; stderr?: string };
    expect(error.code).not.toBe(0);
    expect(error.stderr).toContain("SUPABASE_DB_URL: required");
  });

  it("type-checks the entry with the backend and protocol under Deno's TypeScript", async () => {
    const result = await run(deno, ["check", "--config", CONFIG, ENTRY, DENO_TEST], {
      cwd: ROOT,
      env: denoEnv(),
      timeout: 120_000,
    }).catch((e: { stderr?: string }) => ({ stdout: "", stderr: `FAILED\n${e.stderr ?? String(e)}` }));
    expect(result.stderr).not.toContain("FAILED");
    // the same budget as the command's own: on a loaded machine a check takes well over 30 s
  }, 150_000);

  it("passes the Deno-native tests in supabase/functions/tests", async () => {
    const result = await run(deno, ["test", "--allow-env", "--config", CONFIG, DENO_TEST], {
      cwd: ROOT,
      env: denoEnv(),
      timeout: 120_000,
    });
    expect(result.stdout).toMatch(/ok \| \d+ passed \| 0 failed/);
  }, 150_000);
});
