import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseUpsc, readUps } from "./parse.ts";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "fixtures", name), "utf8");

describe("reading recorded upsc output", () => {
  it.each([
    {
      file: "cyberpower-ec850lcd-online.txt",
      expected: {
        flags: ["OL"],
        online: true,
        onBattery: false,
        chargePercent: 100,
        runtimeSeconds: 675,
        loadPercent: 40,
        inputVoltage: 123,
        nominalWatts: 450,
      },
    },
    {
      file: "sweex-1500va-on-battery.txt",
      expected: {
        flags: ["OB"],
        online: false,
        onBattery: true,
        chargePercent: 12,
        loadPercent: 3,
        inputVoltage: 6.4,
        nominalWatts: undefined,
      },
    },
    {
      file: "nhs-5000va-online.txt",
      expected: {
        flags: ["OL"],
        online: true,
        chargePercent: 100,
        runtimeSeconds: 0,
        loadPercent: 0,
        nominalVa: 5000,
        nominalWatts: undefined,
      },
    },
  ])("reads status, charge, runtime, load and nominal power from $file", ({ file, expected }) => {
    expect(readUps(parseUpsc(fixture(file)))).toMatchObject(expected);
  });

  it("skips lines that are not variables, like upsc's SSL notice", () => {
    const vars = parseUpsc(
      `Init SSL without certificate database\n${fixture("cyberpower-ec850lcd-online.txt")}`,
    );
    expect(vars["ups.status"]).toBe("OL");
    expect(Object.keys(vars)).not.toContain("Init SSL without certificate database");
  });

  it("keeps values that contain a colon-space intact", () => {
    expect(parseUpsc("driver.version.usb: libusb-1.0.26 (API: 0x1000109)")["driver.version.usb"]).toBe(
      "libusb-1.0.26 (API: 0x1000109)",
    );
  });
});
