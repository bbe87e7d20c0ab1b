import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluateDisk } from "./evaluate.ts";
import { parseSmartctl, type SmartReading } from "./parse.ts";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "fixtures", name), "utf8");
const limits = {
  max_reallocated_sectors: 10,
  max_pending_sectors: 0,
  max_offline_uncorrectable: 0,
  max_media_errors: 0,
  max_percentage_used: 90,
};

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
