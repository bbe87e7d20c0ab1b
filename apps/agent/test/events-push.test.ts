/**
 * The outage log's events (decision 0044) on their way to the backend: recorded with the
 * collection into the outbox, carried by the combined push as its `events` part (and by
 * `/agent/events` on the single-kind routes), stored once per batch id however often a push is
 * replayed, and, against a backend older than them, kept buffered without costing a heartbeat.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AgentEvent } from "@custos/protocol";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AlertEngine } from "../src/alerts/engine.ts";
import { DEFAULT_ALERT_POLICY } from "../src/alerts/state-machine.ts";
import { eventToWire } from "../src/collect/event-wire.ts";
import { Recorder } from "../src/collect/recorder.ts";
import type { ResolvedMonitor } from "../src/config/settings.ts";
import { silentLogger } from "../src/log.ts";
import { LEGACY_RETRY_MS } from "../src/push/combined.ts";
import { openStore, type Store } from "../src/store/store.ts";
import { waitFor } from "./helpers/agent-files.ts";
import { type FakeBackend, startFakeBackend } from "./helpers/fake-backend.ts";
import { pushStack } from "./helpers/push-stack.ts";
import { scriptedPlugin } from "./helpers/test-plugins.ts";

let backend: FakeBackend;
const dir = mkdtempSync(join(tmpdir(), "custos-events-"));
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
  backend.knowsEvents = true;
  backend.mode = "ok";
  backend.modes = {};
  backend.ackDelayMs = 0;
  skew = 0;
  for (const list of [backend.samples, backend.checks, backend.alerts, backend.events, backend.requests])
    list.length = 0;
  backend.heartbeats.length = 0;
});

const monitor: ResolvedMonitor = {
  name: "internet",
  type: "scripted",
  enabled: true,
  intervalMs: 1_000,
  timeoutMs: 500,
  options: { key: "internet" },
  plugin: scriptedPlugin,
  index: 0,
};

function setup(options: { timeoutMs?: number } = {}) {
  const s = openStore(join(dir, `events-${counter++}.db`));
  store = s;
  const now = () => Date.now() + skew;
  const { combined, pusher, serverId } = pushStack(s, backend, {
    timeoutMs: options.timeoutMs ?? 5_000,
    now,
  });
  const engine = new AlertEngine({
    store: s,
    serverName: "h",
    serverId,
    policy: DEFAULT_ALERT_POLICY,
    channels: [],
    log: silentLogger,
  });
  const recorder = new Recorder({ store: s, engine, history: false, log: silentLogger, now });
  return { store: s, combined, pusher, recorder };
}

/** What the ping plugin reports for an outage of 95.25 s that ended a minute ago, and a reboot. */
function recordOutageAndReboot(recorder: Recorder) {
  const ended = Math.floor((Date.now() - 60_000) / 1000) * 1000; // whole seconds, as boot times are
  const started = ended - 95_250;
  const base = {
    monitor,
    collectedAt: Date.now(),
    durationMs: 1,
    samples: [],
    checks: [],
    stagedState: new Map(),
  };
  recorder.record({
    ...base,
    events: [
      {
        kind: "outage_started",
        message: "internet outage started: no target answers",
        data: { started_at: new Date(started).toISOString(), targets: ["127.0.0.1:1", "127.0.0.1:2"] },
      },
    ],
  });
  recorder.record({
    ...base,
    events: [
      {
        kind: "outage_ended",
        message: "internet outage: 1m 35s",
        data: {
          started_at: new Date(started).toISOString(),
          ended_at: new Date(ended).toISOString(),
          duration_ms: 95_250,
          targets: ["127.0.0.1:1", "127.0.0.1:2"],
        },
      },
      { kind: "process_restarted", message: "nginx restarted" },
    ],
  });
  recorder.record({
    ...base,
    monitor: { ...monitor, name: "system" },
    events: [
      {
        kind: "reboot",
        message: "rebooted",
        data: {
          boot_time: new Date(ended - 10_000).toISOString().replace(/\.\d{3}Z$/, "Z"),
          last_seen_before_reboot: new Date(ended - 70_000).toISOString(),
          uptime_seconds: 10,
          previous_uptime_seconds: 5000,
          boot_id: "b-2",
          previous_boot_id: "b-1",
        },
      },
    ],
  });
  return { started, ended };
}

const pending = (s: Store) => s.outbox.depth().items;
const pushes = () => backend.requests.filter((r) => r.endpoint === "push");

describe("outage-log events into the outbox", () => {
  it("enqueues outage started, outage ended and reboot as wire events and keeps every event locally", () => {
    const { store: s, recorder } = setup();
    recordOutageAndReboot(recorder);
    expect(pending(s).events).toBe(3);
    // the local table keeps everything, the one kind the backend does not take included
    expect(
      s.events
        .recent(10)
        .map((e) => e.kind)
        .sort(),
    ).toEqual(["outage_ended", "outage_started", "process_restarted", "reboot"]);
  });

  it("turns a reboot into its downtime: from the previous boot's last sign of life to the boot time", () => {
    const wire = eventToWire(
      {
        kind: "reboot",
        message: "rebooted",
        data: { boot_time: "2026-12-05T10:00:10Z", last_seen_before_reboot: "2026-12-05T09:59:00.000Z" },
      },
      "system",
      Date.parse("2026-12-05T10:01:00Z"),
    );
    expect(wire && "json" in wire).toBe(true);
    const event = AgentEvent.parse(JSON.parse((wire as { json: string }).json));
    expect(event).toMatchObject({ kind: "reboot", monitor: "system", duration_ms: 70_000 });
    expect(event.started_at?.toISOString()).toBe("2026-12-05T09:59:00.000Z");
    expect(event.occurred_at.toISOString()).toBe("2026-12-05T10:00:10.000Z");
  });

  it("keeps events of other kinds local and trims what the wire would refuse instead of poisoning a batch", () => {
    expect(eventToWire({ kind: "process_restarted", message: "x" }, "p", 0)).toBeUndefined();
    const wire = eventToWire(
      {
        kind: "outage_ended",
        message: "m".repeat(5_000),
        data: { ended_at: Date.now(), nested: { deep: 1 }, "Bad Key": 1, targets: Array(100).fill("t") },
      },
      "internet",
      Date.now(),
    );
    const event = AgentEvent.parse(JSON.parse((wire as { json: string }).json));
    expect(event.message).toHaveLength(500);
    expect(event.data).toEqual({ targets: Array(32).fill("t") });
  });
});

describe("events in the combined push", () => {
  it("carries the events with the heartbeat, stores each once, and deletes them once acknowledged", async () => {
    const { store: s, combined, recorder } = setup();
    const { started, ended } = recordOutageAndReboot(recorder);
    const result = await combined.run(undefined, { beat: true });
    expect(result).toMatchObject({ legacy: false, sent: 1, beat: { kind: "ok" } });
    expect(pushes()).toEqual([expect.objectContaining({ status: 200, heartbeat: true, kinds: ["events"] })]);
    expect(backend.events.map((e) => e.kind)).toEqual(["outage_started", "outage_ended", "reboot"]);
    const outage = backend.events[1];
    expect(outage?.started_at?.getTime()).toBe(started);
    expect(outage?.ended_at?.getTime()).toBe(ended);
    expect(outage).toMatchObject({ duration_ms: 95_250, data: { targets: ["127.0.0.1:1", "127.0.0.1:2"] } });
    expect(backend.events[2]).toMatchObject({ kind: "reboot", monitor: "system", duration_ms: 60_000 });
    expect(pending(s).events).toBe(0);
  });

  it("stores the events once when the acknowledgement was lost and the push is replayed with the same batch id", async () => {
    const { store: s, combined, recorder } = setup({ timeoutMs: 300 });
    recordOutageAndReboot(recorder);
    backend.ackDelayMs = 1_000; // stored, then the answer comes after the agent gave up
    const first = await combined.run(undefined, { beat: true });
    expect(first.beat?.kind).toBe("retry");
    expect(pending(s).events).toBe(3);
    backend.ackDelayMs = 0;
    skew = 2_000; // past the kind's backoff
    await combined.run(undefined, { beat: true });
    expect(pending(s).events).toBe(0);
    expect(backend.events).toHaveLength(3);
    expect(backend.replays).toBeGreaterThan(0);
    await waitFor(() => pushes().length >= 2, 5_000, "the late answer logged");
  });

  it("keeps heartbeats and the other kinds going on a backend that refuses the events part, and sends the events once it takes them", async () => {
    const { store: s, combined, recorder } = setup();
    recordOutageAndReboot(recorder);
    const now = Date.now();
    s.transaction(() =>
      s.outbox.enqueue("checks", [JSON.stringify({ monitor: "internet", status: "ok", ts: now })], now),
    );
    backend.knowsEvents = false;
    const result = await combined.run(undefined, { beat: true });
    // refused as a whole (400 naming `events`), then the same push again without them
    expect(pushes().map((r) => [r.status, r.heartbeat, r.kinds])).toEqual([
      [400, true, ["checks", "events"]],
      [200, true, ["checks"]],
    ]);
    expect(result.beat?.kind).toBe("ok");
    expect(backend.heartbeats).toHaveLength(1);
    expect(backend.checks).toHaveLength(1);
    // the events wait: not set aside as rejected, not retried in every push
    expect(pending(s).events).toBe(3);
    expect(s.rejected.summary().events).toMatchObject({ batches: 0, items: 0 });
    await combined.run(undefined, { beat: true });
    expect(
      pushes()
        .slice(2)
        .map((r) => [r.status, r.kinds]),
    ).toEqual([[200, []]]);
    expect(backend.heartbeats).toHaveLength(2);

    // the backend was upgraded; an hour later the agent offers the events again
    backend.knowsEvents = true;
    skew = LEGACY_RETRY_MS + 1_000;
    await combined.run(undefined, { beat: true });
    expect(backend.events.map((e) => e.kind)).toEqual(["outage_started", "outage_ended", "reboot"]);
    expect(pending(s).events).toBe(0);
  });

  it("sets aside an events batch the backend refuses by one of its fields, like any other kind", async () => {
    const { store: s, combined, recorder } = setup();
    recordOutageAndReboot(recorder);
    backend.modes = { events: "invalid" }; // 400 naming events.batch_id
    const result = await combined.run(undefined, { beat: true });
    expect(result.beat?.kind).toBe("ok");
    expect(s.rejected.summary().events).toMatchObject({ batches: 1, items: 3 });
    expect(pending(s).events).toBe(0);
  });
});

describe("events on the single-kind routes", () => {
  it("posts the events to /agent/events and stores them once", async () => {
    const { store: s, pusher, recorder } = setup();
    backend.combined = false;
    recordOutageAndReboot(recorder);
    const round = await pusher.pushKind("events");
    expect(round).toMatchObject({ state: "idle", sent: 1 });
    expect(backend.requests).toEqual([
      expect.objectContaining({ endpoint: "events", status: 200, items: 3 }),
    ]);
    expect(backend.events).toHaveLength(3);
    expect(pending(s).events).toBe(0);
  });

  it("backs only the events off on an old backend without /agent/events, while checks and heartbeats go", async () => {
    const { store: s, pusher, recorder } = setup();
    backend.combined = false;
    backend.knowsEvents = false;
    recordOutageAndReboot(recorder);
    const now = Date.now();
    s.transaction(() =>
      s.outbox.enqueue("checks", [JSON.stringify({ monitor: "internet", status: "ok", ts: now })], now),
    );
    const events = await pusher.pushKind("events");
    expect(events).toMatchObject({ state: "retry", sent: 0 });
    const checks = await pusher.pushKind("checks");
    expect(checks).toMatchObject({ state: "idle", sent: 1 });
    expect(pending(s)).toMatchObject({ events: 3, checks: 0 });
    expect(s.rejected.summary().events).toMatchObject({ batches: 0 });
  });
});
