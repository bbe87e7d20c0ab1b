/**
 * Pure verdict on the sensor readings parse.ts made (data -> verdict): which readings are
 * ignored, and the check status from the temperature limits and the watched fans.
 */
import type { CheckStatus } from "@custos/protocol";
import type { SensorReadings } from "./parse.ts";

/** `chip/sensor` patterns with `*` wildcards, e.g. `nct6798/AUXTIN*`. */
export function matcher(patterns: string[]): (chip: string, sensor: string) => boolean {
  const regexes = patterns.map(
    (pattern) =>
      new RegExp(
        `^${pattern
          .split("*")
          .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
          .join(".*")}$`,
        "i",
      ),
  );
  return (chip, sensor) => regexes.some((re) => re.test(`${chip}/${sensor}`));
}

interface SensorRules {
  /** Overrides the chip's own `_max` as the warning level. */
  warn_c?: number;
  /** Overrides the chip's own `_crit` as the critical level. */
  crit_c?: number;
  /** Readings to leave out entirely, `chip/sensor` with `*`. */
  ignore: string[];
  /** Fans that must spin at `min_fan_rpm` or more, `chip/fanN` with `*`. */
  fans: string[];
  min_fan_rpm: number;
}

/** Drops ignored readings. */
export function filterReadings(readings: SensorReadings, ignore: string[]): SensorReadings {
  const ignored = matcher(ignore);
  return {
    temperatures: readings.temperatures.filter((t) => !ignored(t.chip, t.sensor)),
    fans: readings.fans.filter((f) => !ignored(f.chip, f.sensor)),
  };
}

/**
 * `down` when a temperature reaches its critical level (`crit_c`, else the chip's `_crit`);
 * `degraded` when one reaches its warning level (`warn_c`, else the chip's `_max`) or a
 * watched fan runs below `min_fan_rpm`.
 */
export function evaluateSensors(
  readings: SensorReadings,
  rules: SensorRules,
): { status: CheckStatus; message: string } {
  const critical: string[] = [];
  const warnings: string[] = [];
  for (const t of readings.temperatures) {
    const crit = rules.crit_c ?? t.critC;
    const warn = rules.warn_c ?? t.maxC;
    const where = `${t.chip}/${t.sensor} ${t.celsius} °C`;
    if (crit !== undefined && t.celsius >= crit) critical.push(`${where} (critical ${crit} °C)`);
    else if (warn !== undefined && t.celsius >= warn) warnings.push(`${where} (high ${warn} °C)`);
  }
  const watched = matcher(rules.fans);
  for (const f of readings.fans) {
    if (watched(f.chip, f.sensor) && f.rpm < rules.min_fan_rpm)
      warnings.push(`${f.chip}/${f.sensor} at ${f.rpm} RPM`);
  }
  if (critical.length > 0) return { status: "down", message: [...critical, ...warnings].join(", ") };
  if (warnings.length > 0) return { status: "degraded", message: warnings.join(", ") };
  const hottest = [...readings.temperatures].sort((a, b) => b.celsius - a.celsius)[0];
  const summary = hottest ? `, hottest ${hottest.chip}/${hottest.sensor} ${hottest.celsius} °C` : "";
  return {
    status: "ok",
    message: `${readings.temperatures.length} temperatures, ${readings.fans.length} fans${summary}`,
  };
}
