import { MONITOR_OPTIONS, MONITOR_TYPES } from "@custos/protocol";
import { describe, expect, it } from "vitest";
import { plugins } from "./registry.ts";

describe("plugin registry and the protocol's monitor options", () => {
  it("knows the same monitor types as the protocol", () => {
    expect(Object.keys(plugins).sort()).toEqual([...MONITOR_TYPES].sort());
  });

  it.each(Object.entries(plugins))(
    "validates %s options with the protocol's schema itself, so the backend accepts and refuses the same",
    (type, plugin) => {
      expect(plugin.configSchema).toBe(MONITOR_OPTIONS[type as keyof typeof MONITOR_OPTIONS]);
    },
  );
});
