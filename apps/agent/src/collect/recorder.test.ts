import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { scriptedPlugin } from "../../test/helpers/test-plugins.ts";
import { AlertEngine } from "../alerts/engine.ts";
import { DEFAULT_ALERT_POLICY } from "../alerts/state-machine.ts";
import type { ResolvedMonitor } from "../config/settings.ts";
import { silentLogger } from "../log.ts";
import type { RunResult } from "../scheduler/monitor-runner.ts";
import { openStore, type Store } from "../store/store.ts";
import { Recorder } from "./recorder.ts";

const dirs: string[] = [];
let store: Store | undefined;
afterEach(() => {
  store?.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const monitor: ResolvedMonitor = {
  name: "scripted:a",
  type: "scripted",
  enabled: true,
  intervalMs: 1_000,
  timeoutMs: 500,
  options: { key: "a" },
  plugin: scriptedPlugin,
  index: 0,
};

function setup(maxBytes = 1e9) {
  const dir = mkdtempSync(join(tmpdir(), "custos-rec-"));
  dirs.push(dir);
  store = openStore(join(dir, "state.db"), { caps: { maxAgeMs: 86_400_000, maxBytes } });
  const engine = new AlertEngine({
    store,
    serverName: "h",
    serverId: () => "s",
    policy: DEFAULT_ALERT_POLICY,
    channels: [],
    log: silentLogger,
  });
  return {
    store,
    recorder: new Recorder({ store, engine, history: true, log: silentLogger, now: () => 5_000 }),
  };
}

function result(partial: Partial<RunResult>): RunResult {
  return {
    monitor,
    collectedAt: 4_000,
    durationMs: 1,
    samples: [],
    checks: [],
    events: [],
    stagedState: new Map(),
    ...partial,
  };
}

describe("recording a collection", () => {
  it("stores samples, checks, plugin state, events and history together", () => {
    const { store, recorder } = setup();
    recorder.record(
      result({
        samples: [
          { name: "load1", value: 0.5 },
          { name: "load5", value: 0.4, ts: 3_000, labels: { host: "a" } },
        ],
        checks: [{ status: "ok", latency_ms: 12.5 }],
        events: [{ kind: "reboot", message: "host rebooted", data: { uptime: 3 } }],
        stagedState: new Map([["last_uptime", 3]]),
      }),
    );
    const batch = store.outbox.nextBatch("metrics", 6_000);
    expect(batch?.payloads.map((p) => JSON.parse(p))).toEqual([
      { ts: 4_000, name: "load1", value: 0.5 },
      { ts: 3_000, name: "load5", labels: { host: "a" }, value: 0.4 },
    ]);
    expect(JSON.parse(store.outbox.nextBatch("checks", 6_000)?.payloads[0] ?? "{}")).toEqual({
      monitor: "scripted:a",
      type: "scripted",
      status: "ok",
      latency_ms: 12.5,
      ts: 5_000,
    });
    expect(store.pluginState.get("scripted:a", "last_uptime")).toBe(3);
    expect(store.events.recent(5)[0]).toMatchObject({
      kind: "reboot",
      message: "host rebooted",
      data: { uptime: 3 },
    });
    expect(store.history.seriesSince(0)).toContain('load5{host="a"}');
    expect(store.monitors.get("scripted:a")).toMatchObject({ status: "ok", lastLatencyMs: 12.5 });
  });

  it("drops samples the backend would refuse instead of poisoning a batch", () => {
    const { store, recorder } = setup();
    const counts = recorder.record(
      result({
        samples: [
          { name: "ok_metric", value: 1 },
          { name: "bad name with spaces", value: 1 },
          { name: "nan", value: Number.NaN },
          { name: "labels", value: 1, labels: { "bad-label": "x" } },
        ],
        checks: [{ monitor: "sub target!", status: "ok" }],
      }),
    );
    expect(counts).toEqual({ samples: 1, checks: 1, invalid: 3 });
    expect(JSON.parse(store.outbox.nextBatch("checks", 6_000)?.payloads[0] ?? "{}").monitor).toBe(
      "sub_target_",
    );
  });

  it("applies the byte cap after recording", () => {
    const { store, recorder } = setup(400);
    for (let i = 0; i < 20; i++) recorder.record(result({ samples: [{ name: "m", value: i }] }));
    expect(store.outbox.bufferedBytes()).toBeLessThanOrEqual(400);
  });

  it("asks for a prompt push on a change of state and the results that confirm it, not while a state holds", () => {
    const { store: s } = setup();
    const engine = new AlertEngine({
      store: s,
      serverName: "h",
      serverId: () => "s",
      policy: DEFAULT_ALERT_POLICY,
      channels: [],
      log: silentLogger,
    });
    let asked = 0;
    const recorder = new Recorder({
      store: s,
      engine,
      history: false,
      log: silentLogger,
      onStateChange: () => asked++,
    });
    const seq = ["ok", "ok", "down", "down", "down", "down", "down", "ok", "ok", "ok", "ok"] as const;
    const prompts = seq.map((status) => {
      const before = asked;
      recorder.record(result({ checks: [{ status }] }));
      return asked > before;
    });
    // first ok: nothing to confirm; down and its next two results; ok (restored) and its next two
    expect(prompts).toEqual([false, false, true, true, true, false, false, true, true, true, false]);
  });
});
