/**
 * Pure verdict on one disk's SMART reading (data -> verdict): the bad-sector counts kept between
 * checks, and the check status against the limits. parse.ts reads smartctl's JSON and exit status.
 */
import type { CheckStatus } from "@custos/protocol";
import { exitBits, type SmartReading } from "./parse.ts";

/** Bad-sector counters kept between checks to spot a rise. */
export interface SectorCounts {
  reallocated?: number;
  pending?: number;
  offlineUncorrectable?: number;
  mediaErrors?: number;
}

export function sectorCounts(reading: SmartReading): SectorCounts {
  return {
    reallocated: reading.reallocatedSectors,
    pending: reading.pendingSectors,
    offlineUncorrectable: reading.offlineUncorrectable,
    mediaErrors: reading.nvme?.mediaErrors,
  };
}

interface SmartLimits {
  max_reallocated_sectors: number;
  max_pending_sectors: number;
  max_offline_uncorrectable: number;
  max_media_errors: number;
  max_percentage_used: number;
  max_temperature_c?: number;
}

const LABELS: Record<keyof SectorCounts, string> = {
  reallocated: "reallocated sectors",
  pending: "pending sectors",
  offlineUncorrectable: "offline uncorrectable sectors",
  mediaErrors: "media errors",
};

/**
 * `down` when the disk's health self-assessment failed; `degraded` when bad-sector counts rose
 * since the last check, are above the limits, NVMe wear is above `max_percentage_used`, an
 * NVMe critical warning is set, or the temperature is above `max_temperature_c`.
 */
export function evaluateDisk(
  reading: SmartReading,
  previous: SectorCounts | undefined,
  limits: SmartLimits,
): { status: CheckStatus; message: string } {
  const name = reading.model ? `${reading.device} (${reading.model})` : reading.device;
  if (reading.passed === false || exitBits(reading.exitStatus).diskFailing) {
    return { status: "down", message: `${name}: SMART health check FAILED, back up and replace the disk` };
  }

  const problems: string[] = [];
  const now = sectorCounts(reading);
  const maxima: Record<keyof SectorCounts, number> = {
    reallocated: limits.max_reallocated_sectors,
    pending: limits.max_pending_sectors,
    offlineUncorrectable: limits.max_offline_uncorrectable,
    mediaErrors: limits.max_media_errors,
  };
  for (const key of Object.keys(LABELS) as (keyof SectorCounts)[]) {
    const value = now[key];
    if (value === undefined) continue;
    const before = previous?.[key];
    if (before !== undefined && value > before)
      problems.push(`${LABELS[key]} rose from ${before} to ${value}`);
    else if (value > maxima[key]) problems.push(`${value} ${LABELS[key]}`);
  }
  const nvme = reading.nvme;
  if (nvme?.criticalWarning) problems.push(`NVMe critical warning 0x${nvme.criticalWarning.toString(16)}`);
  if (nvme?.percentageUsed !== undefined && nvme.percentageUsed > limits.max_percentage_used) {
    problems.push(`${nvme.percentageUsed}% of rated endurance used`);
  }
  if (
    limits.max_temperature_c !== undefined &&
    reading.temperatureC !== undefined &&
    reading.temperatureC > limits.max_temperature_c
  ) {
    problems.push(`${reading.temperatureC} °C`);
  }
  if (problems.length > 0) return { status: "degraded", message: `${name}: ${problems.join(", ")}` };

  const facts = [reading.passed === undefined ? "health not reported" : "health PASSED"];
  if (reading.temperatureC !== undefined) facts.push(`${reading.temperatureC} °C`);
  if (reading.powerOnHours !== undefined) facts.push(`${reading.powerOnHours} h powered on`);
  if (nvme?.percentageUsed !== undefined) facts.push(`${nvme.percentageUsed}% used`);
  return { status: "ok", message: `${name}: ${facts.join(", ")}` };
}
