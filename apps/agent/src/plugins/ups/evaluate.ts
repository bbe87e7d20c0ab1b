/**
 * Pure verdict on a UPS reading (data -> verdict): the status flags in words, the watts drawn
 * (the power plugin reuses that) and the check status against the charge and runtime limits.
 */
import type { CheckStatus } from "@custos/protocol";
import type { UpsReading } from "./parse.ts";

/** Meaning of the `ups.status` flags, from NUT's docs/new-drivers.txt "Status data". */
const STATUS_FLAGS: Record<string, string> = {
  OL: "online",
  OB: "on battery",
  LB: "low battery",
  HB: "high battery",
  RB: "battery needs replacement",
  CHRG: "charging",
  DISCHRG: "discharging",
  BYPASS: "on bypass",
  CAL: "calibrating",
  OFF: "output off",
  OVER: "overloaded",
  TRIM: "trimming voltage",
  BOOST: "boosting voltage",
  FSD: "forced shutdown",
};

/**
 * Watts drawn by the load: `ups.realpower` when measured, else load % x nominal watts
 * (`nominalWattsOverride`, or the UPS's `ups.realpower.nominal`). Undefined when neither exists;
 * `ups.power.nominal` is VA, not watts, so it is never used for this.
 */
export function upsWatts(reading: UpsReading, nominalWattsOverride?: number): number | undefined {
  if (reading.realpowerWatts !== undefined) return reading.realpowerWatts;
  const nominal = nominalWattsOverride ?? reading.nominalWatts;
  if (nominal === undefined || reading.loadPercent === undefined) return undefined;
  return (reading.loadPercent / 100) * nominal;
}

interface UpsThresholds {
  min_charge_percent: number;
  min_runtime_seconds?: number;
}

function describeFlags(flags: string[]): string {
  if (flags.length === 0) return "no status reported";
  return flags.map((flag) => STATUS_FLAGS[flag] ?? flag).join(", ");
}

/**
 * `down` on low battery (LB), forced shutdown, output off, or on battery below the charge or
 * runtime threshold; `degraded` while on battery otherwise, or when the battery needs
 * replacing, the UPS is overloaded or on bypass.
 */
export function evaluateUps(
  reading: UpsReading,
  limits: UpsThresholds,
): { status: CheckStatus; message: string } {
  const parts = [describeFlags(reading.flags)];
  if (reading.chargePercent !== undefined) parts.push(`charge ${reading.chargePercent}%`);
  if (reading.runtimeSeconds !== undefined)
    parts.push(`runtime ${Math.round(reading.runtimeSeconds / 60)} min`);
  if (reading.loadPercent !== undefined) parts.push(`load ${reading.loadPercent}%`);
  const summary = parts.join(", ");
  const has = (flag: string) => reading.flags.includes(flag);

  if (reading.flags.length === 0) return { status: "degraded", message: "UPS reports no ups.status" };
  if (reading.lowBattery) return { status: "down", message: `low battery: ${summary}` };
  if (has("FSD")) return { status: "down", message: `forced shutdown in progress: ${summary}` };
  if (has("OFF")) return { status: "down", message: `UPS output is off: ${summary}` };
  if (reading.onBattery) {
    if (reading.chargePercent !== undefined && reading.chargePercent < limits.min_charge_percent) {
      return { status: "down", message: `on battery below ${limits.min_charge_percent}%: ${summary}` };
    }
    if (
      limits.min_runtime_seconds !== undefined &&
      reading.runtimeSeconds !== undefined &&
      reading.runtimeSeconds < limits.min_runtime_seconds
    ) {
      return {
        status: "down",
        message: `on battery with less than ${Math.round(limits.min_runtime_seconds / 60)} min left: ${summary}`,
      };
    }
    return { status: "degraded", message: summary };
  }
  if (has("RB") || has("OVER") || has("BYPASS")) return { status: "degraded", message: summary };
  return { status: "ok", message: summary };
}
