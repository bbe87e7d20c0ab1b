import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UnsupportedError } from "../types.ts";
import { plugin } from "./index.ts";
import { fakeTool, testContext } from "./test-context.ts";

const fixtures = join(import.meta.dirname, "fixtures");
const config = (input: Record<string, unknown>) => plugin.configSchema.parse(input);

describe("ups runner", () => {
  it("runs upsc for the configured UPS and reports samples and an ok check", async () => {
    const dir = await fakeTool(
      "upsc",
      `[ "$1" = "ec850@pilog3b" ] || { echo "Error: Unknown UPS" >&2; exit 1; }
cat "${fixtures}/cyberpower-ec850lcd-online.stderr.txt" >&2
cat "${fixtures}/cyberpower-ec850lcd-online.txt"`,
    );
    const ctx = testContext({ path: dir });
    const instance = await plugin.create(config({ ups: "ec850@pilog3b" }), ctx);
    const result = await instance.collect(new AbortController().signal);
    expect(result.checks).toEqual([
      expect.objectContaining({
        status: "ok",
        message: "EC850LCD: online, charge 100%, runtime 11 min, load 40%",
      }),
    ]);
    const byName = Object.fromEntries(result.samples.map((s) => [s.name, s]));
    expect(byName["ups.battery.charge_percent"]).toEqual({
      name: "ups.battery.charge_percent",
      value: 100,
      labels: { ups: "ec850@pilog3b" },
    });
    expect(byName["ups.runtime_seconds"]?.value).toBe(675);
    expect(byName["ups.load_percent"]?.value).toBe(40);
    expect(byName["ups.on_battery"]?.value).toBe(0);
  });

  it("is down when the UPS is on battery below the configured charge", async () => {
    const dir = await fakeTool("upsc", `cat "${fixtures}/sweex-1500va-on-battery.txt"`);
    const instance = await plugin.create(
      config({ ups: "ups", min_charge_percent: 20 }),
      testContext({ path: dir }),
    );
    const { checks } = await instance.collect(new AbortController().signal);
    expect(checks[0]?.status).toBe("down");
    expect(checks[0]?.message).toMatch(/on battery below 20%: on battery, charge 12%/);
  });

  it("is down with upsc's error when the UPS cannot be read", async () => {
    const dir = await fakeTool("upsc", `echo "Error: Driver not connected" >&2; exit 1`);
    const instance = await plugin.create(config({ ups: "ups@nas" }), testContext({ path: dir }));
    const { checks, samples } = await instance.collect(new AbortController().signal);
    expect(samples).toEqual([]);
    expect(checks[0]).toMatchObject({
      status: "down",
      message: "upsc ups@nas failed: Error: Driver not connected",
    });
  });

  it("is down with a timeout message when upsc hangs", async () => {
    const dir = await fakeTool("upsc", "exec sleep 5");
    const instance = await plugin.create(config({ ups: "ups" }), testContext({ path: dir, timeoutMs: 300 }));
    const { checks } = await instance.collect(new AbortController().signal);
    expect(checks[0]).toMatchObject({ status: "down", message: "upsc ups: upsc timed out after 300 ms" });
  });

  it("reports unsupported with install advice when upsc is not installed", async () => {
    const instance = await plugin.create(config({ ups: "ups", command: "/nonexistent/upsc" }), testContext());
    const attempt = instance.collect(new AbortController().signal);
    await expect(attempt).rejects.toBeInstanceOf(UnsupportedError);
    await expect(attempt).rejects.toThrow(/not installed.*apt install nut-client/);
  });

  it("rejects unknown config keys by name", () => {
    const parsed = plugin.configSchema.safeParse({ ups: "ups", min_charge: 10 });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain("min_charge");
  });
});
