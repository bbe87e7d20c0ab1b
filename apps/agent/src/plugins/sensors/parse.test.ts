import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type HwmonChip, readChips } from "./parse.ts";

/** The recorded tree as plain data (the runner test reads the same files from disk). */
const root = join(import.meta.dirname, "fixtures", "hwmon");
const chips: HwmonChip[] = readdirSync(root).map((dir) => ({
  dir,
  files: Object.fromEntries(
    readdirSync(join(root, dir)).map((f) => [f, readFileSync(join(root, dir, f), "utf8").trim()]),
  ),
}));

describe("reading a recorded hwmon tree (coretemp + nvme + nct6798)", () => {
  const readings = readChips(chips);

  it.each([
    { chip: "nvme", sensor: "Composite", celsius: 34.85, maxC: 82.85, critC: 84.85 },
    { chip: "nvme", sensor: "Sensor 1", celsius: 34.85, maxC: 65261.85, critC: undefined },
    { chip: "coretemp", sensor: "Package id 0", celsius: 37, maxC: 80, critC: 100 },
    { chip: "coretemp", sensor: "Core 31", celsius: 35, maxC: 80, critC: 100 },
    { chip: "nct6798", sensor: "CPUTIN", celsius: 37, maxC: 80, critC: 100 },
    { chip: "nct6798", sensor: "PECI Agent 0", celsius: 37.5, maxC: 80, critC: undefined },
    { chip: "nct6798", sensor: "AUXTIN3", celsius: -1, maxC: 80, critC: 100 },
  ])("reads $chip/$sensor in °C with the chip's limits", (expected) => {
    expect(readings.temperatures).toContainEqual(expected);
  });

  it("counts every temperature and fan the recording has", () => {
    expect(readings.temperatures).toHaveLength(2 + 15 + 12);
    expect(readings.fans).toEqual([
      { chip: "nct6798", sensor: "fan1", rpm: 1278 },
      { chip: "nct6798", sensor: "fan2", rpm: 1278 },
      { chip: "nct6798", sensor: "fan3", rpm: 0 },
      { chip: "nct6798", sensor: "fan4", rpm: 0 },
      { chip: "nct6798", sensor: "fan5", rpm: 0 },
      { chip: "nct6798", sensor: "fan7", rpm: 0 },
    ]);
  });

  it("tells two chips with the same name apart by their directory", () => {
    const nvme = chips.find((c) => c.dir === "hwmon0");
    const twoDisks = readChips([...chips, { dir: "hwmon7", files: { ...nvme?.files } }]);
    expect(new Set(twoDisks.temperatures.filter((t) => t.sensor === "Composite").map((t) => t.chip))).toEqual(
      new Set(["nvme", "nvme-hwmon7"]),
    );
  });

  it("names a sensor without a label by its file", () => {
    expect(
      readChips([{ dir: "hwmon0", files: { name: "acpitz", temp1_input: "27800", temp1_crit: "105000" } }])
        .temperatures,
    ).toEqual([{ chip: "acpitz", sensor: "temp1", celsius: 27.8, maxC: undefined, critC: 105 }]);
  });
});
