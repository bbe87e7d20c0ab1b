import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluateDisk, exitBits, parseScan, parseSmartctl, type SmartReading } from "./parse.ts";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "fixtures", name), "utf8");
const limits = {
  max_reallocated_sectors: 10,
  max_pending_sectors: 0,
  max_offline_uncorrectable: 0,
  max_media_errors: 0,
  max_percentage_used: 90,
};

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

describe("judging a disk", () => {
  const sda = parseSmartctl(fixture("sda.json"));
  const nvme = parseSmartctl(fixture("nvme0.json"));
  const failing = parseSmartctl(fixture("sdc-hdd-failing.json"));
  const withNvme = (change: Partial<NonNullable<SmartReading["nvme"]>>): SmartReading => ({
    ...nvme,
    nvme: { ...nvme.nvme, ...change },
  });

  it.each([
    {
      name: "a healthy SATA SSD whose error log has entries (exit 64) is ok",
      reading: sda,
      previous: undefined,
      status: "ok",
      message: "/dev/sda (P3-2TB): health PASSED, 31 °C, 7344 h powered on",
    },
    {
      name: "a healthy NVMe disk is ok",
      reading: nvme,
      previous: undefined,
      status: "ok",
      message: "/dev/nvme0 (PELADN 512GB): health PASSED, 61 °C, 4399 h powered on, 0% used",
    },
    {
      name: "a disk failing its health check is down",
      reading: failing,
      previous: undefined,
      status: "down",
      message: "/dev/sdc (Hitachi HDS721050DLE630): SMART health check FAILED, back up and replace the disk",
    },
    {
      name: "a rise in reallocated sectors since the last check is degraded",
      reading: { ...sda, reallocatedSectors: 3 },
      previous: { reallocated: 0, pending: 0 },
      status: "degraded",
      message: "/dev/sda (P3-2TB): reallocated sectors rose from 0 to 3",
    },
    {
      name: "pending sectors above the limit are degraded",
      reading: { ...sda, pendingSectors: 8 },
      previous: { pending: 8 },
      status: "degraded",
      message: "/dev/sda (P3-2TB): 8 pending sectors",
    },
    {
      name: "reallocated sectors within the limit and stable are ok",
      reading: { ...sda, reallocatedSectors: 4 },
      previous: { reallocated: 4 },
      status: "ok",
      message: expect.stringContaining("health PASSED"),
    },
    {
      name: "new NVMe media errors are degraded",
      reading: withNvme({ mediaErrors: 2 }),
      previous: { mediaErrors: 0 },
      status: "degraded",
      message: "/dev/nvme0 (PELADN 512GB): media errors rose from 0 to 2",
    },
    {
      name: "NVMe wear above the limit is degraded",
      reading: withNvme({ percentageUsed: 97 }),
      previous: undefined,
      status: "degraded",
      message: "/dev/nvme0 (PELADN 512GB): 97% of rated endurance used",
    },
    {
      name: "an NVMe critical warning is degraded",
      reading: withNvme({ criticalWarning: 4 }),
      previous: undefined,
      status: "degraded",
      message: "/dev/nvme0 (PELADN 512GB): NVMe critical warning 0x4",
    },
  ])("$name", ({ reading, previous, status, message }) => {
    expect(evaluateDisk(reading, previous, limits)).toEqual({ status, message });
  });

  it("is degraded above the configured temperature", () => {
    expect(evaluateDisk(nvme, undefined, { ...limits, max_temperature_c: 55 })).toEqual({
      status: "degraded",
      message: "/dev/nvme0 (PELADN 512GB): 61 °C",
    });
  });
});
