import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { ResolvedMonitor } from "../config/settings.ts";
import { silentLogger } from "../log.ts";
import { definePlugin, type PluginDefinition } from "../plugins/types.ts";
import type { RunResult } from "./monitor-runner.ts";
import { Scheduler } from "./scheduler.ts";

/** Counts, per key, the plugin instances created and closed and the collections run. */
const created = new Map<string, number>();
const closed = new Map<string, number>();
const runs = new Map<string, number>();
const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

const countingPlugin = definePlugin({
  type: "counting",
  configSchema: z.strictObject({ key: z.string(), level: z.number().default(0) }),
  defaultIntervalMs: 1_000,
  create(config) {
    bump(created, config.key);
    return {
      async collect() {
        bump(runs, config.key);
        return { samples: [{ name: "level", value: config.level }], checks: [{ status: "ok" as const }] };
      },
      async close() {
        bump(closed, config.key);
      },
    };
  },
}) as unknown as PluginDefinition;

function monitor(key: string, options: { intervalMs?: number; level?: number } = {}): ResolvedMonitor {
  return {
    name: key,
    type: "counting",
    enabled: true,
    intervalMs: options.intervalMs ?? 40,
    timeoutMs: 30,
    options: { key, level: options.level ?? 0 },
    plugin: countingPlugin,
    index: 0,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let scheduler: Scheduler | undefined;
afterEach(async () => {
  await scheduler?.stop();
  for (const map of [created, closed, runs]) map.clear();
});

describe("scheduler: replacing the monitor set while running", () => {
  it("stops removed monitors, starts added ones, restarts changed ones and leaves the rest alone", async () => {
    const results: RunResult[] = [];
    scheduler = new Scheduler({
      monitors: [monitor("kept"), monitor("removed"), monitor("changed", { level: 1 })],
      clockAligned: false,
      state: { get: () => undefined },
      onResult: (r) => results.push(r),
      log: silentLogger,
    });
    scheduler.start();
    await sleep(200);
    const outcome = await scheduler.replace([
      monitor("kept"),
      monitor("changed", { level: 2 }),
      monitor("added"),
    ]);
    expect(outcome.started.sort()).toEqual(["added", "changed"]);
    expect(outcome.stopped.sort()).toEqual(["changed", "removed"]);
    const removedRuns = runs.get("removed");
    results.length = 0;
    await sleep(250);

    expect(scheduler.monitorNames.sort()).toEqual(["added", "changed", "kept"]);
    // the unchanged monitor kept its one plugin instance; the removed one ran no more and closed
    expect([created.get("kept"), closed.get("kept")]).toEqual([1, undefined]);
    expect(runs.get("removed")).toBe(removedRuns);
    expect(closed.get("removed")).toBe(1);
    // the changed one runs with its new options, in a new instance
    expect([created.get("changed"), closed.get("changed")]).toEqual([2, 1]);
    const levels = results.filter((r) => r.monitor.name === "changed").map((r) => r.samples[0]?.value);
    expect(levels.length).toBeGreaterThan(0);
    expect(new Set(levels)).toEqual(new Set([2]));
    expect(runs.get("added")).toBeGreaterThan(0);
  });

  it("treats a disabled monitor as removed and starts nothing when the scheduler is stopped", async () => {
    scheduler = new Scheduler({
      monitors: [monitor("a")],
      clockAligned: false,
      state: { get: () => undefined },
      onResult: () => undefined,
      log: silentLogger,
    });
    scheduler.start();
    await sleep(100);
    const outcome = await scheduler.replace([{ ...monitor("a"), enabled: false }]);
    expect(outcome.stopped).toEqual(["a"]);
    expect(scheduler.monitorNames).toEqual([]);
    await scheduler.stop();
    expect(await scheduler.replace([monitor("b")])).toEqual({ started: [], stopped: [] });
    await sleep(100);
    expect(runs.get("b")).toBeUndefined();
  });
});
