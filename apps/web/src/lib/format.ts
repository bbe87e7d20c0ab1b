/** Formatting for people: short, unit-bearing, never "NaN". */
import { formatDuration } from "@custos/protocol/duration-text";

export function formatPercent(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return `${value.toFixed(digits)}%`;
}

const UNITS = ["B", "KB", "MB", "GB", "TB", "PB"];
export function formatBytes(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  let v = Math.abs(value);
  let unit = 0;
  while (v >= 1000 && unit < UNITS.length - 1) {
    v /= 1000;
    unit++;
  }
  return `${value < 0 ? "-" : ""}${v.toFixed(unit === 0 ? 0 : digits)} ${UNITS[unit]}`;
}

export function formatRate(bytesPerSecond: number | null | undefined): string {
  if (bytesPerSecond === null || bytesPerSecond === undefined || !Number.isFinite(bytesPerSecond)) return "–";
  return `${formatBytes(bytesPerSecond)}/s`;
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
