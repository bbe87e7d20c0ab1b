/**
 * Buffer and replay against a real custos-server: the server is stopped in the middle of a run
 * and started again; every sample arrives exactly once, in order.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.ts";
import { silentLogger } from "../../src/log.ts";
import { plugins } from "../../src/plugins/registry.ts";
import { startAgent } from "../../src/runtime.ts";
import { agentDir, waitFor } from "../helpers/agent-files.ts";
import { type RealBackend, startRealBackend } from "../helpers/real-backend.ts";

const COUNTER = "agent_collections_total";
/** Samples one run of the `agent` monitor writes (the counter among them). */
const METRICS_PER_COLLECTION = 5;

describe("buffer and replay against a real custos-server", () => {
  let backend: RealBackend;
  const files = agentDir();

  beforeAll(async () => {
    backend = await startRealBackend("replay");
  });
  afterAll(async () => {
    await backend?.close();
    files.remove();
  });

  it("keeps collecting while the server is down and then delivers every sample exactly once, in order", {
    timeout: 150_000,
  }, async () => {
    const writeConfig = (monitors: string) =>
      files.write(`
api_key: ${backend.apiKey}
url: ${backend.url}
server_name: replay-test
heartbeat_interval: 1s
metrics_push_interval: 300ms
${monitors}
buffer:
  path: ${files.statePath}
`);
    writeConfig("monitors:\n  - type: agent\n    check_interval: 100ms");
    const settings = loadConfig(files.configPath, { plugins: plugins, env: {} });
    const agent = await startAgent(settings, {
      log: silentLogger,
      backoff: { baseMs: 100, capMs: 500 },
    });
    try {
      // 1. the link works: samples arrive
      await waitFor(
        async () => (await backend.samples(COUNTER)).length >= 5,
        30_000,
        "first samples at the server",
      );

      // 2. the server goes away; the agent keeps collecting into its buffer
      await backend.server.stop();
      const storedBefore = (await backend.samples(COUNTER)).length;
      await waitFor(
        () => agent.store.outbox.depth().items.metrics >= METRICS_PER_COLLECTION * 20,
        30_000,
        "20 collections buffered",
      );
      const buffered = agent.store.outbox.depth().items.metrics;
      expect(buffered).toBeGreaterThanOrEqual(100);

      // 3. the server comes back: everything buffered before it did is delivered. (The outbox is
      // never empty for long: the agent keeps collecting every 100 ms while it drains.)
      const restartedAt = Date.now();
      await backend.server.start();
      await waitFor(
        () => {
          const oldest = agent.store.outbox.depth().oldestEnqueuedAt;
          return oldest === undefined || oldest >= restartedAt;
        },
        60_000,
        "backlog from the outage delivered",
      );
      expect((await backend.samples(COUNTER)).length).toBeGreaterThanOrEqual(storedBefore + buffered / 5);
    } finally {
      await agent.stop();
    }

    // The agent stopped mid-stream: its buffer still holds the last collections, perhaps a batch
    // the server stored but never acknowledged (stop aborts a request in flight). The same agent
    // started again, now without the `agent` monitor, delivers that tail: the server keeps each
    // batch once, so the counter at the server is every collection, exactly once.
    writeConfig(`monitors:\n  - type: http\n    url: ${backend.url}/healthz\n    check_interval: 1h`);
    const restarted = await startAgent(loadConfig(files.configPath, { plugins: plugins, env: {} }), {
      log: silentLogger,
      backoff: { baseMs: 100, capMs: 500 },
    });
    try {
      await waitFor(
        () =>
          restarted.store.outbox.depth().items.metrics === 0 &&
          restarted.store.outbox.depth().items.checks === 0,
        60_000,
        "tail delivered by the restarted agent",
      );
    } finally {
      await restarted.stop();
    }

    const counter = (await backend.samples(COUNTER)).map((s) => s.value);
    const collected = counter.length;
    expect(collected).toBeGreaterThan(25);
    // exactly once: 1, 2, 3, ... N with no gap and no repeat
    expect(counter).toEqual(Array.from({ length: collected }, (_, i) => i + 1));
    // in order: timestamps strictly increase with the counter
    const rows = await backend.samples(COUNTER);
    for (let i = 1; i < rows.length; i++) {
      expect((rows[i]?.ts.getTime() ?? 0) > (rows[i - 1]?.ts.getTime() ?? 0)).toBe(true);
    }
    // one check result per collection, also exactly once
    expect((await backend.checks("agent")).length).toBe(collected);
  });
});
