import { randomUUID } from "node:crypto";
import {
  ConfigScopeItem,
  ConfigScopeList,
  configVersion,
  EffectiveConfig,
  HeartbeatResponse,
  ServerConfigView,
  ServersOverview,
} from "@custos/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Dashboard, expectContract, setupDashboard } from "./helpers.ts";

let d: Dashboard;
let serverA: string;
let serverB: string;
beforeAll(async () => {
  d = await setupDashboard();
  serverA = await d.register("web-1");
  serverB = await d.register("db-b", d.agentKeyB);
});
afterAll(() => d.close());

const path = (org = d.orgA) => `/orgs/${org}/monitor-config`;
const systemMonitor = { type: "system", name: "system", check_interval: "30s", options: {} };
const memoryThreshold = { metric: "memory.used_percent", crit_above: 90, for: "5m" };

async function put(body: unknown, as = d.users.admin, org = d.orgA) {
  return d.api("PUT", path(org), { body, as });
}

/** The 400's field, asserting nothing was stored for the scope. */
async function refusedField(entry: Record<string, unknown>): Promise<string> {
  const res = await put({ scope: "tag", tag: "refused", ...entry });
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe("VALIDATION");
  const list = expectContract(await d.api("GET", path()), 200, ConfigScopeList);
  expect(list.entries.filter((e) => e.tag === "refused")).toEqual([]);
  return res.body.error.field;
}

describe("central configuration: scopes", () => {
  it("lets an admin store the org-wide defaults as written, and any member read them", async () => {
    const res = await put({ scope: "org", monitors: [systemMonitor], thresholds: [memoryThreshold] });
    const item = expectContract(res, 200, ConfigScopeItem);
    expect(item).toMatchObject({ scope: "org", tag: null, server_id: null, monitors: [systemMonitor] });
    // durations stay as written: the agent parses them with agent.yaml's own schemas
    expect(item.thresholds).toEqual([memoryThreshold]);
    for (const as of [d.users.member, d.users.viewer]) {
      const list = expectContract(await d.api("GET", path(), { as }), 200, ConfigScopeList);
      expect(list.entries.map((e) => e.scope)).toContain("org");
    }
  });

  it("refuses a member and a viewer who try to change it (403), and changes nothing", async () => {
    for (const as of [d.users.member, d.users.viewer]) {
      const res = await put({ scope: "org", monitors: [] }, as);
      expect(res.status).toBe(403);
    }
    const list = expectContract(await d.api("GET", path()), 200, ConfigScopeList);
    expect(list.entries.find((e) => e.scope === "org")?.monitors).toEqual([systemMonitor]);
  });

  it("merges org < tag < server by monitor name into a server's effective document with its sources", async () => {
    const tags = await d.api("PUT", `/orgs/${d.orgA}/servers/${serverA}/tags`, { body: { tags: ["web"] } });
    expect(tags.status).toBe(200);
    expect(tags.body).toEqual({ server_id: serverA, tags: ["web"] });
    // the servers list carries them too: the configuration page groups the fleet by tag from it
    const fleet = expectContract(await d.api("GET", `/orgs/${d.orgA}/servers`), 200, ServersOverview);
    expect(fleet.servers.find((s) => s.id === serverA)?.tags).toEqual(["web"]);
    const site = { type: "http", name: "site", options: { url: "https://example.com/" } };
    expect(
      (await put({ scope: "tag", tag: "web", monitors: [site, { ...systemMonitor, check_interval: "10s" }] }))
        .status,
    ).toBe(200);
    expect(
      (
        await put({
          scope: "tag",
          tag: "db",
          monitors: [{ type: "ping", name: "gw", options: { targets: ["10.0.0.1"] } }],
        })
      ).status,
    ).toBe(200);
    const own = { ...site, options: { url: "https://example.com/health" } };
    expect((await put({ scope: "server", server_id: serverA, monitors: [own] })).status).toBe(200);

    const view = expectContract(
      await d.api("GET", `/orgs/${d.orgA}/servers/${serverA}/monitor-config`, { as: d.users.viewer }),
      200,
      ServerConfigView,
    );
    expect(view.tags).toEqual(["web"]);
    expect(view.monitors.map((m) => [m.source, m.monitor.name, m.monitor.check_interval ?? null])).toEqual([
      ["tag:web", "system", "10s"],
      ["server", "site", null],
    ]);
    expect(view.monitors[1]?.monitor.options).toEqual({ url: "https://example.com/health" });
    expect(view.thresholds).toEqual([{ source: "org", threshold: memoryThreshold }]);
    expect(view.version).toBe(
      await configVersion({
        monitors: view.monitors.map((m) => m.monitor),
        thresholds: view.thresholds.map((t) => t.threshold),
      }),
    );
    expect(view).toMatchObject({ agent: null, in_sync: false });
  });

  it("removes a scope's entry when it is put with neither monitors nor thresholds", async () => {
    expect((await put({ scope: "tag", tag: "db", monitors: [] })).status).toBe(200);
    const list = expectContract(await d.api("GET", path()), 200, ConfigScopeList);
    expect(list.entries.map((e) => e.tag)).not.toContain("db");
  });
});

describe("central configuration: validation with the plugins' own schemas", () => {
  const http = (options: Record<string, unknown>) => ({
    type: "http",
    name: `h${randomUUID().slice(0, 6)}`,
    options,
  });

  it("names the invalid plugin option of the third monitor (monitors.2.options.url)", async () => {
    const field = await refusedField({
      monitors: [systemMonitor, http({ url: "https://ok.example/" }), http({ url: "ftp://nope" })],
    });
    expect(field).toBe("monitors.2.options.url");
  });

  it.each([
    ["an unknown monitor type", { monitors: [{ type: "telnet", name: "t" }] }, "monitors.0.type"],
    [
      "an unknown option",
      { monitors: [http({ url: "https://a.example/", colour: "red" })] },
      "monitors.0.options",
    ],
    ["a missing required option", { monitors: [http({})] }, "monitors.0.options.url"],
    [
      "an option of the wrong type",
      { monitors: [http({ url: "https://a.example/", retries: "two" })] },
      "monitors.0.options.retries",
    ],
    [
      "a rule across options",
      { monitors: [http({ url: "https://a.example/", method: "HEAD", keyword: "ok" })] },
      "monitors.0.options.keyword",
    ],
    [
      "a malformed interval",
      { monitors: [{ ...systemMonitor, check_interval: "often" }] },
      "monitors.0.check_interval",
    ],
    [
      "a monitor name with spaces",
      { monitors: [{ ...systemMonitor, name: "my system" }] },
      "monitors.0.name",
    ],
    ["two monitors of one name", { monitors: [systemMonitor, systemMonitor] }, "monitors.1.name"],
    ["a missing name", { monitors: [{ type: "system" }] }, "monitors.0.name"],
    ["an unknown key beside the options", { monitors: [{ ...systemMonitor, url: "x" }] }, "monitors.0.url"],
    [
      "too many monitors",
      { monitors: Array.from({ length: 201 }, (_, i) => ({ ...systemMonitor, name: `s${i}` })) },
      "monitors",
    ],
    ["a threshold with no bound", { thresholds: [{ metric: "cpu.percent" }] }, "thresholds.0.metric"],
    [
      "warn above crit",
      { thresholds: [{ metric: "cpu.percent", warn_above: 95, crit_above: 90 }] },
      "thresholds.0.warn_above",
    ],
    ["a malformed for", { thresholds: [{ ...memoryThreshold, for: "a while" }] }, "thresholds.0.for"],
    [
      "a non-numeric bound",
      { thresholds: [{ metric: "cpu.percent", crit_above: "90" }] },
      "thresholds.0.crit_above",
    ],
    ["two thresholds on one metric", { thresholds: [memoryThreshold, memoryThreshold] }, "thresholds.1.name"],
    ["monitors that are not a list", { monitors: { system: {} } }, "monitors"],
  ])("refuses %s with 400 naming the field", async (_what, entry, field) => {
    expect(await refusedField(entry)).toBe(field);
  });

  it("refuses secrets written in clear and accepts them as ${VAR} references the agent resolves", async () => {
    const nvr = (password: string) => ({
      type: "hikvision",
      name: "nvr",
      options: { url: "https://nvr.lan/", username: "monitor", password },
    });
    expect(await refusedField({ monitors: [nvr("hunter2")] })).toBe("monitors.0.options.password");
    expect(
      await refusedField({
        monitors: [{ type: "postgres", name: "pg", options: { connection: "postgres://app:s3cret@db/app" } }],
      }),
    ).toBe("monitors.0.options.connection");
    expect(
      await refusedField({
        monitors: [http({ url: "https://a.example/", headers: { Authorization: "Bearer abc" } })],
      }),
    ).toBe("monitors.0.options.headers.Authorization");

    // references pass the backend's check (the connection's postgres:// rule is the agent's to apply)
    const res = await put({
      scope: "tag",
      tag: "secrets",
      monitors: [
        nvr("${NVR_PASSWORD}"),
        { type: "postgres", name: "pg", options: { connection: "${PG_URL}" } },
        http({ url: "https://a.example/", headers: { Authorization: "Bearer ${API_TOKEN}" } }),
      ],
    });
    expect(res.status).toBe(200);
    expect(res.text).not.toContain("hunter2");
  });

  it("answers a malformed, empty or hostile body with 400 and never 5xx", async () => {
    const raw = (body: string) => d.api("PUT", path(), { body, as: d.users.admin });
    const malformed = await raw("{ not json");
    expect(malformed.status).toBe(400);
    expect((await raw("")).status).toBe(400);
    const noScope = await put({ monitors: [] });
    expect(noScope.status).toBe(400);
    expect(noScope.body.error.field).toBe("scope");
    const badTag = await put({ scope: "tag", tag: "Web Servers" });
    expect(badTag.body.error.field).toBe("tag");
    const proto = await raw(
      '{"scope":"tag","tag":"p","monitors":[{"type":"system","name":"s","options":{"__proto__":{"x":1}}}]}',
    );
    expect(proto.status).toBe(400);
    expect(proto.body.error.field).toBe("monitors.0.options.__proto__");
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    const huge = await put({
      scope: "tag",
      tag: "huge",
      monitors: [http({ url: `https://a.example/${"x".repeat(2_000_000)}` })],
    });
    expect(huge.status).toBe(413);
  });

  it("refuses a server scope naming a server of another organization (400 server_id)", async () => {
    const res = await put({ scope: "server", server_id: serverB, monitors: [systemMonitor] });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe("server_id");
  });

  it("refuses malformed tags with 400 naming the tag, and a member setting tags with 403", async () => {
    const url = `/orgs/${d.orgA}/servers/${serverA}/tags`;
    const bad = await d.api("PUT", url, { body: { tags: ["web", "Not OK"] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("tags.1");
    const twice = await d.api("PUT", url, { body: { tags: ["web", "web"] } });
    expect(twice.body.error.field).toBe("tags");
    expect((await d.api("PUT", url, { body: { tags: [] }, as: d.users.member })).status).toBe(403);
  });
});

describe("central configuration: the agent's side", () => {
  it("gives the agent its effective document and carries its version in every heartbeat answer", async () => {
    const doc = await d.agent("/config", { server_id: serverA });
    expect(doc.status).toBe(200);
    const config = EffectiveConfig.parse(doc.body);
    expect((config.monitors as { name: string }[]).map((m) => m.name).sort()).toEqual(["site", "system"]);
    const beat = await d.agent("/heartbeat", { server_id: serverA, sent_at: new Date().toISOString() });
    expect(HeartbeatResponse.parse(beat.body).config_version).toBe(config.version);

    // a change in the dashboard changes the version the next heartbeat answers
    await put({
      scope: "org",
      monitors: [systemMonitor],
      thresholds: [{ ...memoryThreshold, crit_above: 80 }],
    });
    const next = await d.agent("/heartbeat", { server_id: serverA, sent_at: new Date().toISOString() });
    expect(next.body.config_version).not.toBe(config.version);
    expect((await d.agent("/config", { server_id: serverA })).body.version).toBe(next.body.config_version);
  });

  it("shows what the agent applied, refused and defines locally, and whether it runs the current version", async () => {
    const current = (await d.agent("/config", { server_id: serverA })).body.version as string;
    const viewUrl = `/orgs/${d.orgA}/servers/${serverA}/monitor-config`;
    const refused = await d.agent("/config/report", {
      server_id: serverA,
      version: current,
      status: "refused",
      reason: "monitors[1].options.url: invalid URL",
      local_monitors: ["system"],
    });
    expect(refused.status).toBe(200);
    let view = expectContract(await d.api("GET", viewUrl), 200, ServerConfigView);
    expect(view.agent).toMatchObject({
      applied_version: null,
      refused_version: current,
      refused_reason: "monitors[1].options.url: invalid URL",
      local_monitors: ["system"],
    });
    expect(view.in_sync).toBe(false);

    await d.agent("/config/report", {
      server_id: serverA,
      version: current,
      status: "applied",
      local_monitors: [],
    });
    view = expectContract(await d.api("GET", viewUrl), 200, ServerConfigView);
    expect(view.agent).toMatchObject({
      applied_version: current,
      refused_version: null,
      refused_reason: null,
    });
    expect(view.in_sync).toBe(true);
  });

  it.each([
    ["a refusal without a reason", { status: "refused" }, "reason"],
    ["a malformed version", { version: "v1" }, "version"],
    ["an unknown status", { status: "maybe" }, "status"],
    ["a local monitor name with spaces", { local_monitors: ["my disk"] }, "local_monitors.0"],
    ["an oversized reason", { status: "refused", reason: "x".repeat(2001) }, "reason"],
    ["an unknown key", { extra: 1 }, "extra"],
  ])("refuses a report with %s (400 naming the field)", async (_what, change, field) => {
    const res = await d.agent("/config/report", {
      server_id: serverA,
      version: "a".repeat(64),
      status: "applied",
      ...change,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe(field);
  });

  it("refuses a config request without or with a malformed server id (400 server_id)", async () => {
    expect((await d.agent("/config", {})).body.error.field).toBe("server_id");
    expect((await d.agent("/config", { server_id: "x" })).body.error.field).toBe("server_id");
  });
});

describe("central configuration: tenancy", () => {
  it("keeps another organization from reading or writing it", async () => {
    const as = d.users.ownerB;
    expect((await d.api("GET", path(), { as })).status).toBe(404);
    expect((await put({ scope: "org", monitors: [] }, as)).status).toBe(404);
    expect((await d.api("GET", `/orgs/${d.orgA}/servers/${serverA}/monitor-config`, { as })).status).toBe(
      404,
    );
    expect(
      (await d.api("PUT", `/orgs/${d.orgA}/servers/${serverA}/tags`, { body: { tags: [] }, as })).status,
    ).toBe(404);
    // B's own view of its organization holds none of A's entries
    const listB = expectContract(await d.api("GET", path(d.orgB), { as }), 200, ConfigScopeList);
    expect(listB.entries).toEqual([]);
    const [org] =
      await d.sql`select count(*)::int as n from monitor_configs where org_id = ${d.orgA} and scope = 'org'`;
    expect(org?.n).toBe(1);
  });

  it("keeps another organization's agent from fetching a server's document or reporting for it", async () => {
    const fetch = await d.agent("/config", { server_id: serverA }, d.agentKeyB);
    expect(fetch.status).toBe(404);
    expect(fetch.body.error.field).toBe("server_id");
    const report = await d.agent(
      "/config/report",
      { server_id: serverA, version: "b".repeat(64), status: "applied" },
      d.agentKeyB,
    );
    expect(report.status).toBe(404);
    const [row] = await d.sql`select applied_version from server_config_reports where server_id = ${serverA}`;
    expect(row?.applied_version).not.toBe("b".repeat(64));
  });

  it("refuses a config request without an API key (401)", async () => {
    const res = await d.app.request("/api/agent/config", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ server_id: serverA }),
    });
    expect(res.status).toBe(401);
  });
});
