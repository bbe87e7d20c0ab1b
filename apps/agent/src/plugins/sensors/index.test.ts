import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UnsupportedError } from "../types.ts";
import { testContext } from "../ups/test-context.ts";
import { plugin } from "./index.ts";

const recorded = join(import.meta.dirname, "fixtures", "hwmon");
const config = (input: Record<string, unknown>) => plugin.configSchema.parse(input);
const signal = () => new AbortController().signal;

describe("sensors runner", () => {
  it("reads the hwmon tree under the configured root and reports temperatures and fans", async () => {
    const instance = await plugin.create(
      config({ root: recorded, ignore: ["nct6798/AUXTIN*", "nct6798/SYSTIN", "nct6798/PCH_*"] }),
      testContext(),
    );
    const { samples, checks } = await instance.collect(signal());
    expect(checks).toEqual([
      { status: "ok", message: "19 temperatures, 6 fans, hottest nct6798/PECI Agent 0 37.5 °C" },
    ]);
    expect(samples).toContainEqual({
      name: "sensors.temperature_c",
      value: 37,
      labels: { chip: "coretemp", sensor: "Package id 0" },
    });
    expect(samples).toContainEqual({
      name: "sensors.temperature_c",
      value: 34.85,
      labels: { chip: "nvme", sensor: "Composite" },
    });
    expect(samples).toContainEqual({
      name: "sensors.fan_rpm",
      value: 1278,
      labels: { chip: "nct6798", sensor: "fan1" },
    });
    expect(samples.some((s) => s.labels?.sensor === "SYSTIN")).toBe(false);
  });

  it("reads attributes kept in hwmonN/device/ as older kernels do", async () => {
    const root = await mkdtemp(join(tmpdir(), "custos-hwmon-"));
    await cp(join(recorded, "hwmon1"), join(root, "hwmon0", "device"), { recursive: true });
    const instance = await plugin.create(config({ root }), testContext());
    const { samples } = await instance.collect(signal());
    expect(samples).toHaveLength(15);
    await rm(root, { recursive: true });
  });

  it("is unsupported when the root has no hwmon chips", async () => {
    const root = await mkdtemp(join(tmpdir(), "custos-hwmon-empty-"));
    const instance = await plugin.create(config({ root }), testContext());
    await expect(instance.collect(signal())).rejects.toThrow(
      `no hwmon sensors under ${root} (a virtual machine or container?)`,
    );
  });

  it("is unsupported when the root does not exist", async () => {
    const instance = await plugin.create(config({ root: "/nonexistent/hwmon" }), testContext());
    await expect(instance.collect(signal())).rejects.toThrow(
      "no hwmon sensors: cannot read /nonexistent/hwmon (ENOENT)",
    );
  });

  it("on this machine either reads real sensors or says why it cannot", async () => {
    const instance = await plugin.create(config({}), testContext());
    try {
      const { samples, checks } = await instance.collect(signal());
      expect(checks).toHaveLength(1);
      expect(["ok", "degraded", "down"]).toContain(checks[0]?.status);
      for (const sample of samples) {
        expect(sample.name).toMatch(/^sensors\.(temperature_c|fan_rpm)$/);
        expect(Number.isFinite(sample.value)).toBe(true);
        expect(sample.labels?.chip).toBeTruthy();
      }
    } catch (error) {
      expect(error).toBeInstanceOf(UnsupportedError);
      expect((error as Error).message).toMatch(/^no hwmon sensors/);
    }
  });

  it("rejects a pattern without chip/ and warn above crit", () => {
    expect(plugin.configSchema.safeParse({ ignore: ["SYSTIN"] }).error?.issues[0]?.path).toEqual([
      "ignore",
      0,
    ]);
    expect(plugin.configSchema.safeParse({ warn_c: 90, crit_c: 80 }).error?.issues[0]?.path).toEqual([
      "warn_c",
    ]);
  });
});
