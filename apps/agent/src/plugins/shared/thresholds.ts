/**
 * Alert thresholds on any metric a plugin reports (an application's `queue_depth`, a scraped
 * Prometheus gauge): each threshold becomes one check result, so custom metrics go through the
 * same state machines as built-in checks — the agent's local alerts and the backend's incidents
 * (2 failures to open, 2 successes to close, flapping, dedup). The schema of a threshold is in
 * @custos/protocol (monitors/thresholds.ts), where the backend validates it too.
 */
import type { CheckStatus, MetricThreshold } from "@custos/protocol";
import type { CheckOutcome, Sample } from "../types.ts";

/** The newest value seen of a threshold's metric, and when. */
interface LastValue {
  value: number;
  ts: number;
}

/** True when the sample is the threshold's metric with (at least) its labels. */
function thresholdMatches(threshold: MetricThreshold, sample: Sample): boolean {
  if (sample.name !== threshold.metric) return false;
  if (!threshold.labels) return true;
  return Object.entries(threshold.labels).every(([key, value]) => sample.labels?.[key] === value);
}

function thresholdCheckName(threshold: MetricThreshold, monitorName: string): string {
  return threshold.name ?? `${monitorName}:${threshold.metric}`;
}

/**
 * Pure: the check of one threshold. `last` undefined means no value yet: `ok` (unknown is not an
 * outage) until missing_after has passed since `since` (the plugin's start), so a job that never
 * reports is caught as well.
 */
export function evaluateThreshold(
  threshold: MetricThreshold,
  monitorName: string,
  last: LastValue | undefined,
  now: number,
  since: number,
): CheckOutcome {
  const monitor = thresholdCheckName(threshold, monitorName);
  const metric = threshold.metric;
  const missing = threshold.missing_after;
  if (missing !== undefined && now - (last?.ts ?? since) >= missing) {
    const message = last
      ? `${metric}: no value for ${Math.round((now - last.ts) / 1000)} s (missing_after ${missing / 1000} s)`
      : `${metric}: no value since the agent started ${Math.round((now - since) / 1000)} s ago`;
    return { monitor, status: "down", message };
  }
  if (!last) return { monitor, status: "ok", message: `${metric}: no value yet` };
  const { value } = last;
  const rules: [CheckStatus, number | undefined, "above" | "below"][] = [
    ["down", threshold.crit_above, "above"],
    ["down", threshold.crit_below, "below"],
    ["degraded", threshold.warn_above, "above"],
    ["degraded", threshold.warn_below, "below"],
  ];
  for (const [status, bound, side] of rules) {
    if (bound === undefined) continue;
    if (side === "above" ? value > bound : value < bound) {
      const kind = status === "down" ? "crit" : "warn";
      return { monitor, status, message: `${metric} = ${value} is ${side} ${kind}_${side} ${bound}` };
    }
  }
  return { monitor, status: "ok", message: `${metric} = ${value}` };
}

/** Keeps the newest value per threshold from the samples it is shown. */
export class ThresholdTracker {
  readonly #thresholds: readonly MetricThreshold[];
  readonly #last: (LastValue | undefined)[];
  readonly #since: number;

  constructor(thresholds: readonly MetricThreshold[], since: number) {
    this.#thresholds = thresholds;
    this.#last = thresholds.map(() => undefined);
    this.#since = since;
  }

  get size(): number {
    return this.#thresholds.length;
  }

  observe(sample: Sample, now: number): void {
    this.#thresholds.forEach((threshold, index) => {
      if (!thresholdMatches(threshold, sample)) return;
      const ts = sample.ts ?? now;
      const last = this.#last[index];
      if (!last || ts >= last.ts) this.#last[index] = { value: sample.value, ts };
    });
  }

  checks(monitorName: string, now: number): CheckOutcome[] {
    return this.#thresholds.map((threshold, index) =>
      evaluateThreshold(threshold, monitorName, this.#last[index], now, this.#since),
    );
  }
}
