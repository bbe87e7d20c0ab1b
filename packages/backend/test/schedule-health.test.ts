import { OrgSummary, ScheduleHealth } from "@custos/protocol";
import postgres from "postgres";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { BackendConfig } from "../src/context.ts";
import {
  createApiKey,
  createApp,
  JOBS,
  runDueJobs,
  runJob,
  STALE_AFTER_INTERVALS,
  START_GRACE_MS,
  staleAfterMs,
} from "../src/index.ts";
import { type Dashboard, expectContract, setupDashboard } from "./dashboard/helpers.ts";

/**
 * Whether the schedule runs, as GET /api/health and the dashboard's summary tell it. Time passing
 * is the stored times moved back: the staleness check compares them with the database's now().
 */
const Health = z.object({ ok: z.literal(true), schedule: ScheduleHealth });
const ALL = JOBS.map((j) => j.name);
const SWEEP = JOBS.find((j) => j.name === "sweep") as (typeof JOBS)[number];
const quiet = { info() {}, warn() {}, error() {} };

let d: Dashboard;
beforeAll(async () => {
  d = await setupDashboard();
});
afterAll(async () => {
  await d.close();
});
beforeEach(async () => {
  await d.sql`delete from private.job_state`;
  // installed long ago: the start grace is over unless a test says otherwise
  await d.sql`update private.installation set installed_at = now() - interval '1 day'`;
});

const health = async (app: { request: (path: string) => Response | Promise<Response> } = d.app) => {
  const res = await app.request("/api/health");
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as any, headers: res.headers };
};
const schedule = async (config: Partial<BackendConfig> = {}) => {
  const app = Object.keys(config).length ? createApp({ sql: d.sql, config, log: quiet }) : d.app;
  return expectContract(await health(app), 200, Health).schedule;
};
/** As if `seconds` had passed since `job` (or every job) last completed. */
const completedAgo = (seconds: number, job?: string) =>
  d.sql`
    update private.job_state set finished_at = now() - make_interval(secs => ${seconds})
    where ${job ?? null}::text is null or job = ${job ?? null}`;

describe("GET /api/health: the schedule", () => {
  it("is not stale right after every job ran through the cloud's tick", async () => {
    await runDueJobs({ ctx: d.app.ctx });
    const s = await schedule();
    expect(s).toMatchObject({ stale: false, stale_jobs: [] });
    expect(Date.now() - Date.parse(s.sweep_last_run_at as string)).toBeLessThan(60_000);
  });

  it("is not stale right after every job ran the way custos-server's scheduler runs them (runJob)", async () => {
    for (const job of JOBS) expect(await runJob({ ctx: d.app.ctx, job })).toMatchObject({ status: "done" });
    expect(await schedule()).toMatchObject({ stale: false, stale_jobs: [] });
  });

  it(`calls the sweep stale once its last run is more than ${STALE_AFTER_INTERVALS} intervals (of at least a 15-s tick) old, and only the sweep`, async () => {
    await runDueJobs({ ctx: d.app.ctx });
    const limit = staleAfterMs(SWEEP) / 1000;
    expect(limit).toBe(60);
    await completedAgo(limit - 5, "sweep");
    expect(await schedule()).toMatchObject({ stale: false, stale_jobs: [] });

    await completedAgo(limit + 1, "sweep");
    const s = await schedule();
    expect(s).toMatchObject({ stale: true, stale_jobs: ["sweep"] });
    const age = (Date.now() - Date.parse(s.sweep_last_run_at as string)) / 1000;
    expect(age).toBeGreaterThan(limit);
    expect(age).toBeLessThan(limit + 30);
  });

  it("calls an hourly job stale after 4 hours without a completed run, not before", async () => {
    await runDueJobs({ ctx: d.app.ctx });
    await completedAgo(3 * 3600, "maintain-partitions");
    expect((await schedule()).stale).toBe(false);
    await completedAgo(4 * 3600 + 1, "maintain-partitions");
    expect(await schedule()).toMatchObject({ stale: true, stale_jobs: ["maintain-partitions"] });
  });

  it("a failed run does not count: a job that only fails goes stale", async () => {
    await runDueJobs({ ctx: d.app.ctx });
    await completedAgo(3600);
    const failing = { name: "sweep", everyMs: SWEEP.everyMs, run: () => Promise.reject(new Error("boom")) };
    expect(await runJob({ ctx: d.app.ctx, job: failing })).toMatchObject({ status: "failed" });
    expect((await schedule()).stale_jobs).toContain("sweep");
  });

  it("a fresh database where nothing has run yet is not stale within 2 minutes of its installation", async () => {
    await d.sql`update private.installation set installed_at = now() - interval '90 seconds'`;
    expect(await schedule()).toEqual({ sweep_last_run_at: null, stale: false, stale_jobs: [] });
  });

  it("a database where nothing has run is stale once 2 minutes have passed since its installation: every job", async () => {
    await d.sql`update private.installation set installed_at = now() - make_interval(secs => ${START_GRACE_MS / 1000 + 1})`;
    expect(await schedule()).toEqual({ sweep_last_run_at: null, stale: true, stale_jobs: ALL });
  });

  it("custos-server: nothing is stale for 2 minutes after its scheduler started, however old the last runs", async () => {
    await runDueJobs({ ctx: d.app.ctx });
    await completedAgo(86_400);
    expect(await schedule({ scheduleStartedAt: Date.now() - 60_000 })).toMatchObject({ stale: false });
    expect(await schedule({ scheduleStartedAt: Date.now() - START_GRACE_MS - 5_000 })).toMatchObject({
      stale: true,
      stale_jobs: ALL,
    });
    // the cloud has no such start: an isolate starting does not hide a tick that stopped
    expect((await schedule()).stale_jobs).toEqual(ALL);
  });

  it("keeps ok: true and answers 200 with no-store when the schedule is stale (the API itself works)", async () => {
    const res = await health();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, schedule: { stale: true } });
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  it("answers 503 with JSON, never a 500, when the database does not answer", async () => {
    const unreachable = postgres("postgres://nobody@127.0.0.1:1/none", { max: 1, connect_timeout: 5 });
    try {
      const res = await health(createApp({ sql: unreachable, log: quiet }));
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ ok: false, error: "database unreachable" });
    } finally {
      await unreachable.end();
    }
  });

  it("answers 503 naming the missing migration when the database predates the check", async () => {
    await d.sql`alter table private.installation rename to installation_hidden`;
    try {
      const res = await health();
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ ok: false, error: "database not migrated" });
    } finally {
      await d.sql`alter table private.installation_hidden rename to installation`;
    }
  });
});

describe("dashboard summary: the schedule", () => {
  it("carries the schedule's staleness for any member, viewers too", async () => {
    await runDueJobs({ ctx: d.app.ctx });
    const fresh = expectContract(
      await d.api("GET", `/orgs/${d.orgA}/summary`, { as: d.users.viewer }),
      200,
      OrgSummary,
    );
    expect(fresh.schedule).toMatchObject({ stale: false, stale_jobs: [] });
    expect(fresh.schedule?.sweep_last_run_at).toEqual(expect.any(String));

    await completedAgo(600, "sweep");
    const stale = expectContract(await d.api("GET", `/orgs/${d.orgA}/summary`), 200, OrgSummary);
    expect(stale.schedule).toMatchObject({ stale: true, stale_jobs: ["sweep"] });
  });

  it("still answers 404 to a non-member before reading anything", async () => {
    expect((await d.api("GET", `/orgs/${d.orgA}/summary`, { as: d.users.ownerB })).status).toBe(404);
  });
});

describe("heartbeat answers: the backend says when it is not paging", () => {
  /** A new app (its own 15-s reading) with a registered server; returns one heartbeat's answer. */
  async function agentApp() {
    const app = createApp({ sql: d.sql, config: {}, log: quiet });
    const { key } = await createApiKey({ ctx: { sql: d.sql }, input: { org_id: d.orgA, scope: "agent" } });
    const post = async (path: string, body: unknown) => {
      const res = await app.request(`/api/agent${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body: JSON.stringify(body),
      });
      return (await res.json()) as Record<string, any>;
    };
    const { server_id } = await post("/register", {
      hostname: "web-9",
      server_name: "web-9",
      agent_version: "0.1.0",
      os: "linux",
      arch: "x64",
    });
    return () => post("/heartbeat", { server_id, sent_at: new Date().toISOString() });
  }

  it("says nothing while the sweep and the dispatcher run, even when another job is stale", async () => {
    await runDueJobs({ ctx: d.app.ctx });
    await completedAgo(6 * 3600, "rollups");
    const answer = await (await agentApp())();
    expect(answer.ok).toBe(true);
    expect(answer).not.toHaveProperty("schedule_stale");
  });

  it("names the stale paging jobs and when the sweep last ran", async () => {
    await runDueJobs({ ctx: d.app.ctx });
    await completedAgo(600, "sweep");
    await completedAgo(600, "dispatch");
    const answer = await (await agentApp())();
    const [sweep] = await d.sql<
      { finished_at: Date }[]
    >`select finished_at from private.job_state where job = 'sweep'`;
    expect(answer.schedule_stale).toEqual({
      jobs: ["sweep", "dispatch"],
      sweep_last_run_at: sweep?.finished_at.toISOString(),
    });
  });

  it("reads the schedule once per 15 s for all heartbeats of a process, not per heartbeat", async () => {
    await runDueJobs({ ctx: d.app.ctx });
    const beat = await agentApp();
    expect(await beat()).not.toHaveProperty("schedule_stale");
    await completedAgo(600, "sweep");
    // the reading of the first beat still serves
    expect(await beat()).not.toHaveProperty("schedule_stale");
  });
});
