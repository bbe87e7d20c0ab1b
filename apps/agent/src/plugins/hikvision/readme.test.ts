import { readFileSync } from "node:fs";
import { MONITOR_COMMON_KEYS } from "@custos/protocol/config";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { plugin } from "./index.ts";

/** The README's sample agent.yaml, with ${ENV} references filled in as the agent would. */
function sampleMonitors(env: Record<string, string>): Record<string, unknown>[] {
  const readme = readFileSync(new URL("./README.md", import.meta.url), "utf8");
  const yaml = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
  const filled = yaml.replace(/\$\{([A-Z0-9_]+)\}/g, (_m, name: string) => env[name] ?? "");
  return (parse(filled) as { monitors: Record<string, unknown>[] }).monitors;
}

describe("README", () => {
  it("shows a sample config that the plugin accepts", () => {
    const monitors = sampleMonitors({ HIKVISION_PASSWORD: "secret" });
    expect(monitors.length).toBeGreaterThan(0);
    for (const monitor of monitors) {
      expect(monitor.type).toBe(plugin.type);
      const options = Object.fromEntries(
        Object.entries(monitor).filter(([key]) => !(MONITOR_COMMON_KEYS as readonly string[]).includes(key)),
      );
      const parsed = plugin.configSchema.safeParse(options);
      expect(parsed.error?.issues ?? []).toEqual([]);
    }
  });
});
