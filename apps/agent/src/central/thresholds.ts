/**
 * The central thresholds (decision 0037): warn/crit above/below on any metric the server's
 * monitors report, `missing_after`, and `for` (the breach must last that long). They run as one
 * more monitor, `thresholds`, whose checks (`threshold:<metric>` unless named) go through the
 * recorder like any check: the agent's local alerts and the backend's incidents both see them.
 * Values come from every collection's samples (observe), evaluated on the monitor's interval.
 */
import { z } from "zod";
import type { ResolvedThreshold } from "../config/central.ts";
import type { ResolvedMonitor } from "../config/settings.ts";
import { ThresholdTracker } from "../plugins/shared/thresholds.ts";
import type { CheckOutcome, PluginDefinition, Sample } from "../plugins/types.ts";

export const THRESHOLDS_MONITOR = "thresholds";
/** The default check name's prefix: `threshold:<metric>`. */
const CHECK_PREFIX = "threshold";
const MIN_INTERVAL_MS = 1_000;
const MAX_INTERVAL_MS = 60_000;

export class CentralThresholds {
  readonly #resolved: readonly ResolvedThreshold[];
  readonly #tracker: ThresholdTracker;
  /** Since when each threshold's check has not been ok (for `for`). */
  readonly #breachSince: (number | undefined)[];

  constructor(resolved: readonly ResolvedThreshold[], since: number) {
    this.#resolved = resolved;
    this.#tracker = new ThresholdTracker(
      resolved.map((r) => r.threshold),
      since,
    );
    this.#breachSince = resolved.map(() => undefined);
  }

  observe(samples: readonly Sample[], now: number): void {
    for (const sample of samples) this.#tracker.observe(sample, now);
  }

  /** One check per threshold; a breach younger than its `for` is still `ok`, saying how long. */
  checks(now: number): CheckOutcome[] {
    return this.#tracker.checks(CHECK_PREFIX, now).map((check, index) => {
      const forMs = this.#resolved[index]?.forMs;
      if (check.status === "ok") {
        this.#breachSince[index] = undefined;
        return check;
      }
      this.#breachSince[index] ??= now;
      const since = this.#breachSince[index];
      if (forMs === undefined || now - since >= forMs) return check;
      const held = Math.round((now - since) / 1000);
      return { ...check, status: "ok", message: `${check.message} (for ${held} s of ${forMs / 1000} s)` };
    });
  }
}

const NoOptions = z.strictObject({});

/**
 * The `thresholds` monitor for `tracker`, evaluated as often as the fastest monitor collects
 * (between 1 s and 60 s): a breach is seen on the collection after the one that showed it.
 */
export function thresholdsMonitor(
  tracker: CentralThresholds,
  monitors: readonly ResolvedMonitor[],
): ResolvedMonitor {
  const fastest = Math.min(MAX_INTERVAL_MS, ...monitors.filter((m) => m.enabled).map((m) => m.intervalMs));
  const intervalMs = Math.max(MIN_INTERVAL_MS, fastest);
  const plugin: PluginDefinition = {
    type: THRESHOLDS_MONITOR,
    configSchema: NoOptions,
    defaultIntervalMs: intervalMs,
    create: () => ({ collect: async () => ({ samples: [], checks: tracker.checks(Date.now()) }) }),
  };
  return {
    name: THRESHOLDS_MONITOR,
    type: THRESHOLDS_MONITOR,
    enabled: true,
    intervalMs,
    timeoutMs: Math.min(intervalMs, 5_000),
    options: {},
    plugin,
    index: -1,
  };
}
