import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApp, createProbe, JOBS, runDueJobs } from "../src/index.ts";
import { setup } from "./harness.ts";

/**
 * The cloud's schedule: pg_cron calls /api/cron/tick every 15 s and the route runs the jobs of
 * the one table that are due. Time passing between ticks is the stored claim moved back, the
 * same thing a later now() would see.
 */
const SECRET = "a-long-cron-secret-value";
let h: Awaited<ReturnType<typeof setup>>;
let target: Server;
let targetUrl: string;
let answerAfterMs = 0;

beforeAll(async () => {
  h = await setup({ cronSecret: SECRET });
  target = createServer((_req, res) => {
    setTimeout(() => res.end("<h1>Welcome</h1>"), answerAfterMs);
  });
  await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => target.close(() => resolve()));
  await h.close();
});
beforeEach(async () => {
  answerAfterMs = 0;
  await h.sql`delete from private.job_state`;
  await h.sql`update monitors set enabled = false where source = 'probe'`;
});

type App = { request: (path: string, init: RequestInit) => Response | Promise<Response> };
const tick = (app: App = h.app, auth: string | null = `Bearer ${SECRET}`) =>
  app.request("/api/cron/tick", { method: "POST", headers: auth === null ? {} : { authorization: auth } });
const tickJson = async (app: App = h.app) => {
  const res = await tick(app);
  return { status: res.status, body: (await res.json()) as { jobs: Record<string, any>; not_due: string[] } };
};
/** As if `seconds` had passed since every job was last claimed. */
const later = (seconds: number) =>
  h.sql`update private.job_state set claimed_at = claimed_at - make_interval(secs => ${seconds})`;
const runs = async () =>
  Object.fromEntries(
    (await h.sql<{ job: string; runs: number }[]>`select job, runs::int from private.job_state`).map((r) => [
      r.job,
      r.runs,
    ]),
  );
const ALL = JOBS.map((j) => j.name);

describe("cron route", () => {
  it("runs every job of the table on the first tick, in the table's order, and records each run", async () => {
    const { status, body } = await tickJson();
    expect(status).toBe(200);
    expect(Object.keys(body.jobs)).toEqual(ALL);
    for (const name of ALL) expect(body.jobs[name]).toMatchObject({ status: "done" });
    expect(body.not_due).toEqual([]);
    expect(await runs()).toEqual(Object.fromEntries(ALL.map((name) => [name, 1])));
  });

  it("runs each job again only once its interval has passed: hourly jobs hourly, dispatch every tick", async () => {
    await tick();
    // 15 s later (the next pg_cron tick): the 2-s, 5-s and 10-s jobs, not the 30-s or hourly ones
    await later(15);
    const second = (await tickJson()).body;
    expect(Object.keys(second.jobs)).toEqual(["sweep", "probes", "dispatch", "invitation-emails"]);
    expect(second.not_due).toEqual([
      "escalations",
      "rollups",
      "maintain-partitions",
      "maintain-rollups",
      "prune-agent-events",
    ]);
    // a tick right behind it runs only what is due on every tick
    expect(Object.keys((await tickJson()).body.jobs)).toEqual(["dispatch"]);

    await later(30);
    expect(Object.keys((await tickJson()).body.jobs)).toEqual([
      "sweep",
      "probes",
      "escalations",
      "dispatch",
      "invitation-emails",
      "rollups",
    ]);
    await later(3600);
    expect(Object.keys((await tickJson()).body.jobs)).toEqual(ALL);
    expect(await runs()).toMatchObject({ "maintain-partitions": 2, "maintain-rollups": 2, dispatch: 5 });
  });

  it("counts a tick up to 2 s early as on time, so a 30-s job keeps to every other 15-s tick", async () => {
    await tick();
    await later(28.5);
    expect(Object.keys((await tickJson()).body.jobs)).toContain("rollups");
    await later(27);
    expect((await tickJson()).body.not_due).toContain("rollups");
  });

  it("runs a due HTTP probe through fetch and records its check result", async () => {
    const { id } = await createProbe({
      ctx: h,
      input: {
        org_id: h.orgId,
        name: "site",
        // loopback on a busy machine: latency must not decide this test
        config: { kind: "http", url: targetUrl, degraded_ms: 30_000, down_ms: 30_000 },
      },
    });
    await h.sql`update monitors set next_run_at = now() where id = ${id}`;
    const { body } = await tickJson();
    expect(body.jobs.probes).toMatchObject({ status: "done", result: { ran: 1, statuses: { ok: 1 } } });
    const results = await h.sql`select status from check_results where monitor_id = ${id}`;
    expect(results.map((r) => r.status)).toEqual(["ok"]);
  });

  it("claims an hourly job once when two isolates tick at the same moment", async () => {
    const isolates = [1, 2].map(() => createApp({ sql: h.sql, config: { cronSecret: SECRET } }));
    const [a, b] = await Promise.all(isolates.map((app) => tickJson(app)));
    const ranIn = [a, b].filter((t) => t?.body.jobs["maintain-partitions"]).length;
    expect(ranIn).toBe(1);
    expect((await runs())["maintain-partitions"]).toBe(1);
  });

  it("reports a job whose lock another process holds as busy and still runs the others", async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let locked = () => {};
    const isLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const holder = h.sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtext('custos:job:rollups'))`;
      locked();
      await held;
    });
    await isLocked;
    try {
      const { status, body } = await tickJson();
      expect(status).toBe(200);
      expect(body.jobs.rollups).toEqual({ status: "busy" });
      expect(body.jobs.sweep).toMatchObject({ status: "done" });
      expect((await runs()).rollups).toBe(0);
    } finally {
      release();
      await holder;
    }
  });

  it("answers 500 naming a failed job and its error, and the jobs after it still run", async () => {
    await h.sql`alter function private.escalate_incidents() rename to escalate_incidents_away`;
    try {
      const { status, body } = await tickJson();
      expect(status).toBe(500);
      expect(body.jobs.escalations).toMatchObject({ status: "failed" });
      expect(body.jobs.escalations.error).toMatch(/escalate_incidents/);
      expect(body.jobs.dispatch).toMatchObject({ status: "done" });
      const [state] = await h.sql`select last_error from private.job_state where job = 'escalations'`;
      expect(state?.last_error).toMatch(/escalate_incidents/);
    } finally {
      await h.sql`alter function private.escalate_incidents_away() rename to escalate_incidents`;
    }
  });

  it("answers 409 to a second tick in the same isolate while the first still runs", async () => {
    const { id } = await createProbe({
      ctx: h,
      input: {
        org_id: h.orgId,
        name: "slow site",
        config: { kind: "http", url: targetUrl, degraded_ms: 30_000, down_ms: 30_000 },
      },
    });
    await h.sql`update monitors set next_run_at = now() where id = ${id}`;
    answerAfterMs = 1_500;
    const first = tick();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = await tick();
    expect(second.status).toBe(409);
    expect((await first).status).toBe(200);
  });

  it("runs a job list it is given, recording a thrown error as that job's last error", async () => {
    const result = await runDueJobs({
      ctx: h.app.ctx,
      jobs: [
        {
          name: "broken",
          everyMs: 1_000,
          run: async () => {
            throw new Error("disk on fire");
          },
        },
      ],
    });
    expect(result.jobs.broken).toEqual({ status: "failed", error: "disk on fire" });
    const [state] = await h.sql`select runs::int, last_error from private.job_state where job = 'broken'`;
    expect(state).toEqual({ runs: 0, last_error: "disk on fire" });
  });

  it.each([
    ["no header", null],
    ["a wrong secret", "Bearer wrong"],
    ["the secret without Bearer", SECRET],
    ["the secret with a character more", `Bearer ${SECRET}x`],
    ["the secret with a character less", `Bearer ${SECRET.slice(0, -1)}`],
    ["a 10 KB secret", `Bearer ${"x".repeat(10_000)}`],
    ["a non-ASCII secret", "Bearer \u00ff\u00fe"],
    ["an empty secret", "Bearer "],
  ])("refuses %s with 401 and runs nothing", async (_what, auth) => {
    const res = await tick(h.app, auth);
    expect(res.status).toBe(401);
    expect(await runs()).toEqual({});
  });

  it("is switched off (404) when no secret is configured", async () => {
    const off = createApp({ sql: h.sql });
    expect((await tick(off, "Bearer anything")).status).toBe(404);
  });
});
