import { randomUUID } from "node:crypto";
import {
  HeartbeatResponse,
  MONITOR_TEST_LIMITS,
  MonitorTestClaim,
  MonitorTestRun,
  PushResponse,
} from "@custos/protocol";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Dashboard, expectContract, setupDashboard } from "./helpers.ts";

/** Testing an agent monitor before saving it (decision 0045): the dashboard's and the agent's side. */
let d: Dashboard;
let serverA: string;
let serverB: string;
beforeAll(async () => {
  d = await setupDashboard();
  serverA = await d.register("web-1");
  serverB = await d.register("db-b", d.agentKeyB);
});
afterAll(() => d.close());
beforeEach(async () => {
  await d.sql`delete from monitor_test_runs`;
});

const site = { type: "http", name: "site", options: { url: "https://example.com/" } };
const create = (monitor: unknown, as = d.users.admin, server = serverA, org = d.orgA) =>
  d.api("POST", `/orgs/${org}/servers/${server}/monitor-tests`, { body: { monitor }, as });
const view = (id: string, as = d.users.viewer, org = d.orgA) =>
  d.api("GET", `/orgs/${org}/monitor-tests/${id}`, { as });
const beat = async (key = d.agentKeyA, server = serverA) =>
  HeartbeatResponse.parse(
    (await d.agent("/heartbeat", { server_id: server, sent_at: new Date().toISOString() }, key)).body,
  );
const claim = async (server = serverA, key = d.agentKeyA) =>
  d.agent("/monitor-tests/claim", { server_id: server }, key);
const rows = async () =>
  d.sql<{ status: string }[]>`select status from monitor_test_runs order by created_at`;

const okOutcome = {
  status: "ok",
  message: "200 OK",
  checks: [{ name: "site", status: "ok", message: "200 OK", latency_ms: 41.5 }],
  samples: { count: 1, first: [{ name: "http.response_ms", labels: { monitor: "site" }, value: 41.5 }] },
  duration_ms: 45,
};

describe("monitor tests: the round trip", () => {
  it("queues a test, tells the agent in its heartbeat, hands it out once and shows the agent's result", async () => {
    const created = expectContract(await create(site), 201, MonitorTestRun);
    expect(created).toMatchObject({ status: "pending", server_id: serverA, monitor: site, result: null });
    expect((await beat()).tests_pending).toBe(true);

    const claimed = MonitorTestClaim.parse((await claim()).body);
    expect(claimed.tests).toEqual([{ id: created.id, monitor: site }]);
    expect(expectContract(await view(created.id), 200, MonitorTestRun).status).toBe("running");
    // claimed once: neither the next heartbeat nor the next claim offers it again
    expect((await beat()).tests_pending).toBeUndefined();
    expect((await claim()).body.tests).toEqual([]);

    const report = await d.agent(`/monitor-tests/${created.id}/result`, {
      server_id: serverA,
      outcome: okOutcome,
    });
    expect(report.status, JSON.stringify(report.body)).toBe(200);
    const done = expectContract(await view(created.id), 200, MonitorTestRun);
    expect(done).toMatchObject({ status: "done", result: okOutcome, reason: null });
    expect(done.finished_at).not.toBeNull();
    // a result is taken once
    const again = await d.agent(`/monitor-tests/${created.id}/result`, {
      server_id: serverA,
      outcome: okOutcome,
    });
    expect(again.status).toBe(404);
    expect(again.body.error.field).toBe("test_id");
  });

  it("records the result nowhere else: no check result, no monitor, no incident", async () => {
    const created = expectContract(await create({ ...site, name: "only-a-test" }), 201, MonitorTestRun);
    await claim();
    await d.agent(`/monitor-tests/${created.id}/result`, {
      server_id: serverA,
      outcome: { ...okOutcome, status: "down", checks: [{ name: "only-a-test", status: "down" }] },
    });
    const [counts] = await d.sql`
      select (select count(*)::int from monitors where name = 'only-a-test') as monitors,
             (select count(*)::int from check_results cr join monitors m on m.id = cr.monitor_id
               where m.name = 'only-a-test') as results,
             (select count(*)::int from incidents where server_id = ${serverA}) as incidents`;
    expect(counts).toEqual({ monitors: 0, results: 0, incidents: 0 });
    expect((await view(created.id)).body.status).toBe("done");
  });

  it("ends a refused monitor failed, with the agent's message naming the field", async () => {
    const created = expectContract(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a ${VAR} reference the agent resolves
      await create({ ...site, options: { url: "${SITE_URL}" } }),
      201,
      MonitorTestRun,
    );
    await claim();
    const message = "monitor.options.url: Invalid URL";
    await d.agent(`/monitor-tests/${created.id}/result`, {
      server_id: serverA,
      outcome: { status: "refused", message },
    });
    const failed = expectContract(await view(created.id), 200, MonitorTestRun);
    expect(failed.status).toBe("failed");
    expect(failed.result).toMatchObject({ status: "refused", message, checks: [] });
  });

  it("carries tests_pending in the combined push's heartbeat answer too", async () => {
    await create(site);
    const res = await d.agent("/push", {
      v: 1,
      server_id: serverA,
      heartbeat: { sent_at: new Date().toISOString() },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(PushResponse.parse(res.body).heartbeat?.tests_pending).toBe(true);
  });
});

describe("monitor tests: validation, as central configuration validates", () => {
  it.each([
    ["an invalid option of the plugin", { ...site, options: { url: "ftp://nope" } }, "monitor.options.url"],
    ["an unknown option", { ...site, options: { url: "https://a.example/", colour: 1 } }, "monitor.options"],
    ["an unknown type", { type: "telnet", name: "t" }, "monitor.type"],
    ["a missing name", { type: "system" }, "monitor.name"],
    ["a malformed timeout", { ...site, timeout: "soon" }, "monitor.timeout"],
    [
      "a password in clear",
      {
        type: "hikvision",
        name: "nvr",
        options: { url: "https://nvr.lan/", username: "u", password: "hunter2" },
      },
      "monitor.options.password",
    ],
    [
      "a password inside a URL",
      { type: "postgres", name: "pg", options: { connection: "postgres://app:s3cret@db/app" } },
      "monitor.options.connection",
    ],
    [
      "an Authorization header in clear",
      { ...site, options: { url: "https://a.example/", headers: { Authorization: "Bearer abc" } } },
      "monitor.options.headers.Authorization",
    ],
    [
      "a monitor larger than one entry needs",
      { ...site, name: "big", options: { url: `https://a.example/${"x".repeat(20_000)}` } },
      "monitor",
    ],
  ])("refuses %s with 400 naming the field and stores nothing", async (_what, monitor, field) => {
    const res = await create(monitor);
    expect(res.status, res.text).toBe(400);
    expect(res.body.error.field).toBe(field);
    expect(res.text).not.toContain("hunter2");
    expect(await rows()).toEqual([]);
  });

  it("accepts credentials as references the agent resolves from its environment", async () => {
    const nvr = {
      type: "hikvision",
      name: "nvr",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a ${VAR} reference the agent resolves
      options: { url: "https://nvr.lan/", username: "u", password: "${NVR_PASSWORD}" },
    };
    expect(expectContract(await create(nvr), 201, MonitorTestRun).monitor).toEqual(nvr);
  });

  it("answers malformed, empty, hostile and oversized bodies with 4xx, never 5xx, storing nothing", async () => {
    const url = `/orgs/${d.orgA}/servers/${serverA}/monitor-tests`;
    const raw = (body: string) => d.api("POST", url, { body, as: d.users.admin });
    expect((await raw("{ not json")).status).toBe(400);
    expect((await raw("")).status).toBe(400);
    expect((await raw("[]")).status).toBe(400);
    const extra = await d.api("POST", url, { body: { monitor: site, server: "x" } });
    expect(extra.body.error.field).toBe("server");
    const proto = await raw('{"monitor":{"type":"system","name":"s","options":{"__proto__":{"x":1}}}}');
    expect(proto.status).toBe(400);
    expect(proto.body.error.field).toBe("monitor.options.__proto__");
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    const nul = await create({ ...site, name: "a\u0000b" });
    expect(nul.status).toBe(400);
    const huge = await create({ ...site, options: { url: `https://a.example/${"x".repeat(2_000_000)}` } });
    expect(huge.status).toBe(413);
    const badServer = await d.api("POST", `/orgs/${d.orgA}/servers/not-a-uuid/monitor-tests`, {
      body: { monitor: site },
    });
    expect(badServer.body.error.field).toBe("server_id");
    const badTest = await view("not-a-uuid");
    expect(badTest.status).toBe(400);
    expect(badTest.body.error.field).toBe("test_id");
    expect(await rows()).toEqual([]);
  });
});

describe("monitor tests: who may", () => {
  it("lets admins and owners create, refuses members and viewers (403), and lets every member read", async () => {
    for (const as of [d.users.member, d.users.viewer]) expect((await create(site, as)).status).toBe(403);
    expect(await rows()).toEqual([]);
    const owned = expectContract(await create(site, d.users.owner), 201, MonitorTestRun);
    for (const as of [d.users.member, d.users.viewer, d.users.admin])
      expect((await view(owned.id, as)).status).toBe(200);
  });

  it("hides another organization's servers and runs (404), from the dashboard and from the agent key", async () => {
    // org A's admin on org B's server, through org A's path and through org B's
    const cross = await create(site, d.users.admin, serverB);
    expect(cross.status).toBe(404);
    expect(cross.body.error.field).toBe("server_id");
    expect((await create(site, d.users.admin, serverB, d.orgB)).status).toBe(404);
    expect(await rows()).toEqual([]);

    const ofB = expectContract(await create(site, d.users.ownerB, serverB, d.orgB), 201, MonitorTestRun);
    expect((await view(ofB.id, d.users.owner)).status).toBe(404);
    expect((await view(ofB.id, d.users.owner, d.orgB)).status).toBe(404);
    // org A's agent key can neither claim org B's server's tests nor report on them
    expect((await claim(serverB)).status).toBe(404);
    const report = await d.agent(`/monitor-tests/${ofB.id}/result`, {
      server_id: serverB,
      outcome: okOutcome,
    });
    expect(report.status).toBe(404);
    // nor claim them through its own server
    expect((await claim(serverA)).body.tests).toEqual([]);
    expect((await beat()).tests_pending).toBeUndefined();
    expect((await view(ofB.id, d.users.ownerB, d.orgB)).body.status).toBe("pending");
  });

  it("refuses a report for a test the server did not claim (404), leaving it pending", async () => {
    const created = expectContract(await create(site), 201, MonitorTestRun);
    const res = await d.agent(`/monitor-tests/${created.id}/result`, {
      server_id: serverA,
      outcome: okOutcome,
    });
    expect(res.status).toBe(404);
    expect((await view(created.id)).body.status).toBe("pending");
  });
});

describe("monitor tests: bounds and expiry", () => {
  it("keeps at most a few waiting per server (409 beyond) and hands out a few per claim", async () => {
    for (let i = 0; i < MONITOR_TEST_LIMITS.maxPendingPerServer; i++)
      expect((await create({ ...site, name: `s${i}` })).status).toBe(201);
    const over = await create(site);
    expect(over.status).toBe(409);
    expect(over.body.error.code).toBe("CONFLICT");
    // the trigger holds the line for writers that skip the API's count
    const direct = await d.sql`
      insert into monitor_test_runs (org_id, server_id, monitor) values (${d.orgA}, ${serverA}, '{}')`.catch(
      (e: { hint?: string }) => e.hint,
    );
    expect(direct).toBe("monitor_test_runs_pending_limit");
    const claimed = MonitorTestClaim.parse((await claim()).body);
    expect(claimed.tests.map((t) => (t.monitor as { name: string }).name)).toEqual([
      "s0",
      "s1",
      "s2",
      "s3",
      "s4",
    ]);
  });

  it("expires a test no agent claimed within 2 minutes, saying the agent did not answer", async () => {
    const created = expectContract(await create(site), 201, MonitorTestRun);
    await d.sql`update monitor_test_runs set created_at = now() - interval '121 seconds' where id = ${created.id}`;
    const expired = expectContract(await view(created.id), 200, MonitorTestRun);
    expect(expired).toMatchObject({ status: "expired", reason: "the agent did not answer: is it online?" });
    // no longer announced nor handed out; a claim writes the expiry down
    expect((await beat()).tests_pending).toBeUndefined();
    expect((await claim()).body.tests).toEqual([]);
    const [row] =
      await d.sql`select status, result, finished_at from monitor_test_runs where id = ${created.id}`;
    expect(row).toMatchObject({
      status: "expired",
      result: { reason: "the agent did not answer: is it online?" },
    });
    expect(expectContract(await view(created.id), 200, MonitorTestRun).status).toBe("expired");
    // and frees its place: the pending limit counts only tests that can still be claimed
    expect((await create(site)).status).toBe(201);
  });

  it("expires a claimed test whose result never came, and refuses that late result", async () => {
    const created = expectContract(await create(site), 201, MonitorTestRun);
    await claim();
    await d.sql`update monitor_test_runs set claimed_at = now() - interval '121 seconds' where id = ${created.id}`;
    expect(expectContract(await view(created.id), 200, MonitorTestRun)).toMatchObject({
      status: "expired",
      reason: "the agent took the test but sent no result (did it restart?)",
    });
    const late = await d.agent(`/monitor-tests/${created.id}/result`, {
      server_id: serverA,
      outcome: okOutcome,
    });
    expect(late.status).toBe(404);
  });

  it("deletes a server's runs older than a day when another is created", async () => {
    const old = expectContract(await create(site), 201, MonitorTestRun);
    await d.sql`update monitor_test_runs set created_at = now() - interval '25 hours' where id = ${old.id}`;
    const fresh = expectContract(await create(site), 201, MonitorTestRun);
    const left = await d.sql<{ id: string }[]>`select id from monitor_test_runs`;
    expect(left.map((r) => r.id)).toEqual([fresh.id]);
  });
});

describe("monitor tests: the agent's requests", () => {
  it.each([
    ["an unknown status", { status: "great" }, "outcome.status"],
    [
      "too many checks",
      { checks: Array.from({ length: 21 }, () => ({ name: "c", status: "ok" })) },
      "outcome.checks",
    ],
    [
      "too many samples",
      { samples: { count: 30, first: Array.from({ length: 21 }, () => ({ name: "m", value: 1 })) } },
      "outcome.samples.first",
    ],
    ["an oversized message", { message: "x".repeat(2001) }, "outcome.message"],
    ["a negative duration", { duration_ms: -1 }, "outcome.duration_ms"],
    ["a NUL in a message", { message: "a\u0000b" }, "outcome.message"],
  ])(
    "refuses a result with %s (400 naming the field), leaving the test running",
    async (_what, change, field) => {
      const created = expectContract(await create(site), 201, MonitorTestRun);
      await claim();
      const res = await d.agent(`/monitor-tests/${created.id}/result`, {
        server_id: serverA,
        outcome: { ...okOutcome, ...change },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error.field).toBe(field);
      expect((await view(created.id)).body.status).toBe("running");
    },
  );

  it("refuses malformed claims and result paths with 400 naming the field", async () => {
    expect((await d.agent("/monitor-tests/claim", {})).body.error.field).toBe("server_id");
    expect((await d.agent("/monitor-tests/claim", { server_id: serverA, all: true })).body.error.field).toBe(
      "all",
    );
    const badId = await d.agent("/monitor-tests/nope/result", { server_id: serverA, outcome: okOutcome });
    expect(badId.status).toBe(400);
    expect(badId.body.error.field).toBe("test_id");
    const unknown = await d.agent(`/monitor-tests/${randomUUID()}/result`, {
      server_id: serverA,
      outcome: okOutcome,
    });
    expect(unknown.status).toBe(404);
  });
});
