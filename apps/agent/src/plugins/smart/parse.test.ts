import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exitBits, parseScan, parseSmartctl } from "./parse.ts";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "fixtures", name), "utf8");

describe("reading recorded smartctl --json -a output", () => {
  it.each([
    {
      file: "sda.json",
      expected: {
        device: "/dev/sda",
        protocol: "ATA",
        model: "P3-2TB",
        exitStatus: 64,
        passed: true,
        temperatureC: 31,
        powerOnHours: 7344,
        reallocatedSectors: 0,
        pendingSectors: 0,
        offlineUncorrectable: 0,
        nvme: undefined,
      },
    },
    {
      file: "nvme0.json",
      expected: {
        device: "/dev/nvme0",
        protocol: "NVMe",
        model: "PELADN 512GB",
        exitStatus: 0,
        passed: true,
        temperatureC: 61,
        powerOnHours: 4399,
        reallocatedSectors: undefined,
        nvme: { percentageUsed: 0, mediaErrors: 0, criticalWarning: 0, availableSparePercent: 100 },
      },
    },
    {
      file: "sdc-hdd-failing.json",
      expected: {
        device: "/dev/sdc",
        model: "Hitachi HDS721050DLE630",
        exitStatus: 216,
        passed: false,
        temperatureC: 25,
        powerOnHours: 65592,
        reallocatedSectors: 1975,
        pendingSectors: 8,
        offlineUncorrectable: 0,
      },
    },
    {
      file: "sdz-missing.json",
      expected: {
        exitStatus: 2,
        errors: ["Smartctl open device: /dev/sdz failed: No such device"],
        passed: undefined,
      },
    },
  ])("reads health, counters, temperature and hours from $file", ({ file, expected }) => {
    expect(parseSmartctl(fixture(file))).toMatchObject(expected);
  });

  it("takes the temperature from the leading number of a packed raw value", () => {
    const json = JSON.parse(fixture("sdc-hdd-failing.json"));
    delete json.temperature;
    // attribute 194's raw.value is 167504969753 (packed min/max); raw.string is "25 (Min/Max 19/39)"
    expect(parseSmartctl(JSON.stringify(json)).temperatureC).toBe(25);
  });

  it("lists the devices smartctl --scan found, with their -d type", () => {
    expect(parseScan(fixture("scan.json"))).toEqual([
      { path: "/dev/sda", type: "sat" },
      { path: "/dev/nvme0", type: "nvme" },
    ]);
    expect(parseScan(fixture("scan-none.json"))).toEqual([]);
  });
});

describe("smartctl's exit status is a bit mask", () => {
  it.each([
    { code: 0, set: [] },
    { code: 2, set: ["openFailed"] },
    { code: 64, set: ["errorLog"] },
    { code: 216, set: ["diskFailing", "prefailBelowThreshold", "errorLog", "selfTestErrors"] },
  ])("decodes $code", ({ code, set }) => {
    const bits = exitBits(code);
    expect(
      Object.entries(bits)
        .filter(([, on]) => on)
        .map(([name]) => name),
    ).toEqual(set);
  });
});
