/** Formatting for people: short, unit-bearing, never "NaN". */
import { formatDuration } from "@custos/protocol/duration-text";
import { formatUnit } from "@custos/protocol/units";

/**
 * The unit families (bytes, bytes/s, percent, seconds, ms, count, °C): one value (formatUnit), one
 * axis (axisScale), a metric's family from its name. Shared with the agent's local page.
 */
export {
  type AxisScale,
  axisScale,
  formatUnit,
  niceStep,
  niceTicks,
  UNIT_NAME,
  type UnitFamily,
  unitOfMetric,
} from "@custos/protocol/units";

export function formatPercent(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return `${value.toFixed(digits)}%`;
}

/**
 * Bytes for people, three significant digits at most and the same digits for every size: "999 B",
 * "1.5 MB", "650 MB", "1.3 GB", "100 GB" (never "650.0MB" beside "1.3 GB"). SI steps (1000).
 */
export function formatBytes(value: number | null | undefined): string {
  return formatUnit("bytes", value);
}

export function formatRate(bytesPerSecond: number | null | undefined): string {
  return formatUnit("bytes_per_s", bytesPerSecond);
}

/** Milliseconds as "42s", "3m 12s", "3h 5m", "2d 4h": the notifications' and the agent's words too. */
export { formatDuration };

/** "just now", "3m ago", "2h 5m ago", "5d ago"; "never" for null. */
export function formatAgo(iso: string | null | undefined, now: number): string {
  if (!iso) return "never";
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return "–";
  const ms = now - t;
  if (ms < 10_000) return "just now";
  return `${formatDuration(ms)} ago`;
}

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return "–";
  const t = Date.parse(iso);
  return Number.isFinite(t) ? dateTime.format(t) : "–";
}

const secondsOptions: Intl.DateTimeFormatOptions = {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
};
const dateTimeSeconds = new Intl.DateTimeFormat(undefined, secondsOptions);
/**
 * To the second, for incidents (when exactly did it start, when was it acknowledged): "Dec 5,
 * 2026, 13:02:07" in the viewer's locale and time zone; `zone` fixes both for tests.
 */
export function formatDateTimeSeconds(
  iso: string | null | undefined,
  zone?: { locale: string; timeZone: string },
): string {
  if (!iso) return "–";
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return "–";
  return (
    zone
      ? new Intl.DateTimeFormat(zone.locale, { ...secondsOptions, timeZone: zone.timeZone })
      : dateTimeSeconds
  ).format(t);
}

const dayFormat = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
export function formatUtcDay(epochMs: number): string {
  return dayFormat.format(epochMs);
}

export function formatNumber(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return value.toFixed(digits);
}
