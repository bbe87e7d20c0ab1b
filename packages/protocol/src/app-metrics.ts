/**
 * What an application on the same host hands the agent's local metrics endpoint
 * (`POST /v1/metrics`): the wire sample without the server id, `ts` optional (the agent's
 * clock when omitted). Same name, label and value rules as the agent → backend wire, so what
 * the endpoint accepts the backend accepts too.
 */
import { z } from "zod";
import { MetricSample } from "./agent.ts";

export const APP_METRICS_LIMITS = {
  /** Largest request body the local endpoint reads (bytes). */
  maxBodyBytes: 262_144,
  /** Metrics in one request. */
  maxPerRequest: 1_000,
} as const;

export const AppMetric = MetricSample.extend({ ts: MetricSample.shape.ts.optional() });
export type AppMetric = z.output<typeof AppMetric>;

/** A list of metrics (a single object is accepted as well; the endpoint checks which it got). */
export const AppMetricList = z
  .array(AppMetric)
  .min(1, "send at least one metric")
  .max(APP_METRICS_LIMITS.maxPerRequest, `at most ${APP_METRICS_LIMITS.maxPerRequest} metrics per request`);
