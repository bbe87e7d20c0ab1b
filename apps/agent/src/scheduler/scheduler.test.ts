import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { calls, script, scriptedPlugin } from "../../test/helpers/test-plugins.ts";
import type { ResolvedMonitor } from "../config/settings.ts";
import { silentLogger } from "../log.ts";
import type { RunResult } from "./monitor-runner.ts";
import { Scheduler } from "./scheduler.ts";

function monitor(key: string, intervalMs: number, timeoutMs: number): ResolvedMonitor {
  return {
    name: `scripted:${key}`,
    type: "scripted",
    enabled: true,
    intervalMs,
    timeoutMs,
    options: { key },
    plugin: scriptedPlugin,
    index: 0,
  };
}

let scheduler: Scheduler | undefined;
beforeEach(() => {
  script.clear();
  calls.clear();
});
afterEach(async () => {
  await scheduler?.stop();
});

describe("scheduler", () => {
  it("runs each monitor on its own interval; a slow plugin never delays another", async () => {
    script.set("slow", { delayMs: 5_000, ignoreAbort: true });
    const results: RunResult[] = [];
    scheduler = new Scheduler({
      monitors: [monitor("slow", 100, 2_000), monitor("fast", 100, 1_000)],
      clockAligned: false,
      state: { get: () => undefined },
      onResult: (r) => results.push(r),
      log: silentLogger,
    });
    scheduler.start();
    await new Promise((r) => setTimeout(r, 1_050));
    expect(calls.get("fast")).toBeGreaterThanOrEqual(8);
    // the slow one started once and its later slots were skipped while it was still going
    expect(calls.get("slow")).toBe(1);
    expect(results.filter((r) => r.monitor.name === "scripted:fast").length).toBeGreaterThanOrEqual(8);
  });

  it("does not run an unsupported monitor again", async () => {
    script.set("u", { unsupported: "no such device" });
    const results: RunResult[] = [];
    scheduler = new Scheduler({
      monitors: [monitor("u", 50, 40)],
      clockAligned: false,
      state: { get: () => undefined },
      onResult: (r) => results.push(r),
      log: silentLogger,
    });
    scheduler.start();
    await new Promise((r) => setTimeout(r, 400));
    expect(calls.get("u")).toBe(1);
    expect(results.map((r) => r.checks[0]?.status)).toEqual(["unsupported"]);
  });

  it("starts clock-aligned runs on multiples of the interval", async () => {
    const results: RunResult[] = [];
    scheduler = new Scheduler({
      monitors: [monitor("aligned", 200, 100)],
      clockAligned: true,
      state: { get: () => undefined },
      onResult: (r) => results.push(r),
      log: silentLogger,
    });
    scheduler.start();
    await new Promise((r) => setTimeout(r, 700));
    expect(results.length).toBeGreaterThanOrEqual(2);
    for (const r of results) expect(r.collectedAt % 200).toBe(0);
  });

  it("leaves disabled monitors alone", async () => {
    scheduler = new Scheduler({
      monitors: [{ ...monitor("off", 50, 40), enabled: false }],
      clockAligned: false,
      state: { get: () => undefined },
      onResult: () => undefined,
      log: silentLogger,
    });
    scheduler.start();
    await new Promise((r) => setTimeout(r, 200));
    expect(calls.get("off")).toBeUndefined();
  });
});
