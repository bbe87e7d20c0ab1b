/**
 * StatsD values between two flushes (one collection interval): counters summed, gauges kept,
 * timings reduced to count / mean / p95 / max, sets counted. A flush turns them into samples and
 * starts the next interval. Series stay known for an hour after their last value, so a counter
 * that goes quiet reports 0 instead of a gap (and an error counter can come back to 0).
 */

import { seriesKey } from "../../store/history.ts";
import type { Sample } from "../types.ts";
import type { IntakeLimits } from "./limits.ts";
import type { StatsdMetric, StatsdType } from "./parse.ts";

/** Timing values kept per series and interval for the percentile (reservoir sampling beyond). */
export const TIMER_RESERVOIR = 512;
const SET_MEMBERS_MAX = 10_000;
const QUIET_FORGET_MS = 3_600_000;

interface Entry {
  name: string;
  type: StatsdType;
  labels: Record<string, string> | undefined;
  lastSeen: number;
  /** counter sum, gauge value */
  value: number;
  /** timer: weighted count (1 / rate per value), exact sum and extremes of what was seen */
  count: number;
  sum: number;
  max: number;
  seen: number;
  reservoir: number[];
  members: Set<string> | undefined;
}

export class StatsdAggregator {
  readonly #entries = new Map<string, Entry>();
  readonly #limits: IntakeLimits;
  readonly #random: () => number;
  lines = 0;

  constructor(limits: IntakeLimits, random: () => number = Math.random) {
    this.#limits = limits;
    this.#random = random;
  }

  add(metric: StatsdMetric, now: number): void {
    const key = seriesKey(metric.name, metric.labels);
    let entry = this.#entries.get(key);
    if (!entry) {
      if (!this.#limits.admitSeries(metric.name, key, now)) return;
      entry = {
        name: metric.name,
        type: metric.type,
        labels: metric.labels,
        lastSeen: now,
        value: 0,
        count: 0,
        sum: 0,
        max: Number.NEGATIVE_INFINITY,
        seen: 0,
        reservoir: [],
        members: undefined,
      };
      this.#entries.set(key, entry);
    } else if (entry.type !== metric.type) {
      // one name, two meanings: keep the first, count the rest as invalid
      this.#limits.countInvalid();
      return;
    } else {
      this.#limits.admitSeries(metric.name, key, now);
    }
    entry.lastSeen = now;
    switch (metric.type) {
      case "c":
        entry.value += metric.value / metric.rate;
        entry.count++;
        break;
      case "g":
        entry.value = metric.delta ? entry.value + metric.value : metric.value;
        entry.count++;
        break;
      case "ms":
        this.#addTiming(entry, metric.value, metric.rate);
        break;
      case "s":
        entry.members ??= new Set();
        if (entry.members.size < SET_MEMBERS_MAX && metric.member !== undefined)
          entry.members.add(metric.member);
        break;
    }
  }

  #addTiming(entry: Entry, value: number, rate: number): void {
    entry.count += 1 / rate;
    entry.sum += value / rate;
    if (value > entry.max) entry.max = value;
    entry.seen++;
    if (entry.reservoir.length < TIMER_RESERVOIR) {
      entry.reservoir.push(value);
    } else {
      // Algorithm R: every value seen this interval has the same chance to be kept
      const slot = Math.floor(this.#random() * entry.seen);
      if (slot < TIMER_RESERVOIR) entry.reservoir[slot] = value;
    }
  }

  /** The interval's samples, stamped `ts`; resets counters, timers and sets. */
  flush(ts: number): Sample[] {
    const samples: Sample[] = [];
    for (const [key, entry] of this.#entries) {
      if (ts - entry.lastSeen > QUIET_FORGET_MS) {
        this.#entries.delete(key);
        continue;
      }
      const base = entry.labels ? { labels: entry.labels, ts } : { ts };
      switch (entry.type) {
        case "c":
          samples.push({ name: entry.name, value: round(entry.value), ...base });
          entry.value = 0;
          break;
        case "g":
          samples.push({ name: entry.name, value: entry.value, ...base });
          break;
        case "ms":
          samples.push({ name: `${entry.name}.count`, value: round(entry.count), ...base });
          if (entry.seen > 0) {
            samples.push(
              { name: `${entry.name}.mean`, value: round(entry.sum / entry.count), ...base },
              { name: `${entry.name}.p95`, value: percentile(entry.reservoir, 0.95), ...base },
              { name: `${entry.name}.max`, value: entry.max, ...base },
            );
          }
          entry.count = 0;
          entry.sum = 0;
          entry.max = Number.NEGATIVE_INFINITY;
          entry.seen = 0;
          entry.reservoir = [];
          break;
        case "s":
          samples.push({ name: entry.name, value: entry.members?.size ?? 0, ...base });
          entry.members = undefined;
          break;
      }
    }
    return samples;
  }

  get series(): number {
    return this.#entries.size;
  }
}

/** Nearest-rank percentile of the kept values. */
export function percentile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1] ?? 0;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
