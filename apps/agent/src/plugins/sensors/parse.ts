/**
 * Pure interpretation of the Linux hwmon sysfs interface (Documentation/hwmon/sysfs-interface):
 * one directory per chip with `name`, `tempN_input` in millidegrees Celsius, optional
 * `tempN_label`, `tempN_max`, `tempN_crit`, and `fanN_input` in RPM. Files -> readings;
 * evaluate.ts judges them.
 */

/** The raw attribute files of one hwmon directory, e.g. { name: "coretemp", temp1_input: "37000" }. */
export interface HwmonChip {
  /** Directory name, e.g. `hwmon2`. */
  dir: string;
  files: Record<string, string>;
}

interface Temperature {
  chip: string;
  sensor: string;
  celsius: number;
  /** The chip's own limits, when it reports them. */
  maxC?: number;
  critC?: number;
}

interface Fan {
  chip: string;
  sensor: string;
  rpm: number;
}

export interface SensorReadings {
  temperatures: Temperature[];
  fans: Fan[];
}

/** Attribute files the reader needs; everything else in a hwmon directory is skipped. */
export const ATTRIBUTE = /^(name|temp\d+_(input|label|max|crit)|fan\d+_(input|label|min))$/;

const milli = (text: string | undefined) => {
  if (text === undefined || text.trim() === "") return undefined;
  const value = Number(text.trim());
  return Number.isFinite(value) ? value / 1000 : undefined;
};

/**
 * Turns hwmon directories into readings. Chips sharing a name (two NVMe disks) are told
 * apart by their directory: `nvme` and `nvme-hwmon3`. Sensors are named by their label, or
 * `tempN` / `fanN` when the driver gives none.
 */
export function readChips(chips: HwmonChip[]): SensorReadings {
  const counts = new Map<string, number>();
  for (const chip of chips) {
    const name = chip.files.name?.trim() ?? chip.dir;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const seen = new Set<string>();
  const temperatures: Temperature[] = [];
  const fans: Fan[] = [];
  const ordered = [...chips].sort(
    (a, b) => Number(a.dir.replace(/\D/g, "")) - Number(b.dir.replace(/\D/g, "")),
  );
  for (const { dir, files } of ordered) {
    const base = files.name?.trim() ?? dir;
    const chip = (counts.get(base) ?? 0) > 1 && seen.has(base) ? `${base}-${dir}` : base;
    seen.add(base);
    const indexes = (prefix: string) =>
      [
        ...new Set(
          Object.keys(files)
            .map((key) => new RegExp(`^${prefix}(\\d+)_input$`).exec(key)?.[1])
            .filter((n): n is string => n !== undefined),
        ),
      ].sort((a, b) => Number(a) - Number(b));

    for (const n of indexes("temp")) {
      const celsius = milli(files[`temp${n}_input`]);
      if (celsius === undefined) continue;
      temperatures.push({
        chip,
        sensor: files[`temp${n}_label`]?.trim() || `temp${n}`,
        celsius,
        maxC: milli(files[`temp${n}_max`]),
        critC: milli(files[`temp${n}_crit`]),
      });
    }
    for (const n of indexes("fan")) {
      const rpm = Number(files[`fan${n}_input`]?.trim());
      if (!Number.isFinite(rpm)) continue;
      fans.push({ chip, sensor: files[`fan${n}_label`]?.trim() || `fan${n}`, rpm });
    }
  }
  return { temperatures, fans };
}
