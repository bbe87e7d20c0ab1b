/**
 * `kill -9` of the agent process in the middle of a push, against a real custos-server: the
 * batch the server stored but the agent never heard about is sent again with the same id after
 * the restart, acknowledged as a replay, and nothing is lost or stored twice.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/store.ts";
import { agentDir, waitFor } from "../helpers/agent-files.ts";
import { type AgentProcess, spawnAgent } from "../helpers/agent-process.ts";
import { type HoldingProxy, startHoldingProxy } from "../helpers/holding-proxy.ts";
import { type RealBackend, startRealBackend } from "../helpers/real-backend.ts";

const COUNTER = "agent_collections_total";

function pendingItems(statePath: string): number {
  const store = openStore(statePath, { readonly: true });
  try {
    const depth = store.outbox.depth();
    return depth.items.metrics + depth.items.checks;
  } finally {
    store.close();
  }
}

/** What still waits in the buffer (a stop may follow a collection): payloads of one kind. */
function buffered(statePath: string, kind: "metrics" | "checks"): Record<string, unknown>[] {
  const store = openStore(statePath, { readonly: true });
  try {
    return store.db
      .prepare<[string], { payload: string }>("select payload from outbox where kind = ? order by seq")
      .all(kind)
      .map((row) => JSON.parse(row.payload) as Record<string, unknown>);
  } finally {
    store.close();
  }
}

function collectionsMade(statePath: string): number {
  const store = openStore(statePath, { readonly: true });
  try {
    return store.pluginState.get<number>("agent", "collections_total") ?? 0;
  } finally {
    store.close();
  }
}

describe("kill -9 of the agent mid-push (real custos-server, agent as a child process)", () => {
  let backend: RealBackend;
  let proxy: HoldingProxy;
  const files = agentDir();
  let agent: AgentProcess | undefined;

  beforeAll(async () => {
    backend = await startRealBackend("kill9");
    proxy = await startHoldingProxy(backend.url);
    files.write(`
api_key: ${backend.apiKey}
url: ${proxy.url}
server_name: kill9-test
heartbeat_interval: 2s
metrics_push_interval: 200ms
monitors:
  - type: agent
    check_interval: 100ms
buffer:
  path: ${files.statePath}
`);
  });
  afterAll(async () => {
    await agent?.kill9();
    await proxy?.close();
    await backend?.close();
    files.remove();
  });

  // five agent processes start one after the other: about 50 s on a loaded 2-core machine
  it("loses nothing and duplicates nothing when killed after the server stored a batch but before the agent saw the answer", {
    timeout: 180_000,
  }, async () => {
    for (let round = 0; round < 3; round++) {
      agent = spawnAgent(["run", "--config", files.configPath]);
      // hold the answer to the next push that stored a batch, then kill the agent while it waits
      // (the combined push, decision 0036: every kind's batch in one request)
      const held = await proxy.holdNext("/agent/push", '"stored":true');
      expect(held.body).toContain('"stored":true');
      await agent.kill9();
      proxy.release();
    }

    // a last run drains the buffer, replaying the batches whose answers were lost
    agent = spawnAgent(["run", "--config", files.configPath]);
    await waitFor(
      async () => {
        const replays = proxy.exchanges.filter(
          (e) => e.path.endsWith("/agent/push") && e.body.includes('"stored":false'),
        );
        return replays.length >= 3 && (await backend.samples(COUNTER)).length >= 30;
      },
      60_000,
      "the three held batches replayed",
    );
    const exitCode = await agent.stop();
    agent = undefined;
    expect(exitCode).toBe(0);

    // after a clean stop, push what is left with one more short run
    agent = spawnAgent(["run", "--config", files.configPath]);
    await waitFor(() => pendingItems(files.statePath) === 0, 30_000, "buffer empty");
    await agent.stop();
    agent = undefined;

    const made = collectionsMade(files.statePath);
    const counter = (await backend.samples(COUNTER)).map((s) => s.value);
    // the stopping process may have made a collection after the buffer was seen empty: it waits
    // in the buffer for the next start, which is store and forward, not a loss
    const waiting = buffered(files.statePath, "metrics")
      .filter((sample) => sample.name === COUNTER)
      .map((sample) => sample.value as number);
    const waitingChecks = buffered(files.statePath, "checks").filter((c) => c.monitor === "agent").length;
    expect(made).toBeGreaterThan(10);
    expect(waiting.length).toBeLessThanOrEqual(2);
    // every collection made by any of the five processes arrived once, in order, or still waits
    expect([...counter, ...waiting]).toEqual(Array.from({ length: made }, (_, i) => i + 1));
    expect((await backend.checks("agent")).length + waitingChecks).toBe(made);
    // the killed runs really left batches the server had stored: they came back as replays
    const replays = proxy.exchanges.filter(
      (e) => e.path.endsWith("/agent/push") && e.body.includes('"stored":false'),
    );
    expect(replays.length).toBeGreaterThanOrEqual(3);
  });
});
