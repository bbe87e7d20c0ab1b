import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createContext, createProbe, JOBS } from "@custos/backend";
import { type CustosServerHandle, startCustosServer } from "@custos/testkit";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { startScheduler } from "../src/scheduler.ts";
import { until } from "./helpers/agent-api.ts";

/**
 * custos-server's scheduler runs the backend's one job table (the cloud's cron route runs the
 * same table: packages/backend/test/cron.test.ts, and in Deno apps/server/test/deno-function.test.ts).
 * A real server process on a real database; what it ran is read from private.job_state and
 * from the jobs' effects.
 */
let server: CustosServerHandle;
let sql: postgres.Sql;
let target: Server;
let targetPort: number;

beforeAll(async () => {
  target = createServer((_req, res) => res.end("<h1>Welcome</h1>"));
  await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
  targetPort = (target.address() as AddressInfo).port;
  server = await startCustosServer({ adminUrl: inject("pgAdminUrl") });
  sql = postgres(server.databaseUrl, { max: 2, onnotice: () => undefined });
});
afterAll(async () => {
  await sql?.end();
  await server?.close();
  await new Promise<void>((resolve) => target.close(() => resolve()));
});

describe("custos-server's scheduler", () => {
  it("runs every job of the backend's table, each recorded with a finished run and no error", async () => {
    const state = await until(
      "a finished run of every job",
      async () => {
        const rows = await sql<{ job: string; runs: number; last_error: string | null }[]>`
          select job, runs::int, last_error from private.job_state`;
        return JOBS.every((job) => rows.some((r) => r.job === job.name && r.runs > 0)) ? rows : undefined;
      },
      20_000,
    );
    for (const job of JOBS) {
      expect(state.find((r) => r.job === job.name)).toMatchObject({ last_error: null });
    }
  });

  it("runs a due HTTP probe and a due TCP probe against loopback targets and records both ok", async () => {
    const org = await server.createOrg("Probes");
    // loopback on a busy machine: latency must not decide this test
    const limits = { degraded_ms: 30_000, down_ms: 30_000 };
    const http = await createProbe({
      ctx: { sql },
      input: {
        org_id: org,
        name: "site",
        config: { kind: "http", url: `http://127.0.0.1:${targetPort}/`, ...limits },
      },
    });
    const tcp = await createProbe({
      ctx: { sql },
      input: {
        org_id: org,
        name: "port",
        config: { kind: "tcp", host: "127.0.0.1", port: targetPort, ...limits },
      },
    });
    await sql`update monitors set next_run_at = now() where id in ${sql([http.id, tcp.id])}`;
    const results = await until(
      "a check result of both probes",
      async () => {
        const rows = await sql<{ monitor_id: string; status: string }[]>`
          select monitor_id, status from check_results where monitor_id in ${sql([http.id, tcp.id])}`;
        return new Set(rows.map((r) => r.monitor_id)).size === 2 ? rows : undefined;
      },
      30_000,
    );
    expect(results.find((r) => r.monitor_id === http.id)?.status).toBe("ok");
    expect(results.find((r) => r.monitor_id === tcp.id)?.status).toBe("ok");
  }, 45_000);

  it("tells a job's first finished run in the process that the backend has just started, even after runs another process held", async () => {
    const jobSql = postgres(server.databaseUrl, { max: 4, onnotice: () => undefined });
    const quiet = { info() {}, warn() {}, error() {} };
    const seen: boolean[] = [];
    const job = {
      name: "first-run-probe",
      everyMs: 100,
      run: async (_ctx: unknown, options: { backendStarted: boolean }) => {
        seen.push(options.backendStarted);
      },
    };
    // another process runs this job right now: its lock is taken
    let release = () => {};
    let locked = () => {};
    const isLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const holder = jobSql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtext('custos:job:first-run-probe'))`;
      locked();
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    await isLocked;
    const scheduler = startScheduler(createContext({ sql: jobSql, log: quiet }), [job]);
    try {
      // several 100-ms turns, each finding the job busy
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(seen).toEqual([]);
      release();
      await holder;
      await until("three finished runs", async () => (seen.length >= 3 ? true : undefined), 10_000);
    } finally {
      await scheduler.stop();
      await jobSql.end();
    }
    expect(seen[0]).toBe(true);
    expect(seen.slice(1).every((started) => !started)).toBe(true);
  });
});
