/**
 * Pure parser of NUT's `upsc <ups>` output (text -> data): one `variable: value` line per
 * variable (see the NUT developer guide, "Variables"), read into a UpsReading. Nothing here
 * touches the outside world, so the power plugin reuses it; evaluate.ts judges the reading.
 */

export type UpsVariables = Record<string, string>;

export interface UpsReading {
  model?: string;
  /** Raw flags of `ups.status`, e.g. ["OB", "DISCHRG"]. */
  flags: string[];
  online: boolean;
  onBattery: boolean;
  lowBattery: boolean;
  chargePercent?: number;
  runtimeSeconds?: number;
  loadPercent?: number;
  inputVoltage?: number;
  outputVoltage?: number;
  batteryVoltage?: number;
  /** `ups.realpower`: measured output in watts, when the UPS reports it. */
  realpowerWatts?: number;
  /** `ups.realpower.nominal`: rated output in watts. */
  nominalWatts?: number;
  /** `ups.power.nominal`: rated apparent power in VA. */
  nominalVa?: number;
}

/** Splits `upsc` output into variables. Lines without `: ` (e.g. "Init SSL without certificate database") are skipped. */
export function parseUpsc(text: string): UpsVariables {
  const vars: UpsVariables = {};
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(": ");
    if (at <= 0) continue;
    const key = line.slice(0, at).trim();
    if (!/^[a-z0-9_.]+$/i.test(key)) continue;
    vars[key] = line.slice(at + 2).trim();
  }
  return vars;
}

function num(vars: UpsVariables, key: string): number | undefined {
  const raw = vars[key];
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
}

export function readUps(vars: UpsVariables): UpsReading {
  const flags = (vars["ups.status"] ?? "").split(/\s+/).filter(Boolean);
  return {
    model: vars["ups.model"] ?? vars["device.model"],
    flags,
    online: flags.includes("OL"),
    onBattery: flags.includes("OB"),
    lowBattery: flags.includes("LB"),
    chargePercent: num(vars, "battery.charge"),
    runtimeSeconds: num(vars, "battery.runtime"),
    loadPercent: num(vars, "ups.load"),
    inputVoltage: num(vars, "input.voltage"),
    outputVoltage: num(vars, "output.voltage"),
    batteryVoltage: num(vars, "battery.voltage"),
    realpowerWatts: num(vars, "ups.realpower"),
    nominalWatts: num(vars, "ups.realpower.nominal"),
    nominalVa: num(vars, "ups.power.nominal"),
  };
}
