/**
 * The running agent's own alert path end to end (in process): monitor DOWN/RESTORED and
 * "backend unreachable" go out through a webhook on loopback and are reported to the backend.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/load.ts";
import { silentLogger } from "../src/log.ts";
import { type RunningAgent, startAgent } from "../src/runtime.ts";
import { type AgentDir, agentDir, waitFor } from "./helpers/agent-files.ts";
import { type FakeBackend, startFakeBackend } from "./helpers/fake-backend.ts";
import { type HttpSink, startHttpSink } from "./helpers/sinks.ts";
import { calls, script, testPlugins } from "./helpers/test-plugins.ts";

let backend: FakeBackend;
let sink: HttpSink;
let files: AgentDir;
let agent: RunningAgent | undefined;

beforeAll(async () => {
  backend = await startFakeBackend();
  sink = await startHttpSink();
});
afterAll(async () => {
  await backend.close();
  await sink.close();
});
beforeEach(() => {
  files = agentDir();
  script.clear();
  calls.clear();
});
afterEach(async () => {
  await agent?.stop();
  agent = undefined;
  files.remove();
  await backend.start().catch(() => undefined);
  backend.scheduleStale = undefined;
  sink.requests.length = 0;
  backend.alerts.length = 0;
});

function settings(extra: { unreachableAfter?: string; monitors?: string } = {}) {
  const yaml = `
api_key: ${backend.apiKey}
url: ${backend.url}
server_name: web-1
heartbeat_interval: 200ms
metrics_push_interval: 200ms
monitors:
${extra.monitors ?? "  - type: scripted\n    key: quiet\n    check_interval: 100ms"}
local_alerts:
  failures_before_alert: 2
  backend_unreachable_after: ${extra.unreachableAfter ?? "1s"}
  channels:
    - type: webhook
      url: ${sink.url}/hook
buffer:
  path: ${files.statePath}
`;
  return parseConfig(files.configPath, yaml, { plugins: testPlugins, env: {} });
}

const start = (s: ReturnType<typeof settings>) =>
  startAgent(s, {
    log: silentLogger,
    backoff: { baseMs: 50, capMs: 200 },
    alertBackoff: { baseMs: 50, capMs: 200 },
  });
const hooks = () =>
  sink.requests.filter((r) => r.path === "/hook").map((r) => JSON.parse(r.body) as Record<string, unknown>);

describe("the agent's own alerts", () => {
  it("alerts DOWN after two failed checks and RESTORED with the duration, and tells the backend", async () => {
    // ok for a second first: the page names the server id, which registration must have given
    script.set("api", { statuses: [...Array(7).fill("ok"), "down", "down", "down", "ok"] });
    agent = await start(
      settings({ monitors: "  - type: scripted\n    key: api\n    check_interval: 150ms" }),
    );
    await waitFor(() => hooks().length >= 2, 15_000, "DOWN and RESTORED");
    const [down, restored] = hooks();
    expect(down).toMatchObject({
      source: "agent",
      monitor: "scripted:api",
      event: "down",
      server: { id: backend.serverId, name: "web-1" },
    });
    expect(restored).toMatchObject({
      monitor: "scripted:api",
      event: "restored",
      incident_key: down?.incident_key,
    });
    expect(String(restored?.text)).toMatch(/restored after \d+s|restored after 0s/);
    expect(String(down?.incident_key)).toMatch(new RegExp(`^${backend.serverId}:scripted:api:\\d{4}-`));
    await waitFor(() => backend.alerts.length >= 2, 10_000, "alert reports at the backend");
    expect(backend.alerts.map((a) => [a.state, a.channels])).toEqual([
      ["down", ["webhook"]],
      ["restored", ["webhook"]],
    ]);
  });

  it("alerts when the backend has been unreachable for backend_unreachable_after, and again when it returns", async () => {
    agent = await start(settings({ unreachableAfter: "1s" }));
    await waitFor(() => backend.heartbeats.length > 0, 10_000, "a heartbeat");
    await backend.stop();
    const cut = Date.now();
    await waitFor(() => hooks().length >= 1, 10_000, "unreachable alert");
    expect(Date.now() - cut).toBeGreaterThanOrEqual(900);
    expect(hooks()[0]).toMatchObject({ monitor: "custos-backend", event: "backend_unreachable" });
    await backend.start();
    await waitFor(() => hooks().length >= 2, 10_000, "reachable-again alert");
    expect(hooks()[1]).toMatchObject({
      monitor: "custos-backend",
      event: "restored",
      incident_key: hooks()[0]?.incident_key,
    });
    expect(String(hooks()[1]?.text)).toMatch(/restored after \d+s/);
    await waitFor(() => backend.alerts.length >= 2, 10_000, "reports of both");
    expect(backend.alerts.map((a) => a.state)).toEqual(["backend_unreachable", "restored"]);
  });

  it("pages on its own channel when heartbeat answers say the backend's schedule stopped, once, and when it runs again", async () => {
    agent = await start(settings({ unreachableAfter: "1s" }));
    await waitFor(() => backend.heartbeats.length > 0, 10_000, "a heartbeat");
    backend.scheduleStale = { jobs: ["sweep", "dispatch"], sweep_last_run_at: "2026-12-05T07:00:00.000Z" };
    const said = Date.now();
    const [notPaging] = await waitFor(
      () => (hooks().length >= 1 ? hooks() : undefined),
      10_000,
      "the not-paging alert",
    );
    expect(Date.now() - said).toBeGreaterThanOrEqual(900);
    expect(notPaging).toMatchObject({
      monitor: "custos-backend-schedule",
      event: "backend_unreachable",
      title: "Custos backend is not paging (seen from web-1)",
      ack_url: null,
    });
    expect(String(notPaging?.text)).toContain(
      "its sweep and dispatch jobs have not run for several intervals; its sweep last ran at 2026-12-05T07:00:00.000Z",
    );
    // heartbeats keep saying so: still one page
    const beats = backend.heartbeats.length;
    await waitFor(() => backend.heartbeats.length >= beats + 3, 10_000, "three more heartbeats");
    expect(hooks()).toHaveLength(1);

    backend.scheduleStale = undefined;
    await waitFor(() => hooks().length >= 2, 10_000, "the paging-again alert");
    expect(hooks()[1]).toMatchObject({
      monitor: "custos-backend-schedule",
      event: "restored",
      incident_key: notPaging?.incident_key,
      title: "Custos backend is paging again (seen from web-1)",
    });
    // the link itself was fine throughout: no unreachable alert
    expect(hooks().filter((h) => h.monitor === "custos-backend")).toEqual([]);
  });

  it("does not page when the backend's schedule is stale for less than backend_unreachable_after", async () => {
    agent = await start(settings({ unreachableAfter: "5s" }));
    await waitFor(() => backend.heartbeats.length > 0, 10_000, "a heartbeat");
    backend.scheduleStale = { jobs: ["dispatch"], sweep_last_run_at: null };
    const beats = backend.heartbeats.length;
    await waitFor(() => backend.heartbeats.length >= beats + 5, 10_000, "five stale answers");
    backend.scheduleStale = undefined;
    const after = backend.heartbeats.length;
    await waitFor(() => backend.heartbeats.length >= after + 3, 10_000, "three fresh answers");
    expect(hooks()).toEqual([]);
  });

  it("runs on its own without url: collects, pages DOWN on its own channel, and contacts no backend", async () => {
    script.set("solo", { statuses: ["down"] });
    const yaml = `
api_key: ${backend.apiKey}
server_name: solo-1
monitors:
  - type: scripted
    key: solo
    check_interval: 100ms
local_alerts:
  failures_before_alert: 2
  backend_unreachable_after: 200ms
  channels:
    - type: webhook
      url: ${sink.url}/hook
buffer:
  path: ${files.statePath}
`;
    // the fake backend logs a request when it answers: one the previous test's agent sent just
    // before it stopped (its 200-ms beats) can be logged a moment later; wait for that first
    await new Promise((r) => setTimeout(r, 500));
    const requestsBefore = backend.requests.length;
    agent = await start(parseConfig(files.configPath, yaml, { plugins: testPlugins, env: {} }));
    await waitFor(() => hooks().some((h) => h.event === "down"), 10_000, "the local DOWN page");
    expect(hooks()[0]).toMatchObject({
      monitor: "scripted:solo",
      event: "down",
      server: { name: "solo-1" },
      ack_url: null,
    });
    // well past backend_unreachable_after: no backend is no outage
    await new Promise((r) => setTimeout(r, 1_000));
    expect(hooks().filter((h) => h.monitor === "custos-backend")).toEqual([]);
    expect(backend.requests.length).toBe(requestsBefore);
    script.delete("solo");
  });

  it("does not alert at start, and a restart during an outage already alerted does not alert again", async () => {
    await backend.stop();
    agent = await start(settings({ unreachableAfter: "1500ms" }));
    await new Promise((r) => setTimeout(r, 1_000));
    expect(hooks()).toHaveLength(0);
    await waitFor(() => hooks().length === 1, 10_000, "the one unreachable alert");

    await agent.stop();
    agent = await start(settings({ unreachableAfter: "1500ms" }));
    await new Promise((r) => setTimeout(r, 2_500));
    expect(hooks()).toHaveLength(1);
  });
});
