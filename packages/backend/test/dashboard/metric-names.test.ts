import { METRIC_NAMES_LIMIT, MetricNamesResponse } from "@custos/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Dashboard, expectContract, setupDashboard } from "./helpers.ts";

let d: Dashboard;
let app: string;
let fresh: string;
let serverB: string;

beforeAll(async () => {
  d = await setupDashboard();
  app = await d.register("app-1");
  fresh = await d.register("fresh-1");
  serverB = await d.register("b-1", d.agentKeyB);
  const now = Date.now();
  // what an application sends through the agent, next to the agent's own system metrics
  await d.pushMetrics(app, [
    { ts: now - 60_000, name: "cpu.percent", value: 12 },
    { ts: now - 30_000, name: "cpu.percent", value: 14 },
    { ts: now - 60_000, name: "queue_depth", value: 7, labels: { queue: "emails" } },
    { ts: now - 60_000, name: "queue_depth", value: 2, labels: { queue: "sms" } },
    { ts: now - 30_000, name: "queue_depth", value: 9, labels: { queue: "emails" } },
    { ts: now - 60_000, name: "jobs_done", value: 120 },
    { ts: now - 60_000, name: "myapp.errors", value: 1, labels: { code: "500" } },
    { ts: now - 60_000, name: "myapp.errors", value: 0, labels: { code: "502" } },
    { ts: now - 60_000, name: "myapp.errors", value: 3, labels: { code: "503", route: "/api" } },
  ]);
  await d.pushMetrics(serverB, [{ ts: now - 60_000, name: "secret_b_metric", value: 1 }], d.agentKeyB);
});
afterAll(() => d.close());

const namesOf = (org: string, server: string) => `/orgs/${org}/servers/${server}/metric-names`;

describe("metric names of a server", () => {
  it("lists every metric name the server has, application metrics included, with its number of label sets", async () => {
    const res = expectContract(await d.api("GET", namesOf(d.orgA, app)), 200, MetricNamesResponse);
    expect(res).toEqual({
      names: [
        { name: "cpu.percent", series: 1 },
        { name: "jobs_done", series: 1 },
        { name: "myapp.errors", series: 3 },
        { name: "queue_depth", series: 2 },
      ],
      truncated: false,
    });
  });

  it("is readable by a viewer", async () => {
    const res = expectContract(
      await d.api("GET", namesOf(d.orgA, app), { as: d.users.viewer }),
      200,
      MetricNamesResponse,
    );
    expect(res.names.map((n) => n.name)).toContain("queue_depth");
  });

  it("is empty for a server that has sent no metrics yet", async () => {
    const res = expectContract(await d.api("GET", namesOf(d.orgA, fresh)), 200, MetricNamesResponse);
    expect(res).toEqual({ names: [], truncated: false });
  });

  it("says truncated when the server has more names than it lists", async () => {
    const many = await d.register("many-1");
    const now = Date.now();
    const samples = Array.from({ length: METRIC_NAMES_LIMIT + 5 }, (_, i) => ({
      ts: now - 60_000,
      name: `app.metric_${String(i).padStart(5, "0")}`,
      value: i,
    }));
    await d.pushMetrics(many, samples);
    const res = expectContract(await d.api("GET", namesOf(d.orgA, many)), 200, MetricNamesResponse);
    expect(res.truncated).toBe(true);
    expect(res.names).toHaveLength(METRIC_NAMES_LIMIT);
    expect(res.names[0]).toEqual({ name: "app.metric_00000", series: 1 });
    expect(res.names.at(-1)?.name).toBe(`app.metric_${String(METRIC_NAMES_LIMIT - 1).padStart(5, "0")}`);
  });
});

describe("metric names access", () => {
  it("answers 404 for another organization's server, whichever organization the path names", async () => {
    // org B's server under org A's id: the server is not there
    const underA = await d.api("GET", namesOf(d.orgA, serverB));
    expect(underA.status).toBe(404);
    expect(underA.body.error).toMatchObject({ code: "NOT_FOUND", field: "server_id" });
    // org B's own path, asked by a member of org A only: the organization is not there either
    const underB = await d.api("GET", namesOf(d.orgB, serverB));
    expect(underB.status).toBe(404);
    expect(underB.body.error).toMatchObject({ code: "NOT_FOUND", field: "org_id" });
    expect(underB.text).not.toContain("secret_b_metric");
    // and org B's owner sees org A's server as missing
    const fromB = await d.api("GET", namesOf(d.orgA, app), { as: d.users.ownerB });
    expect(fromB.status).toBe(404);
  });

  it("answers 401 without a token or with a malformed one", async () => {
    expect((await d.api("GET", namesOf(d.orgA, app), { as: null })).status).toBe(401);
    expect((await d.api("GET", namesOf(d.orgA, app), { as: "Bearer not-a-jwt" })).status).toBe(401);
  });

  it("answers 400 naming the malformed id", async () => {
    const badServer = await d.api("GET", namesOf(d.orgA, "not-a-uuid"));
    expect(badServer.status).toBe(400);
    expect(badServer.body.error).toMatchObject({ code: "VALIDATION", field: "server_id" });
    expect(badServer.body.error.message).toContain("server_id");
    const badOrg = await d.api("GET", namesOf("42", app));
    expect(badOrg.status).toBe(400);
    expect(badOrg.body.error).toMatchObject({ code: "VALIDATION", field: "org_id" });
  });
});
