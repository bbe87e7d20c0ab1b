import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluateUps, upsWatts } from "./evaluate.ts";
import { parseUpsc, readUps } from "./parse.ts";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "fixtures", name), "utf8");

describe("judging the UPS", () => {
  const limits = { min_charge_percent: 30 };
  const online = readUps(parseUpsc(fixture("cyberpower-ec850lcd-online.txt")));
  const onBattery = readUps(parseUpsc(fixture("sweex-1500va-on-battery.txt")));

  it.each([
    {
      name: "online is ok",
      reading: online,
      limits,
      status: "ok",
      message: /online, charge 100%, runtime 11 min, load 40%/,
    },
    {
      name: "on battery below the charge threshold is down",
      reading: onBattery,
      limits,
      status: "down",
      message: /on battery below 30%/,
    },
    {
      name: "on battery above the charge threshold is degraded",
      reading: onBattery,
      limits: { min_charge_percent: 10 },
      status: "degraded",
      message: /^on battery, charge 12%/,
    },
    {
      name: "low battery flag is down whatever the charge",
      reading: { ...online, flags: ["OB", "DISCHRG", "LB"], onBattery: true, lowBattery: true },
      limits,
      status: "down",
      message: /^low battery: on battery, discharging, low battery/,
    },
    {
      name: "on battery with too little runtime is down",
      reading: { ...online, flags: ["OB"], onBattery: true },
      limits: { min_charge_percent: 30, min_runtime_seconds: 900 },
      status: "down",
      message: /less than 15 min left/,
    },
    {
      name: "a battery that needs replacing is degraded",
      reading: { ...online, flags: ["OL", "RB"] },
      limits,
      status: "degraded",
      message: /battery needs replacement/,
    },
    {
      name: "a UPS with no status is degraded",
      reading: { ...online, flags: [] },
      limits,
      status: "degraded",
      message: /no ups.status/,
    },
  ])("$name", ({ reading, limits, status, message }) => {
    const verdict = evaluateUps(reading, limits);
    expect(verdict.status).toBe(status);
    expect(verdict.message).toMatch(message);
  });
});

describe("watts from a UPS", () => {
  it.each([
    {
      name: "load % of ups.realpower.nominal",
      file: "cyberpower-ec850lcd-online.txt",
      override: undefined,
      watts: 180,
    },
    {
      name: "nothing when only VA is known",
      file: "nhs-5000va-online.txt",
      override: undefined,
      watts: undefined,
    },
    {
      name: "load % of the configured nominal watts",
      file: "nhs-5000va-online.txt",
      override: 4000,
      watts: 0,
    },
    {
      name: "load % of the configured nominal watts over the UPS's own",
      file: "cyberpower-ec850lcd-online.txt",
      override: 500,
      watts: 200,
    },
  ])("uses $name", ({ file, override, watts }) => {
    expect(upsWatts(readUps(parseUpsc(fixture(file))), override)).toBe(watts);
  });

  it("prefers measured ups.realpower", () => {
    expect(
      upsWatts(
        readUps({
          "ups.status": "OL",
          "ups.realpower": "213",
          "ups.load": "14",
          "ups.realpower.nominal": "1500",
        }),
      ),
    ).toBe(213);
  });
});
