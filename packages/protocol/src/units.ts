/**
 * Numbers with their unit, for people: one formatter per unit family, used by the dashboard's
 * charts and the agent's local page alike, so the same quantity reads the same everywhere.
 * Plain functions, no dependencies (the browser bundle stays small).
 */

/**
 * The unit families a chart value can have. Every chart, headline and tooltip of a metric goes
 * through formatUnit (one value) or axisScale (one axis).
 */
export type UnitFamily =
  | "bytes"
  | "bytes_per_s"
  | "percent"
  | "seconds"
  | "milliseconds"
  | "count"
  | "celsius";

/** What a person reads next to a raw metric's name. */
export const UNIT_NAME: Record<UnitFamily, string> = {
  bytes: "bytes",
  bytes_per_s: "bytes/s",
  percent: "%",
  seconds: "seconds",
  milliseconds: "ms",
  count: "count",
  celsius: "°C",
};

interface Step {
  /** the value of one of this unit */
  size: number;
  /** written after the number ("" for none) */
  suffix: string;
}

const SCALES: Record<UnitFamily, readonly Step[]> = {
  bytes: ["B", "KB", "MB", "GB", "TB", "PB"].map((u, i) => ({ size: 1000 ** i, suffix: ` ${u}` })),
  bytes_per_s: ["B/s", "KB/s", "MB/s", "GB/s", "TB/s"].map((u, i) => ({ size: 1000 ** i, suffix: ` ${u}` })),
  percent: [{ size: 1, suffix: "%" }],
  seconds: [
    { size: 1, suffix: " s" },
    { size: 60, suffix: " min" },
    { size: 3600, suffix: " h" },
    { size: 86400, suffix: " d" },
  ],
  milliseconds: [
    { size: 1, suffix: " ms" },
    { size: 1000, suffix: " s" },
  ],
  count: [
    { size: 1, suffix: "" },
    { size: 1e3, suffix: "K" },
    { size: 1e6, suffix: "M" },
    { size: 1e9, suffix: "B" },
  ],
  celsius: [{ size: 1, suffix: " °C" }],
};

/** Pure: the largest step of the family that `magnitude` reaches (the first one below it). */
function stepFor(family: UnitFamily, magnitude: number): Step {
  const steps = SCALES[family];
  let chosen = steps[0] as Step;
  for (const step of steps) if (magnitude >= step.size) chosen = step;
  return chosen;
}

function withDigits(value: number, digits: number): string {
  const text = value.toFixed(digits);
  // "-0" reads as a glitch
  return /^-0(\.0+)?$/.test(text) ? text.slice(1) : text;
}

/**
 * One value for people: its own unit (650 MB, 1.3 GB, 42 °C, 3.5 min), three significant digits
 * at most, trailing zeros of the fraction dropped, "–" for none.
 */
export function formatUnit(family: UnitFamily, value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  const step = stepFor(family, Math.abs(value));
  const scaled = value / step.size;
  const abs = Math.abs(scaled);
  const digits = abs >= 100 || (family === "bytes" && step.size === 1) ? 0 : abs >= 10 ? 1 : 2;
  const text = withDigits(scaled, digits)
    .replace(/(\.\d*?)0+$/, "$1")
    .replace(/\.$/, "");
  return `${text}${step.suffix}`;
}

/** Pure: a 1-2-5 step (…0.1, 0.2, 0.5, 1, 2, 5, 10…) that covers `span` in about `target` steps. */
export function niceStep(span: number, target = 4): number {
  if (!Number.isFinite(span) || span <= 0) return 1;
  const raw = span / Math.max(1, target);
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/**
 * Pure: tick values from 0 to the first multiple of a 1-2-5 step at or above `max`, in steps of
 * that size (at most target + 1 steps): distinct, evenly spaced, round numbers.
 */
export function niceTicks(max: number, target = 4): number[] {
  const top = Number.isFinite(max) && max > 0 ? max : 1;
  const step = niceStep(top, target);
  const count = Math.ceil(top / step - 1e-9);
  return Array.from({ length: count + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}

export interface AxisScale {
  /** tick values in the metric's own unit (bytes, seconds, …) */
  ticks: number[];
  /** the axis' upper bound: the last tick */
  top: number;
  /** a tick's label: every label in the one unit chosen from the axis' max, same decimals */
  format: (value: number) => string;
  /** the widest label, in characters (how wide the axis must be so none is clipped) */
  widest: number;
}

/**
 * Pure: one value axis from 0 to at least `max`: the unit chosen once from the max (an axis to
 * 100 GB says "0 GB … 100 GB", never "00.0 GB" or MB beside GB), 1-2-5 ticks in that unit, and
 * just enough decimals for the step, so no two labels are the same.
 */
export function axisScale(family: UnitFamily, max: number, target = 4): AxisScale {
  const top = Number.isFinite(max) && max > 0 ? max : 0;
  const unit = stepFor(family, top);
  const scaledTicks = niceTicks(top / unit.size || 1, target);
  const scaledStep = (scaledTicks[1] ?? 1) - (scaledTicks[0] ?? 0);
  const digits = Math.max(0, -Math.floor(Math.log10(scaledStep) + 1e-9));
  const ticks = scaledTicks.map((t) => Number((t * unit.size).toPrecision(12)));
  // a no-break space: the chart library wraps a tick label at ordinary spaces ("0.5" over "GB/s")
  const suffix = unit.suffix.replace(" ", "\u00a0");
  const format = (value: number) => `${withDigits(value / unit.size, digits)}${suffix}`;
  return {
    ticks,
    top: ticks.at(-1) ?? 1,
    format,
    widest: Math.max(...ticks.map((t) => format(t).length)),
  };
}

/**
 * Pure: the unit family of a metric, from how its name ends (the agent's and Prometheus' habit:
 * `_bytes`, `_bytes_per_s`, `_percent`, `_seconds`, `_c` for °C); a count otherwise.
 */
export function unitOfMetric(name: string): UnitFamily {
  const n = name.toLowerCase();
  if (/bytes_per_s(ec(ond)?)?$/.test(n)) return "bytes_per_s";
  if (/bytes(_total)?$/.test(n)) return "bytes";
  if (/(percent|_pct)$/.test(n)) return "percent";
  if (/(temperature|temp)(_c(elsius)?)?$|_celsius$|\.temperature_c$|_c$/.test(n)) return "celsius";
  if (/(_ms|millis(econds)?)$/.test(n)) return "milliseconds";
  if (/seconds(_total)?$/.test(n)) return "seconds";
  return "count";
}
