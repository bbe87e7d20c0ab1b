import { beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { calls, script, scriptedPlugin } from "../../test/helpers/test-plugins.ts";
import type { ResolvedMonitor } from "../config/settings.ts";
import { silentLogger } from "../log.ts";
import { definePlugin, type PluginDefinition } from "../plugins/types.ts";
import { MonitorRunner } from "./monitor-runner.ts";

function monitor(key: string, timeoutMs = 200, plugin: PluginDefinition = scriptedPlugin): ResolvedMonitor {
  return {
    name: `scripted:${key}`,
    type: plugin.type,
    enabled: true,
    intervalMs: 1_000,
    timeoutMs,
    options: { key },
    plugin,
    index: 0,
  };
}
const noState = { get: () => undefined };

beforeEach(() => {
  script.clear();
  calls.clear();
});

describe("one monitor run", () => {
  it("returns the plugin's samples and checks", async () => {
    script.set("a", { statuses: ["ok"], samples: 2 });
    const result = await new MonitorRunner(monitor("a"), noState, silentLogger).run(123);
    expect(result.samples).toHaveLength(2);
    expect(result.checks).toEqual([{ status: "ok", message: undefined }]);
    expect(result.collectedAt).toBe(123);
  });

  it("turns an exception into a down check carrying the message", async () => {
    script.set("b", { throws: "connection refused" });
    const result = await new MonitorRunner(monitor("b"), noState, silentLogger).run(1);
    expect(result.checks).toEqual([{ status: "down", message: "connection refused" }]);
  });

  it("ends a run at its deadline with a down check, even when the plugin ignores the abort", async () => {
    script.set("c", { delayMs: 2_000, ignoreAbort: true });
    const runner = new MonitorRunner(monitor("c", 150), noState, silentLogger);
    const started = Date.now();
    const result = await runner.run(1);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(result.checks).toEqual([{ status: "down", message: "timed out after 150ms" }]);
    expect(runner.busy).toBe(true);
  });

  it("reports unsupported once with the reason and is then disabled", async () => {
    script.set("d", { unsupported: "docker socket not found" });
    const runner = new MonitorRunner(monitor("d"), noState, silentLogger);
    const result = await runner.run(1);
    expect(result.checks).toEqual([{ status: "unsupported", message: "docker socket not found" }]);
    expect(result.unsupported).toBe("docker socket not found");
    expect(runner.disabled).toBe(true);
  });

  it("reports ok for a plugin that only gathers metrics", async () => {
    const metricsOnly = definePlugin({
      type: "metrics-only",
      configSchema: z.strictObject({}),
      defaultIntervalMs: 1_000,
      create: () => ({ collect: async () => ({ samples: [{ name: "x", value: 1 }], checks: [] }) }),
    }) as unknown as PluginDefinition;
    const result = await new MonitorRunner(monitor("e", 200, metricsOnly), noState, silentLogger).run(1);
    expect(result.checks).toEqual([{ status: "ok" }]);
  });

  it("stages ctx.state writes for the recorder and reads them back in the same run", async () => {
    const counter = definePlugin({
      type: "counter",
      configSchema: z.strictObject({}),
      defaultIntervalMs: 1_000,
      create: (_c, ctx) => ({
        async collect() {
          const n = (ctx.state.get<number>("n") ?? 0) + 1;
          ctx.state.set("n", n);
          return { samples: [{ name: "n", value: ctx.state.get<number>("n") ?? -1 }], checks: [] };
        },
      }),
    }) as unknown as PluginDefinition;
    const stored = { get: <T>(_m: string, key: string) => (key === "n" ? (41 as T) : undefined) };
    const result = await new MonitorRunner(monitor("f", 200, counter), stored, silentLogger).run(1);
    expect(result.samples[0]?.value).toBe(42);
    expect([...result.stagedState]).toEqual([["n", 42]]);
  });
});
