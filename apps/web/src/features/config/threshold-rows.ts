/**
 * The threshold form's model (decision 0037): a central threshold as a row of text inputs and
 * back, the presets for the metrics the agent's system and sensors plugins really send, and where
 * an API error's field (`thresholds.2.warn_above`) points in the form. Pure, so it is unit tested.
 */
import type { CentralThreshold } from "@custos/protocol";

/** One threshold as the form edits it: every input is text until it is sent. */
export interface ThresholdRow {
  /** React key only; never sent. */
  key: string;
  metric: string;
  /** `mount=/, chip=coretemp`: only samples carrying these labels. */
  labels: string;
  name: string;
  warn_above: string;
  crit_above: string;
  warn_below: string;
  crit_below: string;
  for: string;
  missing_after: string;
}

export const BOUND_FIELDS = ["warn_above", "crit_above", "warn_below", "crit_below"] as const;
export type BoundField = (typeof BOUND_FIELDS)[number];

export interface Preset {
  id: string;
  label: string;
  /** What the metric's values are, for the hint next to the bounds. */
  unit: string;
  row: Omit<ThresholdRow, "key">;
}

const EMPTY: Omit<ThresholdRow, "key"> = {
  metric: "",
  labels: "",
  name: "",
  warn_above: "",
  crit_above: "",
  warn_below: "",
  crit_below: "",
  for: "",
  missing_after: "",
};

/**
 * Metric names as apps/agent/src/plugins/system and sensors send them. All three usages are
 * percent (0 to 100), not ratios; temperatures are degrees Celsius. A disk threshold names its
 * mount: without the label the newest sample of any mount would be compared.
 */
export const PRESETS: readonly Preset[] = [
  {
    id: "cpu",
    label: "CPU",
    unit: "percent (0–100)",
    row: { ...EMPTY, metric: "cpu.percent", warn_above: "80", crit_above: "95", for: "5m" },
  },
  {
    id: "memory",
    label: "Memory",
    unit: "percent used (0–100)",
    row: { ...EMPTY, metric: "memory.used_percent", warn_above: "85", crit_above: "95", for: "5m" },
  },
  {
    id: "disk",
    label: "Disk /",
    unit: "percent used of the mount (0–100)",
    row: {
      ...EMPTY,
      metric: "disk.used_percent",
      labels: "mount=/",
      name: "disk:/",
      warn_above: "80",
      crit_above: "90",
    },
  },
  {
    id: "temperature",
    label: "Temperature",
    unit: "°C",
    row: { ...EMPTY, metric: "sensors.temperature_c", warn_above: "80", crit_above: "90", for: "2m" },
  },
];

/** Pure: the unit hint of a metric the presets know, else undefined. */
export function unitOf(metric: string): string | undefined {
  return PRESETS.find((p) => p.row.metric === metric)?.unit;
}

let counter = 0;
function nextKey(): string {
  counter += 1;
  return `row-${counter}`;
}

export function emptyRow(): ThresholdRow {
  return { key: nextKey(), ...EMPTY };
}

export function presetRow(id: string): ThresholdRow {
  const preset = PRESETS.find((p) => p.id === id);
  return { key: nextKey(), ...(preset?.row ?? EMPTY) };
}

function text(value: string | number | undefined): string {
  return value === undefined ? "" : String(value);
}

/** Pure: stored thresholds as form rows (every field the schema has, so nothing is lost). */
export function rowsFromThresholds(thresholds: readonly CentralThreshold[]): ThresholdRow[] {
  return thresholds.map((t) => ({
    key: nextKey(),
    metric: t.metric,
    labels: Object.entries(t.labels ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(", "),
    name: t.name ?? "",
    warn_above: text(t.warn_above),
    crit_above: text(t.crit_above),
    warn_below: text(t.warn_below),
    crit_below: text(t.crit_below),
    for: text(t.for),
    missing_after: text(t.missing_after),
  }));
}

/** A problem the form finds before sending, named like the API names fields. */
export interface RowProblem {
  field: string;
  message: string;
}

/** A duration as typed: a bare number stays a number (as the schema reads it), else the text. */
function duration(value: string): string | number | undefined {
  const v = value.trim();
  if (v === "") return undefined;
  return /^\d+$/.test(v) ? Number(v) : v;
}

/**
 * Pure: the rows as the API takes them, or the first problem the form can see itself (a bound
 * that is not a number, labels not written as key=value). Everything else (warn above crit, no
 * bound at all, a bad duration) the API checks and names, so the rules live in one place.
 */
export function thresholdsFromRows(
  rows: readonly ThresholdRow[],
): { ok: true; thresholds: CentralThreshold[] } | { ok: false; problem: RowProblem } {
  const thresholds: CentralThreshold[] = [];
  for (const [index, row] of rows.entries()) {
    const at = (field: string) => `thresholds.${index}.${field}`;
    const t: Record<string, unknown> = { metric: row.metric.trim() };
    if (row.labels.trim()) {
      const labels: Record<string, string> = {};
      for (const part of row.labels.split(",")) {
        const [k, ...rest] = part.split("=");
        const key = k?.trim() ?? "";
        const value = rest.join("=").trim();
        if (!key || rest.length === 0) {
          return {
            ok: false,
            problem: { field: at("labels"), message: `write labels as key=value, got "${part.trim()}"` },
          };
        }
        labels[key] = value;
      }
      t.labels = labels;
    }
    if (row.name.trim()) t.name = row.name.trim();
    for (const field of BOUND_FIELDS) {
      const raw = row[field].trim();
      if (raw === "") continue;
      const value = Number(raw);
      if (!Number.isFinite(value)) {
        return { ok: false, problem: { field: at(field), message: `"${raw}" is not a number` } };
      }
      t[field] = value;
    }
    const forValue = duration(row.for);
    if (forValue !== undefined) t.for = forValue;
    const missing = duration(row.missing_after);
    if (missing !== undefined) t.missing_after = missing;
    thresholds.push(t as CentralThreshold);
  }
  return { ok: true, thresholds };
}

/** Pure: which row and input an error's field points at (`thresholds.2.warn_above`). */
export function rowFieldOf(field: string | undefined): { index: number; input: string } | undefined {
  const match = field?.match(/^thresholds\.(\d+)(?:\.([a-z_]+))?/);
  if (!match) return undefined;
  return { index: Number(match[1]), input: match[2] ?? "metric" };
}

/** Pure: an API error's message without a leading `field: ` (the form shows the field itself). */
export function messageOnly(message: string, field: string | undefined): string {
  return field && message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
}
