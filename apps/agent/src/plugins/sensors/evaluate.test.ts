import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluateSensors, filterReadings, matcher } from "./evaluate.ts";
import { type HwmonChip, readChips } from "./parse.ts";

/** The recorded tree as plain data (the runner test reads the same files from disk). */
const root = join(import.meta.dirname, "fixtures", "hwmon");
const chips: HwmonChip[] = readdirSync(root).map((dir) => ({
  dir,
  files: Object.fromEntries(
    readdirSync(join(root, dir)).map((f) => [f, readFileSync(join(root, dir, f), "utf8").trim()]),
  ),
}));
const rules = { ignore: [], fans: [], min_fan_rpm: 200 };

describe("judging temperatures and fans", () => {
  const readings = readChips(chips);
  const unconnected = ["nct6798/AUXTIN*", "nct6798/SYSTIN", "nct6798/PCH_*"];

  it("is down on this board as recorded: unconnected SYSTIN/AUXTIN inputs read above the chip's critical level", () => {
    const verdict = evaluateSensors(readings, rules);
    expect(verdict.status).toBe("down");
    expect(verdict.message).toMatch(/^nct6798\/SYSTIN 120 °C \(critical 100 °C\), nct6798\/AUXTIN0 111 °C/);
  });

  it("is ok once the unconnected inputs are ignored", () => {
    const verdict = evaluateSensors(filterReadings(readings, unconnected), rules);
    expect(verdict).toEqual({
      status: "ok",
      message: "19 temperatures, 6 fans, hottest nct6798/PECI Agent 0 37.5 °C",
    });
  });

  it.each([
    {
      name: "a configured warning level is degraded",
      extra: { warn_c: 36 },
      status: "degraded",
      message: /coretemp\/Package id 0 37 °C \(high 36 °C\)/,
    },
    {
      name: "a configured critical level is down",
      extra: { crit_c: 37 },
      status: "down",
      message: /coretemp\/Package id 0 37 °C \(critical 37 °C\)/,
    },
    {
      name: "a watched fan that stopped is degraded",
      extra: { fans: ["nct6798/fan1", "nct6798/fan3"] },
      status: "degraded",
      message: /^nct6798\/fan3 at 0 RPM$/,
    },
  ])("$name", ({ extra, status, message }) => {
    const verdict = evaluateSensors(filterReadings(readings, unconnected), { ...rules, ...extra });
    expect(verdict.status).toBe(status);
    expect(verdict.message).toMatch(message);
  });

  it.each([
    ["nct6798/AUXTIN*", "nct6798", "AUXTIN4", true],
    ["nct6798/AUXTIN*", "nct6798", "CPUTIN", false],
    ["*/Core *", "coretemp", "Core 12", true],
    ["coretemp/core 0", "coretemp", "Core 0", true],
    ["nvme/Sensor 1", "nvme", "Sensor 10", false],
  ])("pattern %s matches %s/%s: %s", (pattern, chip, sensor, expected) => {
    expect(matcher([pattern])(chip, sensor)).toBe(expected);
  });
});
