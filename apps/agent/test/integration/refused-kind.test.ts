/**
 * A poisoned queue against a real custos-server: a proxy in front of it refuses every check results
 * batch with 400, as a backend would refuse a batch it can never accept. Samples must keep
 * arriving in PostgreSQL, and once the proxy forwards again, new check results arrive too.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.ts";
import { silentLogger } from "../../src/log.ts";
import { plugins } from "../../src/plugins/registry.ts";
import { startAgent } from "../../src/runtime.ts";
import { openStore } from "../../src/store/store.ts";
import { agentDir, waitFor } from "../helpers/agent-files.ts";
import { type HoldingProxy, startHoldingProxy } from "../helpers/holding-proxy.ts";
import { type RealBackend, startRealBackend } from "../helpers/real-backend.ts";

const COUNTER = "agent_collections_total";

describe("a real custos-server behind a proxy that refuses check results", () => {
  let backend: RealBackend;
  let proxy: HoldingProxy;
  const files = agentDir();

  beforeAll(async () => {
    backend = await startRealBackend("refused-kind");
    proxy = await startHoldingProxy(backend.url);
  });
  afterAll(async () => {
    await proxy?.close();
    await backend?.close();
    files.remove();
  });

  it("keeps storing samples in PostgreSQL while every check results batch is refused (400), sets the refused ones aside, and stores new results once they are accepted again", async () => {
    // a backend without the combined push (decision 0036): the agent uses the single-kind
    // routes, where one of them can refuse (the combined push's per-kind refusals: combined-push.test.ts)
    proxy.refuse("/agent/push", 404, {
      error: { code: "NOT_FOUND", message: "no route for POST /api/agent/push" },
    });
    proxy.refuse("/agent/checks", 400, {
      error: { code: "VALIDATION", message: "refused by the test proxy", field: "results.0" },
    });
    files.write(`
api_key: ${backend.apiKey}
url: ${proxy.url}
server_name: refused-kind
heartbeat_interval: 1s
metrics_push_interval: 300ms
monitors:
  - type: agent
    check_interval: 100ms
buffer:
  path: ${files.statePath}
`);
    const settings = loadConfig(files.configPath, { plugins, env: {} });
    const agent = await startAgent(settings, { log: silentLogger, backoff: { baseMs: 100, capMs: 500 } });
    try {
      // samples arrive, and keep arriving, while no check result gets through
      await waitFor(async () => (await backend.samples(COUNTER)).length >= 5, 30_000, "first samples");
      const early = (await backend.samples(COUNTER)).length;
      await waitFor(
        async () => (await backend.samples(COUNTER)).length >= early + 10,
        15_000,
        "samples still arriving",
      );
      expect(await backend.checks("agent")).toHaveLength(0);
      const refused = agent.store.rejected.summary().checks;
      expect(refused.batches).toBeGreaterThanOrEqual(2);
      expect(refused.last).toMatchObject({ status: 400, code: "VALIDATION", field: "results.0" });
      expect(
        proxy.exchanges.filter((e) => e.path.endsWith("/agent/checks") && e.status === 200),
      ).toHaveLength(0);

      // the backend accepts check results again: the next ones are stored
      proxy.forwardAll();
      proxy.refuse("/agent/push", 404, {
        error: { code: "NOT_FOUND", message: "no route for POST /api/agent/push" },
      });
      await waitFor(async () => (await backend.checks("agent")).length >= 3, 15_000, "check results stored");
    } finally {
      await agent.stop();
    }

    // every collection is accounted for: its counter value stored once, in order, and its ok
    // check result stored, set aside as refused, or still buffered. Sets, because a batch in
    // flight when the agent stopped can be stored and still buffered (its resend is a replay).
    // A run past its deadline, which a loaded machine can cause, reports down and stores no
    // counter value.
    const counter = (await backend.samples(COUNTER)).map((s) => s.value);
    expect(counter).toEqual(Array.from({ length: counter.length }, (_, i) => i + 1));
    const stored = (await backend.checks("agent"))
      .filter((c) => c.status === "ok")
      .map((c) => c.ts.getTime());
    const store = openStore(files.statePath, { readonly: true });
    try {
      type Item = { name?: string; value?: number; status?: string; ts?: number };
      const pending = (kind: string) =>
        store.db
          .prepare<[string], { payload: string }>("select payload from outbox where kind = ?")
          .all(kind)
          .map((r) => JSON.parse(r.payload) as Item);
      const setAside = store.db
        .prepare<[], { items: string }>("select items from rejected where kind = 'checks'")
        .all()
        .flatMap((r) => JSON.parse(r.items) as Item[]);
      expect(store.rejected.summary().checks.kept).toBe(store.rejected.summary().checks.batches);
      const collections = new Set([
        ...counter,
        ...pending("metrics")
          .filter((s) => s.name === COUNTER)
          .map((s) => s.value),
      ]);
      const okChecks = new Set([
        ...stored,
        ...[...setAside, ...pending("checks")]
          .filter((c) => c.status === "ok")
          .map((c) => new Date(c.ts ?? 0).getTime()),
      ]);
      expect(okChecks.size).toBe(collections.size);
      // what was set aside never reached the database
      const refusedTimes = new Set(setAside.map((c) => new Date(c.ts ?? 0).getTime()));
      expect(stored.filter((ts) => refusedTimes.has(ts))).toEqual([]);
    } finally {
      store.close();
    }
  });
});
