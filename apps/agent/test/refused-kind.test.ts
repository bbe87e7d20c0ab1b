/**
 * The agent's queue cannot be poisoned: a running agent (in process, the real `agent`
 * monitor, a real state database) against a loopback backend that refuses one kind of batch.
 * Samples keep their push interval whatever happens to check results; what `custos-agent
 * status` shows is read by the real CLI from the state database while the agent runs.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/load.ts";
import { silentLogger } from "../src/log.ts";
import { plugins } from "../src/plugins/registry.ts";
import { BackendClient } from "../src/push/client.ts";
import { register } from "../src/push/register.ts";
import { type RunningAgent, startAgent } from "../src/runtime.ts";
import type { AgentStatus } from "../src/status/read.ts";
import { KV } from "../src/store/kv.ts";
import { openStore } from "../src/store/store.ts";
import type { BackoffOptions } from "../src/util/backoff.ts";
import { type AgentDir, agentDir, waitFor } from "./helpers/agent-files.ts";
import { runAgentCommand } from "./helpers/agent-process.ts";
import { type FakeBackend, startFakeBackend } from "./helpers/fake-backend.ts";

const COUNTER = "agent_collections_total";
const PUSH_INTERVAL_MS = 300;

let backend: FakeBackend;
let files: AgentDir;
let agent: RunningAgent | undefined;

beforeAll(async () => {
  backend = await startFakeBackend();
});
afterAll(async () => {
  await backend.close();
});
beforeEach(() => {
  files = agentDir("custos-refused-");
});
afterEach(async () => {
  await agent?.stop();
  agent = undefined;
  files.remove();
  await backend.start().catch(() => undefined);
  backend.mode = "ok";
  backend.modes = {};
  for (const list of [backend.samples, backend.checks, backend.requests, backend.heartbeats]) list.length = 0;
});

async function start(backoff: BackoffOptions, heartbeatInterval = "1s") {
  files.write(`
api_key: ${backend.apiKey}
url: ${backend.url}
server_name: refused-kind
heartbeat_interval: ${heartbeatInterval}
metrics_push_interval: ${PUSH_INTERVAL_MS}ms
monitors:
  - type: agent
    check_interval: 100ms
buffer:
  path: ${files.statePath}
`);
  const settings = loadConfig(files.configPath, { plugins, env: {} });
  agent = await startAgent(settings, { log: silentLogger, backoff });
  return agent;
}

async function status(): Promise<AgentStatus> {
  const { code, stdout, stderr } = await runAgentCommand(["status", "--config", files.configPath, "--json"]);
  expect(code, stderr).toBe(0);
  return JSON.parse(stdout) as AgentStatus;
}

/** Gaps between the backend's answers to one route, from the `since` time on. */
function gaps(endpoint: string, since: number, status?: number): number[] {
  const times = backend.requests
    .filter((r) => r.endpoint === endpoint && r.at >= since && (status === undefined || r.status === status))
    .map((r) => r.at);
  return times.slice(1).map((t, i) => t - (times[i] ?? t));
}

/** The middle gap: the pace, whatever a stall of this shared machine did to one of them. */
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Infinity;

const counterValues = () => backend.samples.filter((s) => s.name === COUNTER).map((s) => s.value);

describe("a backend that refuses one kind of batch", () => {
  it("gets samples at the normal push interval while every check results batch is refused as invalid (400), and status shows the refused batches set aside", async () => {
    backend.modes.checks = "invalid";
    await start({ baseMs: 100, capMs: 1_000 });
    await waitFor(() => counterValues().length >= 5, 15_000, "first samples");
    const from = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    // samples went out all along, at about the push interval
    const metricGaps = gaps("metrics", from, 200);
    expect(metricGaps.length).toBeGreaterThanOrEqual(5);
    expect(median(metricGaps)).toBeLessThan(PUSH_INTERVAL_MS * 2);
    const values = counterValues();
    expect(values).toEqual(Array.from({ length: values.length }, (_, i) => i + 1));
    // every check results batch was refused, and none of them is waiting to be resent
    expect(backend.checks).toHaveLength(0);
    const refused = backend.requests.filter((r) => r.endpoint === "checks");
    expect(refused.every((r) => r.status === 400)).toBe(true);
    expect(new Set(refused.map((r) => r.batchId)).size).toBe(refused.length);

    const shown = await status();
    expect(shown.rejected.by_kind.checks).toMatchObject({
      last: { status: 400, code: "VALIDATION", message: "refused for the test", field: "results.0" },
    });
    expect(shown.rejected.by_kind.checks.batches).toBeGreaterThanOrEqual(2);
    expect(shown.rejected.by_kind.checks.kept).toBe(shown.rejected.by_kind.checks.batches);
    expect(shown.rejected.by_kind.metrics.batches).toBe(0);
    expect(shown.buffer.pending_checks).toBeLessThan(20);
    expect(shown.push.metrics.failing_since).toBeNull();

    const human = await runAgentCommand(["status", "--config", files.configPath]);
    expect(human.stdout).toMatch(
      /^rejected {8}\d+ batch(es)? \(\d+ items?\) refused by the backend and set aside/m,
    );
    expect(human.stdout).toMatch(
      /^ {2}checks +\d+ batch(es)? .*HTTP 400 VALIDATION: refused for the test at results\.0$/m,
    );

    // the backend hears of the refused items through the heartbeat's rejected_items
    await waitFor(
      () => backend.heartbeats.reduce((sum, h) => sum + (h.rejected_items ?? 0), 0) > 0,
      5_000,
      "a heartbeat reporting the refused items",
    );
  });

  it("retries check results answered 500 with growing delays while samples keep flowing, and once the backend heals delivers every result in order, once", async () => {
    backend.modes.checks = "unavailable";
    const replays = backend.replays;
    // the top of each jitter range: 250, 250, 400, 800, 1600 ms
    await start({ baseMs: 100, capMs: 1_600, random: () => 1 });
    const from = Date.now();
    await waitFor(
      () => backend.requests.filter((r) => r.endpoint === "checks").length >= 5,
      15_000,
      "five refused check batches",
    );
    const retryGaps = gaps("checks", from, 503);
    expect(retryGaps.length).toBeGreaterThanOrEqual(4);
    expect(retryGaps[3] ?? 0).toBeGreaterThan((retryGaps[0] ?? 0) * 2);
    // meanwhile samples went out at their own pace
    const metricGaps = gaps("metrics", from, 200);
    expect(metricGaps.length).toBeGreaterThanOrEqual(5);
    expect(median(metricGaps)).toBeLessThan(PUSH_INTERVAL_MS * 2);

    const failing = await status();
    expect(failing.push.checks).toMatchObject({ last_error: expect.stringContaining("HTTP 503") });
    expect(failing.push.checks.attempts).toBeGreaterThanOrEqual(3);
    expect(failing.push.metrics.failing_since).toBeNull();
    expect(failing.rejected.batches).toBe(0);

    backend.modes = {};
    const running = agent as RunningAgent;
    await waitFor(
      () => backend.checks.length > 0 && running.store.outbox.depth().items.checks < 5,
      10_000,
      "drained",
    );
    await running.stop();
    agent = undefined;

    // nothing lost, nothing twice: the counter values and the ok check results at the backend and
    // still buffered are one per collection. Sets, because a batch in flight when the agent
    // stopped can be at the backend and still buffered (its resend is a replay). A run past its
    // deadline, which a loaded machine can cause, reports down and stores no counter value.
    const store = openStore(files.statePath, { readonly: true });
    let pending: (kind: string) => { name?: string; value?: number; status?: string; ts?: number }[];
    let pendingChecks: ReturnType<typeof pending>;
    let pendingSamples: ReturnType<typeof pending>;
    try {
      pending = (kind) =>
        store.db
          .prepare<[string], { payload: string }>("select payload from outbox where kind = ? order by seq")
          .all(kind)
          .map((r) => JSON.parse(r.payload));
      pendingChecks = pending("checks");
      pendingSamples = pending("metrics");
    } finally {
      store.close();
    }
    const collections = new Set([
      ...counterValues(),
      ...pendingSamples.filter((s) => s.name === COUNTER).map((s) => s.value),
    ]);
    expect([...collections].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
      Array.from({ length: collections.size }, (_, i) => i + 1),
    );
    const okChecks = new Set([
      ...backend.checks.filter((c) => c.status === "ok").map((c) => c.ts),
      ...pendingChecks.filter((c) => c.status === "ok").map((c) => new Date(c.ts ?? 0).getTime()),
    ]);
    expect(okChecks.size).toBe(collections.size);
    const times = backend.checks.map((c) => c.ts);
    for (let i = 1; i < times.length; i++) expect(times[i] ?? 0).toBeGreaterThan(times[i - 1] ?? 0);
    expect(backend.replays).toBe(replays);
  });

  it("sends what it buffered during a network outage as soon as a heartbeat gets through, not after the upload backoff", async () => {
    // registered beforehand, so the start does not wait for registration
    const setup = openStore(files.statePath);
    const client = new BackendClient({ url: backend.url, apiKey: backend.apiKey });
    const registered = await register(client, setup, {
      url: backend.url,
      apiKey: backend.apiKey,
      serverName: "refused-kind",
    });
    setup.close();
    expect(registered.ok).toBe(true);

    await backend.stop();
    // a failed upload waits 30 s; the heartbeat comes every 500 ms
    const running = await start({ baseMs: 30_000, capMs: 30_000, random: () => 1 }, "500ms");
    await waitFor(
      () => running.store.kv.getJson<Record<string, unknown>>(KV.pushFailing)?.metrics,
      10_000,
      "a failed upload of samples",
    );
    await backend.start();
    const back = Date.now();
    await waitFor(() => counterValues().length > 0, 10_000, "samples after the backend returned");
    expect(Date.now() - back).toBeLessThan(5_000);
    expect(backend.heartbeats.length).toBeGreaterThan(0);
  });
});
