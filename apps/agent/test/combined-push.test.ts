/**
 * The combined push (decision 0036) against the fake backend: what one push carries, how a
 * backlog drains behind a prompt heartbeat, what each refusal does to which kind, the fallback
 * to the single-kind routes of an older backend, and in the running agent the cadence (one
 * request a beat) and the prompt push after a check changed state.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { type AddressInfo, createServer as createTcpServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../src/config/load.ts";
import { silentLogger } from "../src/log.ts";
import { BackendClient } from "../src/push/client.ts";
import { CombinedPush, LEGACY_RETRY_MS, SMALL_PUSH_PAYLOAD_BYTES } from "../src/push/combined.ts";
import { Heartbeat } from "../src/push/heartbeat.ts";
import { BackendLink } from "../src/push/link.ts";
import { Pusher } from "../src/push/pusher.ts";
import { type RunningAgent, startAgent } from "../src/runtime.ts";
import { KV } from "../src/store/kv.ts";
import { openStore, type Store } from "../src/store/store.ts";
import { agentDir, waitFor } from "./helpers/agent-files.ts";
import { type FakeBackend, startFakeBackend } from "./helpers/fake-backend.ts";
import { pushStack } from "./helpers/push-stack.ts";
import { calls, script, testPlugins } from "./helpers/test-plugins.ts";

let backend: FakeBackend;
const dir = mkdtempSync(join(tmpdir(), "custos-combined-"));
let store: Store | undefined;
let counter = 0;
let skew = 0;

beforeAll(async () => {
  backend = await startFakeBackend();
});
afterAll(async () => {
  await backend.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  store?.close();
  store = undefined;
  backend.combined = true;
  backend.mode = "ok";
  backend.modes = {};
  backend.refusedHeartbeatFields = [];
  backend.maxItemsPerBatch = Number.MAX_SAFE_INTEGER;
  backend.ackDelayMs = 0;
  skew = 0;
  backend.samples.length = 0;
  backend.checks.length = 0;
  backend.alerts.length = 0;
  backend.requests.length = 0;
  backend.heartbeats.length = 0;
});

function setup(options: { timeoutMs?: number } = {}) {
  backend.combined = true;
  const s = openStore(join(dir, `combined-${counter++}.db`));
  store = s;
  const { combined } = pushStack(s, backend, {
    timeoutMs: options.timeoutMs ?? 5_000,
    now: () => Date.now() + skew,
  });
  return { store: s, combined };
}

function enqueueSamples(s: Store, from: number, count: number, bytesEach = 0) {
  const now = Date.now();
  const pad = "x".repeat(bytesEach);
  s.transaction(() =>
    s.outbox.enqueue(
      "metrics",
      Array.from({ length: count }, (_, i) =>
        JSON.stringify({
          ts: now - 60_000 + Math.floor((from + i) / 10) * 1000,
          name: "seq",
          labels: { n: String((from + i) % 10), ...(bytesEach ? { pad } : {}) },
          value: from + i,
        }),
      ),
      now,
    ),
  );
}
function enqueueChecks(s: Store, statuses: string[]) {
  const now = Date.now();
  s.transaction(() =>
    s.outbox.enqueue(
      "checks",
      statuses.map((status, i) => JSON.stringify({ monitor: `http:m${i}`, type: "http", status, ts: now })),
      now,
    ),
  );
}
function enqueueAlert(s: Store) {
  const now = Date.now();
  const report = {
    incident_key: `${backend.serverId}:http:m0:${new Date(now).toISOString()}`,
    monitor: "http:m0",
    state: "down",
    started_at: new Date(now).toISOString(),
    sent_at: new Date(now).toISOString(),
    channels: ["webhook"],
    destinations: [],
  };
  s.transaction(() => s.outbox.enqueue("alerts", [JSON.stringify(report)], now));
}
const pending = (s: Store) => s.outbox.depth().items;
const pushes = () => backend.requests.filter((r) => r.endpoint === "push");

describe("combined push", () => {
  it("carries the heartbeat, an alert report, check results and samples in one gzip request, and deletes them once acknowledged", async () => {
    const { store: s, combined } = setup();
    enqueueSamples(s, 0, 40);
    enqueueChecks(s, ["ok", "down"]);
    enqueueAlert(s);
    const result = await combined.run(undefined, { beat: true });
    expect(result).toMatchObject({ legacy: false, sent: 3, beat: { kind: "ok" } });
    expect(backend.requests).toEqual([
      expect.objectContaining({
        endpoint: "push",
        status: 200,
        gzip: true,
        heartbeat: true,
        kinds: ["alerts", "checks", "metrics"],
      }),
    ]);
    expect(backend.samples.map((x) => x.value)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(backend.samples[3]).toMatchObject({ name: "seq", labels: { n: "3" } });
    expect(backend.checks.map((c) => c.status)).toEqual(["ok", "down"]);
    expect(backend.alerts).toHaveLength(1);
    expect(backend.heartbeats).toHaveLength(1);
    expect(pending(s)).toEqual({ metrics: 0, checks: 0, alerts: 0, events: 0 });
    expect(s.kv.getNumber(KV.lastHeartbeatAt)).toBeGreaterThan(Date.now() - 5_000);
  });

  it("sends the heartbeat first in a small request and drains a backlog in bounded follow-ups without one", async () => {
    const { store: s, combined } = setup();
    enqueueChecks(s, ["down"]);
    enqueueSamples(s, 0, 12_000, 40); // ~1 MB: three outbox batches, far over the small-push budget
    const result = await combined.run(undefined, { beat: true });
    expect(result.beat?.kind).toBe("ok");
    const sent = pushes();
    expect(sent[0]).toMatchObject({ heartbeat: true, kinds: ["checks"] });
    expect(sent[0]?.bytes).toBeLessThan(SMALL_PUSH_PAYLOAD_BYTES);
    expect(sent.slice(1).map((r) => [r.heartbeat, r.kinds])).toEqual([
      [false, ["metrics"]],
      [false, ["metrics"]],
      [false, ["metrics"]],
    ]);
    expect(backend.samples.map((x) => x.value)).toEqual(Array.from({ length: 12_000 }, (_, i) => i));
    expect(pending(s).metrics).toBe(0);
  });

  it("stores a batch once when its acknowledgement was lost and the push is sent again with the same ids", async () => {
    const { store: s, combined } = setup({ timeoutMs: 300 });
    enqueueSamples(s, 0, 5);
    backend.ackDelayMs = 1_000; // stored, then the answer comes after the agent gave up
    const first = await combined.run(undefined, { beat: true });
    expect(first.beat?.kind).toBe("retry");
    expect(pending(s).metrics).toBe(5);
    backend.ackDelayMs = 0;
    skew = 2_000; // past the kind's backoff
    await combined.run(undefined, { beat: true });
    expect(pending(s).metrics).toBe(0);
    expect(backend.samples).toHaveLength(5);
    expect(backend.replays).toBeGreaterThan(0);
    // the first push is logged when its late answer goes: wait, or it lands in the next test's log
    await waitFor(() => pushes().length >= 2, 5_000, "the late answer logged");
  });

  it("sets aside the batch of the kind a 400 names and sends the other parts again at once", async () => {
    const { store: s, combined } = setup();
    enqueueSamples(s, 0, 3);
    enqueueChecks(s, ["ok"]);
    backend.modes = { checks: "invalid" };
    await combined.run(undefined, { beat: true });
    expect(pushes().map((r) => [r.status, r.kinds])).toEqual([
      [400, ["checks", "metrics"]],
      [200, ["metrics"]],
    ]);
    expect(backend.samples).toHaveLength(3);
    expect(backend.heartbeats).toHaveLength(1);
    expect(s.rejected.summary().checks).toMatchObject({ batches: 1, items: 1 });
    expect(s.rejected.summary().metrics).toMatchObject({ batches: 0 });
    expect(pending(s)).toEqual({ metrics: 0, checks: 0, alerts: 0, events: 0 });
  });

  it("drops heartbeat fields the backend refuses and beats with those every backend knows", async () => {
    const { store: s, combined } = setup();
    s.kv.set(KV.rejectedUnreported, 4);
    s.kv.set(KV.droppedSamples, 1);
    backend.refusedHeartbeatFields = ["rejected_items"];
    const result = await combined.run(undefined, { beat: true });
    expect(result.beat?.kind).toBe("ok");
    expect(backend.heartbeats).toHaveLength(1);
    expect(backend.heartbeats[0]).toMatchObject({ dropped_samples: 5 });
    expect(backend.heartbeats[0]?.rejected_items).toBeUndefined();
  });

  it("keeps the data of a server awaiting approval while its heartbeat is taken", async () => {
    const { store: s, combined } = setup();
    enqueueSamples(s, 0, 3);
    backend.mode = "pending_approval";
    const result = await combined.run(undefined, { beat: true });
    expect(result.beat?.kind).toBe("ok");
    expect(backend.heartbeats).toHaveLength(1);
    expect(pending(s).metrics).toBe(3);
    expect(result.dataDueInMs).toBeGreaterThan(0);
    backend.mode = "ok";
    skew = 120_000; // past the approval pause
    await combined.run(undefined, { beat: false });
    expect(pending(s).metrics).toBe(0);
  });

  it("backs off only the kind the backend failed inside a 2xx, with the heartbeat and the other kinds taken", async () => {
    const { store: s, combined } = setup();
    enqueueSamples(s, 0, 3);
    enqueueChecks(s, ["ok"]);
    backend.modes = { metrics: "unavailable" };
    const result = await combined.run(undefined, { beat: true });
    expect(result.beat?.kind).toBe("ok");
    expect(backend.heartbeats).toHaveLength(1);
    expect(pending(s)).toEqual({ metrics: 3, checks: 0, alerts: 0, events: 0 });
    expect(result.dataDueInMs).toBeGreaterThan(0);
    expect(s.kv.get(KV.backendFailingSince)).toBeUndefined();
    backend.modes = {};
    skew = 5_000; // past the kind's backoff
    await combined.run(undefined, { beat: false });
    expect(pending(s).metrics).toBe(0);
  });

  it("sends one batch per push after a 413 for several, and splits a single batch still too large", async () => {
    const { store: s, combined } = setup();
    enqueueSamples(s, 0, 8);
    enqueueChecks(s, ["ok", "ok"]);
    backend.maxItemsPerBatch = 4;
    await combined.run(undefined, { beat: false });
    expect(backend.samples.map((x) => x.value).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(backend.checks).toHaveLength(2);
    expect(pushes()[0]).toMatchObject({ status: 413, kinds: ["checks", "metrics"] });
    expect(pending(s)).toEqual({ metrics: 0, checks: 0, alerts: 0, events: 0 });
  });

  it("keeps every row and backs the kinds off while the backend is down", async () => {
    const { store: s, combined } = setup();
    enqueueSamples(s, 0, 3);
    backend.mode = "unavailable";
    const result = await combined.run(undefined, { beat: true });
    expect(result.beat?.kind).toBe("retry");
    expect(result.dataDueInMs).toBeGreaterThan(0);
    expect(pending(s).metrics).toBe(3);
    expect(pushes().map((r) => r.status)).toEqual([503]);
  });

  it("falls back to the single-kind routes when the backend answers 404 without a field, and asks again an hour later", async () => {
    const { store: s, combined } = setup();
    backend.combined = false;
    enqueueSamples(s, 0, 3);
    const result = await combined.run(undefined, { beat: true });
    expect(result.legacy).toBe(true);
    expect(combined.legacy).toBe(true);
    expect(pending(s).metrics).toBe(3);
    expect(combined.legacyRemainingMs()).toBeGreaterThan(LEGACY_RETRY_MS - 5_000);
    skew = LEGACY_RETRY_MS + 1;
    expect(combined.legacy).toBe(false);
  });

  it("treats a 404 naming server_id as a failure to retry, not as an older backend", async () => {
    const { store: s } = setup();
    const client = new BackendClient({ url: backend.url, apiKey: backend.apiKey });
    const link = new BackendLink({
      store: s,
      engine: undefined,
      unreachableAfterMs: 60_000,
      processStartedAt: 0,
      log: silentLogger,
    });
    const serverId = () => "00000000-0000-4000-8000-000000000000";
    const combined = new CombinedPush({
      store: s,
      client,
      link,
      pusher: new Pusher({ store: s, client, link, serverId, log: silentLogger }),
      heartbeat: new Heartbeat({ store: s, client, link, serverId, log: silentLogger }),
      serverId,
      log: silentLogger,
    });
    const result = await combined.run(undefined, { beat: true });
    expect(result.legacy).toBe(false);
    expect(result.beat).toMatchObject({ kind: "retry", status: 404 });
    expect(combined.legacy).toBe(false);
  });
});

describe("a push on a connection that never answers", () => {
  /** A TCP server that accepts and never answers: a kept-alive connection that died silently. */
  async function blackHole() {
    const sockets = new Set<Socket>();
    const server = createTcpServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      connections: () => sockets.size,
      close: async () => {
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  }

  it("gives up on a beat or a small push after the beat timeout, and on a large push after the client's", async () => {
    const hole = await blackHole();
    const target = { url: hole.url, apiKey: backend.apiKey, serverId: backend.serverId };
    // "small" below 1 KB of JSON here, so 400 samples (3 KB compact) make a large push
    const options = { timeoutMs: 2_000, beatTimeoutMs: 300, smallPushBytes: 1_000 };
    const stack = () => {
      store?.close();
      store = openStore(join(dir, `combined-${counter++}.db`));
      return { s: store, ...pushStack(store, target, options) };
    };
    const took = async (run: () => Promise<unknown>) => {
      const started = Date.now();
      await run();
      return Date.now() - started;
    };
    try {
      const { combined, heartbeat } = stack();
      let beat: unknown;
      expect(await took(async () => ({ beat } = await combined.run(undefined, { beat: true })))).toBeLessThan(
        1_500,
      );
      expect(beat).toMatchObject({ kind: "retry", unreachable: true, message: "no answer within 0.3s" });
      // the single-kind route of an older backend: the same beat timeout
      expect(
        await took(async () => expect(await heartbeat.beat()).toMatchObject({ kind: "retry" })),
      ).toBeLessThan(1_500);

      // a few samples: a push as small as one riding with a beat, which holds up the next beat
      const few = stack();
      enqueueSamples(few.s, 0, 5);
      expect(await took(() => few.combined.run(undefined, { beat: false }))).toBeLessThan(1_500);

      // a backlog past the small size: the client's timeout (a large batch on a slow uplink)
      const backlog = stack();
      enqueueSamples(backlog.s, 0, 400);
      expect(await took(() => backlog.combined.run(undefined, { beat: false }))).toBeGreaterThanOrEqual(
        1_900,
      );
      // no attempt reused the connection of one that timed out
      expect(hole.connections()).toBe(4);
    } finally {
      await hole.close();
    }
  });
});

describe("the running agent on a backend with the combined push", () => {
  let agent: RunningAgent | undefined;
  afterEach(async () => {
    await agent?.stop();
    agent = undefined;
    script.clear();
    calls.clear();
  });

  function settings(files: ReturnType<typeof agentDir>, heartbeat: string) {
    const yaml = `
api_key: ${backend.apiKey}
url: ${backend.url}
server_name: web-1
heartbeat_interval: ${heartbeat}
monitors:
  - type: scripted
    key: api
    check_interval: 200ms
buffer:
  path: ${files.statePath}
`;
    return parseConfig(files.configPath, yaml, { plugins: testPlugins, env: {} });
  }

  it("beats at start, not one interval later", async () => {
    backend.combined = true;
    const files = agentDir();
    try {
      // with an hour between beats, a first beat within seconds can only be the one at start
      // (how fast it comes is measured in bench/agent-footprint.ts, not asserted here)
      agent = await startAgent(settings(files, "1h"), { log: silentLogger });
      await waitFor(() => backend.heartbeats.length >= 1, 10_000, "first heartbeat");
      expect(pushes().some((r) => r.heartbeat === true)).toBe(true);
    } finally {
      await agent?.stop();
      agent = undefined;
      files.remove();
    }
  });

  it("makes one request per beat carrying everything", async () => {
    backend.combined = true;
    const files = agentDir();
    try {
      agent = await startAgent(settings(files, "2s"), { log: silentLogger });
      await waitFor(() => backend.heartbeats.length >= 3, 10_000, "three beats");
      const endpoints = new Set(backend.requests.map((r) => r.endpoint));
      expect([...endpoints].sort()).toEqual(expect.arrayContaining(["push"]));
      expect(endpoints.has("heartbeat") || endpoints.has("metrics") || endpoints.has("checks")).toBe(false);
      // one request per beat (plus the one at start): no separate data requests in steady state
      expect(pushes().length).toBeLessThanOrEqual(backend.heartbeats.length + 1);
      expect(backend.checks.length).toBeGreaterThan(0);
    } finally {
      await agent?.stop();
      agent = undefined;
      files.remove();
    }
  });

  it("pushes a check's change of state within seconds instead of at the next beat", async () => {
    backend.combined = true;
    calls.clear();
    script.set("api", { statuses: [...Array(8).fill("ok"), ...Array(100).fill("down")] });
    const files = agentDir();
    try {
      agent = await startAgent(settings(files, "1h"), { log: silentLogger });
      await waitFor(() => backend.heartbeats.length >= 1, 5_000, "first heartbeat");
      expect(backend.checks.some((c) => c.status === "down")).toBe(false);
      const down = await waitFor(
        () => backend.checks.find((c) => c.status === "down"),
        8_000,
        "the down result at the backend",
      );
      const arrived = Date.now();
      // the next beat is up to an hour away (random phase): a push without a heartbeat brought it, soon after it was seen
      expect(arrived - down.ts).toBeLessThan(3_000);
      expect(backend.heartbeats).toHaveLength(1);
      expect(pushes().some((r) => r.heartbeat === false && r.kinds?.includes("checks"))).toBe(true);
    } finally {
      await agent?.stop();
      agent = undefined;
      files.remove();
    }
  });

  for (const route of ["push", "heartbeat"] as const)
    it(`tries a heartbeat the backend could not take again within seconds, not at the next beat (${route})`, async () => {
      backend.combined = route === "push";
      backend.modes[route] = "unavailable";
      const files = agentDir();
      try {
        // six hours between beats (random phase): a beat within seconds of the backend's return
        // can only be a retry of the one at start (decision 0047)
        agent = await startAgent(settings(files, "6h"), { log: silentLogger });
        await waitFor(
          () => backend.requests.filter((r) => r.endpoint === route && r.status === 503).length >= 2,
          10_000,
          "the start beat refused and tried again",
        );
        expect(backend.heartbeats).toHaveLength(0);
        backend.modes[route] = undefined;
        const back = Date.now();
        await waitFor(() => backend.heartbeats.length >= 1, 6_000, "the heartbeat once the backend is back");
        expect(Date.now() - back).toBeLessThan(6_000);
      } finally {
        backend.modes[route] = undefined;
        await agent?.stop();
        agent = undefined;
        files.remove();
      }
    }, 30_000);

  it("uses the single-kind routes on a backend without the combined push", async () => {
    backend.combined = false;
    const files = agentDir();
    try {
      agent = await startAgent(settings(files, "1s"), { log: silentLogger });
      await waitFor(() => backend.heartbeats.length >= 2, 5_000, "heartbeats on /heartbeat");
      await waitFor(() => backend.checks.length > 0, 35_000, "check results on /checks");
      const endpoints = new Set(backend.requests.map((r) => `${r.endpoint} ${r.status}`));
      expect(endpoints.has("push 404")).toBe(true);
      expect(endpoints.has("heartbeat 200")).toBe(true);
      expect(endpoints.has("checks 200")).toBe(true);
    } finally {
      await agent?.stop();
      agent = undefined;
      files.remove();
    }
  }, 45_000);
});
