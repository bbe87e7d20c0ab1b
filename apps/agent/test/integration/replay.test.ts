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

  it("keeps collecting while the server is down and then delivers every sample exactly once, in order", async () => {
    files.write(`
api_key: ${backend.apiKey}
url: ${backend.url}
server_name: replay-test
heartbeat_interval: 1s
metrics_push_interval: 300ms
monitors:
  - type: agent
    check_interval: 100ms
buffer:
  path: ${files.statePath}
`);
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
        () => agent.store.outbox.depth().items.metrics >= 5 * 20,
        30_000,
        "20 collections buffered",
      );
      const buffered = agent.store.outbox.depth().items.metrics;
      expect(buffered).toBeGreaterThanOrEqual(100);

      // 3. the server comes back: the buffer drains
      await backend.server.start();
      await waitFor(
        () => agent.store.outbox.depth().items.metrics === 0 && agent.store.outbox.depth().items.checks === 0,
        60_000,
        "buffer drained",
      );
      // what was buffered during the outage is at the server now
      expect((await backend.samples(COUNTER)).length).toBeGreaterThanOrEqual(storedBefore + buffered / 5);
    } finally {
      await agent.stop();
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
