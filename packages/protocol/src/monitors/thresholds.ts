/**
 * Alert thresholds on any metric a plugin reports (an application's `queue_depth`, a scraped
 * Prometheus gauge), as the app_metrics and prometheus monitors take them in `thresholds:`. The
 * agent evaluates them (apps/agent/src/plugins/shared/thresholds.ts): each becomes one check.
 */
import { z } from "zod";
import { MetricLabels } from "../agent.ts";
import { MonitorName } from "../config.ts";
import { Duration } from "../duration.ts";

export const MetricThreshold = z
  .strictObject({
    /** The metric's name as sent. */
    metric: MonitorName,
    /** Only samples carrying these labels (all of them); any label set when omitted. */
    labels: MetricLabels.optional(),
    /** Check name; defaults to `<monitor>:<metric>`. */
    name: MonitorName.optional(),
    warn_above: z.number().finite().optional(),
    crit_above: z.number().finite().optional(),
    warn_below: z.number().finite().optional(),
    crit_below: z.number().finite().optional(),
    /** `down` when no sample of the metric arrived for this long (a job that stopped reporting). */
    missing_after: Duration.optional(),
  })
  .superRefine((t, ctx) => {
    const bounds = [t.warn_above, t.crit_above, t.warn_below, t.crit_below, t.missing_after];
    if (bounds.every((b) => b === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["metric"],
        message: "give at least one of warn_above, crit_above, warn_below, crit_below, missing_after",
      });
    }
    if (t.warn_above !== undefined && t.crit_above !== undefined && t.warn_above > t.crit_above) {
      ctx.addIssue({
        code: "custom",
        path: ["warn_above"],
        message: `warn_above (${t.warn_above}) must not be above crit_above (${t.crit_above})`,
      });
    }
    if (t.warn_below !== undefined && t.crit_below !== undefined && t.warn_below < t.crit_below) {
      ctx.addIssue({
        code: "custom",
        path: ["warn_below"],
        message: `warn_below (${t.warn_below}) must not be below crit_below (${t.crit_below})`,
      });
    }
  });
export type MetricThreshold = z.output<typeof MetricThreshold>;

export const MetricThresholds = z
  .array(MetricThreshold)
  .max(100)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((t, index) => {
      const key = t.name ?? `${t.metric}${JSON.stringify(t.labels ?? {})}`;
      if (seen.has(key)) {
        ctx.addIssue({
          code: "custom",
          path: [index, "name"],
          message: `two thresholds check "${key}"; name them apart`,
        });
      }
      seen.add(key);
    });
  });
