/**
 * Sensors plugin: temperatures and fan speeds from the kernel's hwmon sysfs tree
 * (`/sys/class/hwmon/hwmon*`), no lm-sensors needed. Reading files is all the runner does;
 * parse.ts turns them into readings and evaluate.ts judges those.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { SensorsMonitorOptions } from "@custos/protocol";
import type { Collected, Sample } from "../types.ts";
import { definePlugin, UnsupportedError } from "../types.ts";
import { evaluateSensors, filterReadings } from "./evaluate.ts";
import { ATTRIBUTE, type HwmonChip, readChips } from "./parse.ts";

/** Reads the attribute files of every hwmonN directory; unreadable attributes (EIO, ENODATA) are skipped. */
async function readHwmonTree(root: string): Promise<HwmonChip[]> {
  let entries: string[];
  try {
    entries = (await readdir(root)).filter((entry) => /^hwmon\d+$/.test(entry));
  } catch (error) {
    throw new UnsupportedError(
      `no hwmon sensors: cannot read ${root} (${(error as NodeJS.ErrnoException).code})`,
    );
  }
  const chips: HwmonChip[] = [];
  for (const dir of entries) {
    // Older kernels keep the attributes in hwmonN/device/.
    for (const base of [join(root, dir), join(root, dir, "device")]) {
      let names: string[];
      try {
        names = (await readdir(base)).filter((name) => ATTRIBUTE.test(name));
      } catch {
        continue;
      }
      if (!names.includes("name")) continue;
      const files: Record<string, string> = {};
      await Promise.all(
        names.map(async (name) => {
          try {
            files[name] = (await readFile(join(base, name), "utf8")).trim();
          } catch {
            // a sensor that is not ready or not connected: leave it out
          }
        }),
      );
      chips.push({ dir, files });
      break;
    }
  }
  if (chips.length === 0)
    throw new UnsupportedError(`no hwmon sensors under ${root} (a virtual machine or container?)`);
  return chips;
}

export const plugin = definePlugin({
  type: "sensors",
  configSchema: SensorsMonitorOptions,
  defaultIntervalMs: 60_000,
  defaultName: () => "sensors",
  create(config) {
    return {
      async collect(): Promise<Collected> {
        const readings = filterReadings(readChips(await readHwmonTree(config.root)), config.ignore);
        const samples: Sample[] = [
          ...readings.temperatures.map((t) => ({
            name: "sensors.temperature_c",
            value: t.celsius,
            labels: { chip: t.chip, sensor: t.sensor },
          })),
          ...readings.fans.map((f) => ({
            name: "sensors.fan_rpm",
            value: f.rpm,
            labels: { chip: f.chip, sensor: f.sensor },
          })),
        ];
        const verdict = evaluateSensors(readings, config);
        return { samples, checks: [{ status: verdict.status, message: verdict.message }] };
      },
    };
  },
});
