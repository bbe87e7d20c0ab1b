/**
 * Pure power math (data -> readings): the CPU-based estimate and the daily kWh integral. No
 * clock, no files: the caller passes timestamps and the time zone, so every edge (midnight, gaps,
 * restarts) is testable. parse.ts reads /proc/stat into the CPU times used here.
 */
import type { CpuTimes } from "./parse.ts";

/** Linear model: idle watts at 0% CPU, max watts at 100%. `cpuFraction` is clamped to 0..1. */
export function estimateWatts(cpuFraction: number, idleWatts: number, maxWatts: number): number {
  const fraction = Math.min(1, Math.max(0, cpuFraction));
  return idleWatts + (maxWatts - idleWatts) * fraction;
}

/** CPU utilisation between two readings, 0..1; undefined when the counters did not advance or went back (reboot). */
export function cpuFraction(previous: CpuTimes, current: CpuTimes): number | undefined {
  const total = current.total - previous.total;
  const busy = current.busy - previous.busy;
  if (total <= 0 || busy < 0) return undefined;
  return Math.min(1, busy / total);
}

/** One day's running total, kept in the plugin state so a restart does not lose it. */
export interface EnergyState {
  /** Local calendar day the total belongs to, `YYYY-MM-DD`. */
  day: string;
  kwh: number;
  last?: { ts: number; watts: number };
}

interface PowerSample {
  ts: number;
  watts: number;
}

interface IntegrationResult {
  state: EnergyState;
  /** Days that ended with this sample (usually none, one at midnight). */
  closedDays: { day: string; kwh: number }[];
}

function localParts(ts: number, timeZone: string | undefined) {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(ts));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "00";
  return {
    day: `${get("year")}-${get("month")}-${get("day")}`,
    h: +get("hour"),
    m: +get("minute"),
    s: +get("second"),
  };
}

/** The local calendar day of `ts`, `YYYY-MM-DD`, in `timeZone` (the process's zone when omitted). */
export function localDay(ts: number, timeZone?: string): string {
  return localParts(ts, timeZone).day;
}

/** Epoch ms of the local midnight that starts the day containing `ts`. */
export function startOfLocalDay(ts: number, timeZone?: string): number {
  const { h, m, s } = localParts(ts, timeZone);
  return ts - ((h * 60 + m) * 60 + s) * 1000 - (ts % 1000);
}

/** kWh of a straight line between two power readings (trapezoid rule). */
export function trapezoidKwh(a: PowerSample, b: PowerSample): number {
  const hours = (b.ts - a.ts) / 3_600_000;
  return (((a.watts + b.watts) / 2) * hours) / 1000;
}

/**
 * Adds one power sample to the day's total. Samples further apart than `maxGapMs` are not
 * bridged (the agent was stopped: the energy in between is unknown, not zero or constant).
 * A segment that crosses local midnight is split at midnight, with the power there
 * interpolated; the finished day is returned in `closedDays`.
 */
export function integrate(
  previous: EnergyState | undefined,
  sample: PowerSample,
  options: { timeZone?: string; maxGapMs: number },
): IntegrationResult {
  const day = localDay(sample.ts, options.timeZone);
  const closedDays: { day: string; kwh: number }[] = [];
  let state: EnergyState = previous ? { ...previous } : { day, kwh: 0 };
  const last = state.last;
  const bridgeable = last !== undefined && sample.ts > last.ts && sample.ts - last.ts <= options.maxGapMs;

  if (state.day === day) {
    if (last && bridgeable) state.kwh += trapezoidKwh(last, sample);
  } else {
    const midnight = startOfLocalDay(sample.ts, options.timeZone);
    if (last && bridgeable && last.ts < midnight && localDay(last.ts, options.timeZone) === state.day) {
      const fraction = (midnight - last.ts) / (sample.ts - last.ts);
      const atMidnight = { ts: midnight, watts: last.watts + (sample.watts - last.watts) * fraction };
      closedDays.push({ day: state.day, kwh: state.kwh + trapezoidKwh(last, atMidnight) });
      state = { day, kwh: trapezoidKwh(atMidnight, sample) };
    } else {
      // A new day without a segment to bridge into it: the old day closes as it stands.
      closedDays.push({ day: state.day, kwh: state.kwh });
      state = { day, kwh: 0 };
    }
  }
  state.last = { ts: sample.ts, watts: sample.watts };
  return { state, closedDays };
}
