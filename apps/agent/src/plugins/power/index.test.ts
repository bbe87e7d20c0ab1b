import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UnsupportedError } from "../types.ts";
import { fakeTool, testContext } from "../ups/test-context.ts";
import { plugin, powerPlugin } from "./index.ts";

const upsFixtures = join(import.meta.dirname, "..", "ups", "fixtures");
const fixtures = join(import.meta.dirname, "fixtures");
const config = (input: Record<string, unknown>) => plugin.configSchema.parse(input);
const signal = () => new AbortController().signal;
/** A fixed wall clock, far from midnight in the zone the tests configure: the day is known. */
const NOON_IN_BERLIN = Date.UTC(2026, 10, 22, 11, 0, 0);

describe("power runner", () => {
  it("takes watts from the UPS load and nominal power and prices today's energy", async () => {
    const dir = await fakeTool("upsc", `cat "${upsFixtures}/cyberpower-ec850lcd-online.txt"`);
    const ctx = testContext({ path: dir });
    let now = NOON_IN_BERLIN;
    const instance = await powerPlugin(() => now).create(
      config({
        source: "ups",
        ups: "ec850",
        tariff_per_kwh: 0.3,
        currency: "EUR",
        time_zone: "Europe/Berlin",
      }),
      ctx,
    );
    const first = await instance.collect(signal());
    expect(first.samples.find((s) => s.name === "power.watts")).toMatchObject({
      value: 180,
      labels: { source: "ups" },
    });
    expect(first.samples.find((s) => s.name === "power.cost_today")).toMatchObject({
      value: 0,
      labels: { currency: "EUR" },
    });
    expect(first.checks[0]).toMatchObject({
      status: "ok",
      message: expect.stringMatching(/^180 W \(UPS\), 0 kWh today \(0 EUR\)$/),
    });
    now += 60_000;
    await instance.collect(signal());
    // 180 W for a minute: 3 Wh
    expect(ctx.state.get<{ day: string; kwh: number }>("energy")).toMatchObject({
      day: "2026-11-22",
      kwh: expect.closeTo(0.003, 9),
    });
  });

  it("keeps today's total when the agent restarts (state survives, instance does not)", async () => {
    const dir = await fakeTool("upsc", `cat "${upsFixtures}/cyberpower-ec850lcd-online.txt"`);
    const ctx = testContext({ path: dir });
    ctx.state.set("energy", {
      day: "2026-11-22",
      kwh: 1.234,
      last: { ts: NOON_IN_BERLIN - 10_000, watts: 180 },
    });
    const restarted = await powerPlugin(() => NOON_IN_BERLIN).create(
      config({ source: "ups", ups: "ec850", time_zone: "Europe/Berlin" }),
      ctx,
    );
    const { samples } = await restarted.collect(signal());
    // the 10 s gap at 180 W is bridged: 0.5 Wh more
    expect(samples.find((s) => s.name === "power.kwh_today")?.value).toBe(1.2345);
  });

  it("says which setting is missing when the UPS reports only VA", async () => {
    const dir = await fakeTool("upsc", `cat "${upsFixtures}/nhs-5000va-online.txt"`);
    const instance = await plugin.create(config({ source: "ups", ups: "nhs" }), testContext({ path: dir }));
    const { checks, samples } = await instance.collect(signal());
    expect(samples).toEqual([]);
    expect(checks[0]).toMatchObject({
      status: "degraded",
      message: expect.stringContaining("set nominal_watts"),
    });
  });

  it("is unsupported when source is ups and upsc is not installed", async () => {
    const instance = await plugin.create(
      config({ source: "ups", ups: "x", command: "/nonexistent/upsc" }),
      testContext(),
    );
    await expect(instance.collect(signal())).rejects.toBeInstanceOf(UnsupportedError);
  });

  it("estimates watts from CPU utilisation read from /proc/stat", async () => {
    const proc = await mkdtemp(join(tmpdir(), "custos-proc-"));
    await writeFile(join(proc, "stat"), await readFile(join(fixtures, "proc-stat-1.txt")));
    const instance = await plugin.create(
      config({ source: "cpu", idle_watts: 20, max_watts: 120, proc_path: proc }),
      testContext({ timeoutMs: 200 }),
    );
    // First run samples a short window; the counters do not move, so 0% CPU: idle watts.
    const first = await instance.collect(signal());
    expect(first.samples.find((s) => s.name === "power.watts")).toMatchObject({
      value: 20,
      labels: { source: "cpu" },
    });
    await writeFile(join(proc, "stat"), await readFile(join(fixtures, "proc-stat-2.txt")));
    const second = await instance.collect(signal());
    // 318 busy of 392 jiffies between the two recordings: 20 + 100 * 0.811 = 101.1 W
    expect(second.samples.find((s) => s.name === "power.watts")?.value).toBeCloseTo(101.1, 1);
    expect(second.checks[0]?.message).toMatch(/^101 W \(CPU estimate\)/);
  });

  it("is unsupported with the reason when /proc/stat cannot be read", async () => {
    const instance = await plugin.create(
      config({ source: "cpu", idle_watts: 20, max_watts: 120, proc_path: "/nonexistent" }),
      testContext(),
    );
    await expect(instance.collect(signal())).rejects.toThrow(/cannot read \/nonexistent\/stat .*ENOENT/);
  });

  it.each([
    { input: { source: "cpu", idle_watts: 20 }, path: "max_watts", message: "required when source is cpu" },
    { input: { source: "ups" }, path: "ups", message: "required when source is ups" },
    {
      input: { source: "cpu", idle_watts: 90, max_watts: 50 },
      path: "max_watts",
      message: "must be at least idle_watts",
    },
    { input: { source: "ups", ups: "u", tariff: 0.3 }, path: "", message: "tariff" },
    {
      input: { source: "ups", ups: "u", time_zone: "Mars/Olympus" },
      path: "time_zone",
      message: "unknown time zone",
    },
  ])("rejects a bad config naming $path", ({ input, path, message }) => {
    const parsed = plugin.configSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    const issue = parsed.error?.issues.find((i) => i.path.join(".") === path);
    expect(JSON.stringify(issue)).toContain(message);
  });
});
