/**
 * The pusher and heartbeats against a backend that speaks the agent API contract, switched into
 * each answer the contract defines: 200, replay, 400, 401, PENDING_APPROVAL, 413, 429, 503, no
 * answer; for every route or for one kind of batch only. The pusher's clock is the real one plus
 * `skew`, so a test can step over a pause without waiting it out.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LIMITS } from "@custos/protocol";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../src/log.ts";
import { BackendClient } from "../src/push/client.ts";
import { Heartbeat } from "../src/push/heartbeat.ts";
import { AUTH_PAUSE_MS, PENDING_APPROVAL_RETRY_MS } from "../src/push/pusher.ts";
import { register, storedServerId } from "../src/push/register.ts";
import { KV } from "../src/store/kv.ts";
import { openStore, type Store } from "../src/store/store.ts";
import type { BackoffOptions } from "../src/util/backoff.ts";
import { AGENT_VERSION } from "../src/version.ts";
import { waitFor } from "./helpers/agent-files.ts";
import { type FakeBackend, startFakeBackend } from "./helpers/fake-backend.ts";
import { pushStack } from "./helpers/push-stack.ts";

let backend: FakeBackend;
const dir = mkdtempSync(join(tmpdir(), "custos-push-"));
let store: Store;
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
  backend.mode = "ok";
  backend.modes = {};
  skew = 0;
  backend.maxItemsPerBatch = Number.MAX_SAFE_INTEGER;
  backend.ackDelayMs = 0;
  backend.samples.length = 0;
  backend.checks.length = 0;
  backend.requests.length = 0;
  backend.heartbeats.length = 0;
});

function setup(options: { timeoutMs?: number; maxBatchesPerRound?: number; backoff?: BackoffOptions } = {}) {
  const s = openStore(join(dir, `push-${counter++}.db`));
  store = s;
  const { client, link, pusher, heartbeat } = pushStack(s, backend, {
    timeoutMs: options.timeoutMs ?? 5_000,
    maxBatchesPerRound: options.maxBatchesPerRound ?? 100,
    ...(options.backoff ? { backoff: options.backoff } : {}),
    uptimeSeconds: 1234,
    now: () => Date.now() + skew,
  });
  return { store: s, client, link, pusher, heartbeat };
}

function enqueueSamples(s: Store, from: number, count: number) {
  const now = Date.now();
  s.transaction(() =>
    s.outbox.enqueue(
      "metrics",
      Array.from({ length: count }, (_, i) =>
        JSON.stringify({ ts: now - 60_000 + from + i, name: "seq", value: from + i }),
      ),
      now,
    ),
  );
}
function enqueueChecks(s: Store, monitors: string[]) {
  const now = Date.now();
  s.transaction(() =>
    s.outbox.enqueue(
      "checks",
      monitors.map((monitor) => JSON.stringify({ monitor, type: "http", status: "ok", ts: now })),
      now,
    ),
  );
}
const values = () => backend.samples.map((s) => s.value);
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

describe("pusher", () => {
  it("sends samples oldest first, gzipped, in batches of at most 5,000, and deletes them once acknowledged", async () => {
    const { pusher } = setup();
    enqueueSamples(store, 0, 12_000);
    expect(await pusher.pushOnce()).toMatchObject({ state: "idle", sent: 3 });
    expect(values()).toEqual(range(0, 12_000));
    const batches = backend.requests.filter((r) => r.endpoint === "metrics");
    expect(batches.map((b) => [b.items, b.gzip, b.status])).toEqual([
      [5_000, true, 200],
      [5_000, true, 200],
      [2_000, true, 200],
    ]);
    expect(store.outbox.depth().items.metrics).toBe(0);
    expect(store.kv.getNumber(KV.lastPushAt)).toBeGreaterThan(0);
  });

  it("sends alert reports and check results too", async () => {
    const { pusher } = setup();
    const ts = Date.now();
    store.outbox.enqueue(
      "checks",
      [JSON.stringify({ monitor: "http:api", type: "http", status: "down", message: "HTTP 500", ts })],
      ts,
    );
    store.outbox.enqueue(
      "alerts",
      [
        JSON.stringify({
          incident_key: "k",
          monitor: "http:api",
          state: "down",
          started_at: ts,
          sent_at: ts,
          channels: ["slack"],
        }),
      ],
      ts,
    );
    await pusher.pushOnce();
    expect(backend.requests.map((r) => [r.endpoint, r.status])).toEqual([
      ["alerts", 200],
      ["checks", 200],
    ]);
    expect(backend.checks.at(-1)).toMatchObject({ monitor: "http:api", status: "down", message: "HTTP 500" });
    expect(backend.alerts.at(-1)).toMatchObject({ incident_key: "k", channels: ["slack"] });
  });

  it("splits a batch the backend finds too large (413) until the pieces fit, keeping the order", async () => {
    const { pusher } = setup();
    backend.maxItemsPerBatch = 1_200;
    enqueueSamples(store, 0, 5_000);
    await pusher.pushOnce();
    expect(values()).toEqual(range(0, 5_000));
    const statuses = backend.requests.map((r) => r.status);
    expect(statuses.filter((s) => s === 413).length).toBeGreaterThanOrEqual(2);
    expect(
      Math.max(...backend.requests.filter((r) => r.status === 200).map((r) => r.items ?? 0)),
    ).toBeLessThanOrEqual(1_200);
  });

  it("sets a batch refused as invalid (400) aside with the backend's answer, and goes on with the rest", async () => {
    const { pusher } = setup();
    enqueueSamples(store, 0, 10);
    backend.mode = "invalid";
    expect(await pusher.pushOnce()).toMatchObject({ state: "idle" });
    expect(store.outbox.depth().items.metrics).toBe(0);
    expect(store.rejected.summary().metrics).toMatchObject({
      batches: 1,
      items: 10,
      kept: 1,
      last: { status: 400, code: "VALIDATION", message: "refused for the test", field: "samples.0" },
    });
    expect(store.kv.getNumber(KV.rejectedItems)).toBe(10);
    backend.mode = "ok";
    enqueueSamples(store, 10, 5);
    await pusher.pushOnce();
    expect(values()).toEqual(range(10, 5));
  });

  it("pauses every kind for 5 minutes when the API key is refused (401) and keeps the data buffered", async () => {
    const { pusher } = setup();
    enqueueSamples(store, 0, 10);
    backend.mode = "unauthorized";
    expect(await pusher.pushOnce()).toMatchObject({ state: "paused", delayMs: AUTH_PAUSE_MS });
    backend.mode = "ok";
    enqueueChecks(store, ["http:api"]);
    const asked = backend.requests.length;
    skew = AUTH_PAUSE_MS - 1_000;
    expect(await pusher.pushKind("checks")).toMatchObject({ state: "paused" });
    expect(backend.requests.length).toBe(asked);
    expect(store.outbox.depth().items).toMatchObject({ metrics: 10, checks: 1 });
    skew = AUTH_PAUSE_MS;
    await pusher.pushOnce();
    expect(values()).toEqual(range(0, 10));
    expect(backend.checks.map((c) => c.monitor)).toEqual(["http:api"]);
  });

  it("keeps buffering while the server awaits approval (403 PENDING_APPROVAL), then delivers", async () => {
    const { pusher } = setup();
    enqueueSamples(store, 0, 10);
    backend.mode = "pending_approval";
    expect(await pusher.pushOnce()).toMatchObject({ state: "paused", delayMs: PENDING_APPROVAL_RETRY_MS });
    expect(store.outbox.depth().items.metrics).toBe(10);
    backend.mode = "ok";
    skew = PENDING_APPROVAL_RETRY_MS;
    await pusher.pushOnce();
    expect(values()).toEqual(range(0, 10));
  });

  it("backs off with growing, jittered delays while the backend is down, and delivers once it is back", async () => {
    const { pusher, link } = setup();
    enqueueSamples(store, 0, 10);
    backend.mode = "unavailable";
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const result = await pusher.pushOnce();
      expect(result.state).toBe("retry");
      delays.push(result.delayMs);
    }
    for (const delay of delays) expect(delay).toBeLessThanOrEqual(1_000);
    expect(link.failingSince()).toBeGreaterThan(0);

    await backend.stop();
    const refused = await pusher.pushOnce();
    expect(refused.state).toBe("retry");
    await backend.start();
    backend.mode = "ok";
    await pusher.pushOnce();
    expect(values()).toEqual(range(0, 10));
    expect(link.failingSince()).toBeUndefined();
  });

  it("re-sends the same batch id when an acknowledgement is lost, and the backend stores it once", async () => {
    const { pusher } = setup({ timeoutMs: 300 });
    enqueueSamples(store, 0, 20);
    backend.ackDelayMs = 1_000;
    expect((await pusher.pushOnce()).state).toBe("retry");
    expect(store.outbox.depth().items.metrics).toBe(20);
    backend.ackDelayMs = 0;
    const replaysBefore = backend.replays;
    await pusher.pushOnce();
    expect(backend.replays).toBe(replaysBefore + 1);
    expect(values()).toEqual(range(0, 20));
    // The fake backend logs the first request only once its delayed answer is written (1 s after
    // it came): wait for it here, or it lands in a later test's request log on a slow machine.
    const metricsRequests = await waitFor(
      () => {
        const seen = backend.requests.filter((r) => r.endpoint === "metrics");
        return seen.length >= 2 && seen;
      },
      10_000,
      "the first, unanswered request in the backend's log",
    );
    expect(new Set(metricsRequests.map((r) => r.batchId)).size).toBe(1);
  });

  it("waits for registration before pushing", async () => {
    store = openStore(join(dir, `push-${counter++}.db`));
    const { pusher } = pushStack(store, { url: backend.url, apiKey: backend.apiKey, serverId: undefined });
    enqueueSamples(store, 0, 3);
    expect(await pusher.pushOnce()).toMatchObject({ state: "paused", reason: "not registered yet" });
    expect(backend.requests).toHaveLength(0);
  });
});

describe("a kind the backend keeps refusing", () => {
  it("holds back neither samples nor the later check results when a check results batch is refused as invalid (400)", async () => {
    const { pusher } = setup();
    enqueueChecks(store, ["refused"]);
    enqueueSamples(store, 0, 10);
    backend.modes.checks = "invalid";
    const pass = await pusher.pushOnce();
    expect(pass.kinds).toMatchObject({
      checks: { state: "idle", sent: 1 },
      metrics: { state: "idle", sent: 1 },
    });
    expect(values()).toEqual(range(0, 10));
    expect(store.outbox.depth().items.checks).toBe(0);
    expect(store.rejected.summary().checks).toMatchObject({
      batches: 1,
      items: 1,
      last: { status: 400, code: "VALIDATION", field: "results.0" },
    });
    backend.modes = {};
    enqueueChecks(store, ["later"]);
    await pusher.pushOnce();
    expect(backend.checks.map((c) => c.monitor)).toEqual(["later"]);
  });

  it("backs check results answered 500 off on their own with growing delays while samples go out every round, then drains them in order, each once", async () => {
    // random 1: the top of each jitter range, so the growth is exact
    const { pusher } = setup({ backoff: { baseMs: 100, capMs: 1_000, random: () => 1 } });
    backend.modes.checks = "unavailable";
    const delays: number[] = [];
    for (let round = 0; round < 6; round++) {
      enqueueChecks(store, [`c${round}`]);
      enqueueSamples(store, round * 10, 10);
      const pass = await pusher.pushOnce();
      expect(pass.kinds.metrics).toMatchObject({ state: "idle", sent: 1, delayMs: 30_000 });
      expect(pass.kinds.checks?.state).toBe("retry");
      delays.push(pass.kinds.checks?.delayMs ?? 0);
      expect(values()).toEqual(range(0, (round + 1) * 10));
    }
    expect(delays).toEqual([250, 250, 400, 800, 1_000, 1_000]);
    expect(store.outbox.depth().items.checks).toBe(6);

    backend.modes = {};
    const replays = backend.replays;
    expect(await pusher.pushKind("checks")).toMatchObject({ state: "idle", sent: 2 });
    expect(backend.checks.map((c) => c.monitor)).toEqual(["c0", "c1", "c2", "c3", "c4", "c5"]);
    expect(backend.replays).toBe(replays);
    expect(store.outbox.depth().items.checks).toBe(0);
  });

  it("shows a failing kind in status until it succeeds, or until nothing of it is left to send", async () => {
    const { pusher } = setup();
    enqueueChecks(store, ["old"]);
    backend.modes.checks = "unavailable";
    await pusher.pushKind("checks");
    await pusher.pushKind("checks");
    expect(store.kv.getJson(KV.pushFailing)).toMatchObject({
      checks: { attempts: 2, last_error: expect.stringContaining("HTTP 503") },
    });
    // the age cap drops what kept failing: nothing of the kind is failing any more
    store.outbox.setCaps({ maxAgeMs: 0, maxBytes: Number.MAX_SAFE_INTEGER });
    expect(store.outbox.enforceCaps(Date.now() + 1)).toBe(1);
    expect((await pusher.pushKind("checks")).state).toBe("idle");
    expect(store.kv.getJson(KV.pushFailing)).toBeUndefined();
  });

  it("holds every kind for the Retry-After of a 429, because the rate limit is per API key", async () => {
    const { pusher } = setup();
    enqueueChecks(store, ["http:api"]);
    enqueueSamples(store, 0, 10);
    backend.modes.checks = "rate_limited";
    const pass = await pusher.pushOnce();
    expect(pass.kinds.checks).toMatchObject({ state: "retry", delayMs: 1_000 });
    expect(pass.kinds.metrics).toMatchObject({ state: "paused" });
    expect(backend.requests.filter((r) => r.endpoint === "metrics")).toHaveLength(0);
    backend.modes = {};
    skew = 1_000;
    await pusher.pushOnce();
    expect(values()).toEqual(range(0, 10));
    expect(backend.checks).toHaveLength(1);
  });

  it("retries the kinds that failed on the network once a heartbeat gets through, but not those the backend answered 5xx", async () => {
    const { pusher, heartbeat } = setup();
    enqueueSamples(store, 0, 10);
    enqueueChecks(store, ["http:api"]);
    await backend.stop();
    expect((await pusher.pushKind("metrics")).state).toBe("retry");
    await backend.start();
    backend.modes.checks = "unavailable";
    expect((await pusher.pushKind("checks")).state).toBe("retry");
    expect(await heartbeat.beat()).toMatchObject({ kind: "ok" });
    expect(pusher.backendReachable()).toEqual(["metrics"]);
    // reset once: a second heartbeat has nothing to wake
    expect(pusher.backendReachable()).toEqual([]);
  });
});

describe("heartbeat", () => {
  it("sends sent_at, agent_version, uptime_seconds and the dropped-samples count", async () => {
    const { heartbeat } = setup();
    store.kv.add(KV.droppedSamples, 7);
    await heartbeat.beat();
    expect(backend.heartbeats.at(-1)).toMatchObject({
      server_id: backend.serverId,
      agent_version: AGENT_VERSION,
      uptime_seconds: 1234,
      dropped_samples: 7,
    });
    expect(Date.now() - (backend.heartbeats.at(-1)?.sent_at.getTime() ?? 0)).toBeLessThan(5_000);
    expect(store.kv.getNumber(KV.droppedSamples)).toBe(0);
    expect(store.kv.getNumber(KV.lastHeartbeatAt)).toBeGreaterThan(0);
  });

  it("reports items set aside as refused in rejected_items, apart from the buffer-cap drops", async () => {
    const { heartbeat } = setup();
    store.kv.add(KV.droppedSamples, 2);
    enqueueChecks(store, ["a", "b", "c"]);
    store.outbox.setAside(
      store.outbox.nextBatch("checks", Date.now())?.batchId ?? "",
      { status: 400, code: "VALIDATION", message: "m", field: null },
      Date.now(),
    );
    await heartbeat.beat();
    expect(backend.heartbeats.at(-1)).toMatchObject({ dropped_samples: 2, rejected_items: 3 });
    expect(store.kv.getNumber(KV.droppedSamples)).toBe(0);
    expect(store.kv.getNumber(KV.rejectedUnreported)).toBe(0);
    // the totals for status stay
    expect(store.rejected.summary().checks).toMatchObject({ batches: 1, items: 3 });
    // nothing left to report: the next beat says 0 dropped and no rejected_items
    await heartbeat.beat();
    expect(backend.heartbeats.at(-1)?.dropped_samples).toBe(0);
    expect(backend.heartbeats.at(-1)).not.toHaveProperty("rejected_items");
  });

  it("keeps each counter until acknowledged, decreased only by what that beat reported", async () => {
    const { heartbeat } = setup();
    store.kv.add(KV.droppedSamples, 4);
    store.kv.add(KV.rejectedUnreported, 6);
    backend.mode = "unavailable";
    await heartbeat.beat();
    expect(store.kv.getNumber(KV.droppedSamples)).toBe(4);
    expect(store.kv.getNumber(KV.rejectedUnreported)).toBe(6);
    backend.mode = "ok";
    const beating = heartbeat.beat();
    store.kv.add(KV.rejectedUnreported, 1); // set aside while the heartbeat was in flight
    await beating;
    expect(backend.heartbeats.at(-1)).toMatchObject({ dropped_samples: 4, rejected_items: 6 });
    expect(store.kv.getNumber(KV.droppedSamples)).toBe(0);
    expect(store.kv.getNumber(KV.rejectedUnreported)).toBe(1);
  });

  it("reports at most the protocol's bound per beat and the rest with the next", async () => {
    const { heartbeat } = setup();
    store.kv.add(KV.rejectedUnreported, LIMITS.maxLostItemsPerHeartbeat + 5);
    await heartbeat.beat();
    expect(backend.heartbeats.at(-1)?.rejected_items).toBe(LIMITS.maxLostItemsPerHeartbeat);
    await heartbeat.beat();
    expect(backend.heartbeats.at(-1)?.rejected_items).toBe(5);
    expect(store.kv.getNumber(KV.rejectedUnreported)).toBe(0);
  });

  it("falls back to the fields every backend knows when a backend refuses a newer one, refused items within dropped_samples", async () => {
    const { heartbeat } = setup();
    backend.legacyHeartbeat = true;
    try {
      store.kv.add(KV.droppedSamples, 2);
      store.kv.add(KV.rejectedUnreported, 3);
      expect(await heartbeat.beat()).toMatchObject({ kind: "ok" });
      // refused once (400 naming the unknown key), then sent again the old way at once: the
      // beat is accepted (the server stays up at an older backend)
      expect(backend.requests.filter((r) => r.endpoint === "heartbeat").map((r) => r.status)).toEqual([
        400, 200,
      ]);
      expect(backend.heartbeats.at(-1)?.dropped_samples).toBe(5);
      expect(store.kv.getNumber(KV.droppedSamples)).toBe(0);
      expect(store.kv.getNumber(KV.rejectedUnreported)).toBe(0);
      // and the old way from then on, without asking again
      store.kv.add(KV.rejectedUnreported, 1);
      expect(await heartbeat.beat()).toMatchObject({ kind: "ok" });
      expect(backend.requests.filter((r) => r.endpoint === "heartbeat").map((r) => r.status)).toEqual([
        400, 200, 200,
      ]);
      expect(backend.heartbeats.at(-1)?.dropped_samples).toBe(1);
    } finally {
      backend.legacyHeartbeat = false;
    }
  });

  it("keeps beating at a backend that predates awaiting_pages and the heartbeat interval (no false down)", async () => {
    const { client, link } = setup();
    const heartbeat = new Heartbeat({
      store,
      client,
      link,
      serverId: () => backend.serverId,
      intervalMs: 30_000,
      log: silentLogger,
      pages: {
        awaitingPages: () => [{ monitor: "http:api", started_at: new Date().toISOString(), state: "down" }],
        learnBackendPages: () => 0,
      },
    });
    backend.legacyHeartbeat = true;
    try {
      expect(await heartbeat.beat()).toMatchObject({ kind: "ok" });
      expect(await heartbeat.beat()).toMatchObject({ kind: "ok" });
      expect(backend.requests.filter((r) => r.endpoint === "heartbeat").map((r) => r.status)).toEqual([
        400, 200, 200,
      ]);
      expect(backend.heartbeats.at(-1)).not.toHaveProperty("awaiting_pages");
    } finally {
      backend.legacyHeartbeat = false;
    }
  });

  it("resets the dropped counter only after the backend acknowledged the heartbeat", async () => {
    const { heartbeat } = setup();
    store.kv.add(KV.droppedSamples, 5);
    backend.mode = "unavailable";
    await heartbeat.beat();
    expect(store.kv.getNumber(KV.droppedSamples)).toBe(5);
    backend.mode = "ok";
    backend.ackDelayMs = 0;
    const beating = heartbeat.beat();
    store.kv.add(KV.droppedSamples, 2); // dropped while the heartbeat was in flight
    await beating;
    expect(backend.heartbeats.at(-1)?.dropped_samples).toBe(5);
    expect(store.kv.getNumber(KV.droppedSamples)).toBe(2);
  });

  it("starts at a random phase within the interval", () => {
    expect(Heartbeat.phase(60_000, () => 0)).toBe(0);
    expect(Heartbeat.phase(60_000, () => 0.5)).toBe(30_000);
    const phases = new Set(Array.from({ length: 20 }, () => Heartbeat.phase(60_000)));
    expect(phases.size).toBeGreaterThan(15);
    for (const phase of phases) expect(phase).toBeLessThan(60_000);
  });
});

describe("registration", () => {
  it("stores the server id, and asks again when the backend URL or the API key change", async () => {
    const { client } = setup();
    const result = await register(client, store, {
      url: backend.url,
      apiKey: backend.apiKey,
      serverName: "web-1",
    });
    expect(result.ok).toBe(true);
    expect(backend.registrations.at(-1)).toMatchObject({
      server_name: "web-1",
      agent_version: AGENT_VERSION,
      arch: process.arch,
    });
    expect(storedServerId(store, backend.url, backend.apiKey)).toBe(backend.serverId);
    expect(storedServerId(store, "http://other.example", backend.apiKey)).toBeUndefined();
    expect(storedServerId(store, backend.url, "another-key")).toBeUndefined();
  });

  it("reports a refused API key as such", async () => {
    store = openStore(join(dir, `push-${counter++}.db`));
    const client = new BackendClient({ url: backend.url, apiKey: "wrong" });
    const result = await register(client, store, { url: backend.url, apiKey: "wrong", serverName: "web-1" });
    expect(result).toMatchObject({ ok: false, outcome: { kind: "auth", status: 401 } });
  });
});
