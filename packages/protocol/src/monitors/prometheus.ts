/** Options of the `prometheus` monitor (the agent plugin apps/agent/src/plugins/prometheus/; its README has a sample). */

import { z } from "zod";
import { LIMITS } from "../agent.ts";
import { ByteSize } from "../config.ts";
import { compileMetricPatterns, PROMETHEUS_META_METRICS } from "./metric-patterns.ts";
import { MetricThresholds } from "./thresholds.ts";

/** Hard ceiling of `max_series`: one scrape must stay far below a 5,000-sample batch. */
export const PROMETHEUS_MAX_SERIES = 2_000;
/** Hard ceiling of `max_body_bytes`. */
export const PROMETHEUS_MAX_BODY_BYTES = 64 * 1_048_576;

/** An exposition metric name, or a glob of one with `*` (any run of characters). */
const MetricPattern = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z_:*][A-Za-z0-9_:*]*$/, "use a metric name (letters, digits, _ and :) with * as wildcard")
  .refine((pattern) => /[^*]/.test(pattern), {
    message: "a bare * would keep every series; list the metrics you need (e.g. myapp_*)",
  });

const LabelName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "label names are identifiers (letters, digits and _)");

/** An HTTP header token (RFC 9110). */
const HeaderName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "not a valid HTTP header name");
const HeaderValue = z.string().regex(/^[^\r\n\0]*$/, "header values cannot contain line breaks");

export const PrometheusMonitorOptions = z
  .strictObject({
    /** The exposition, e.g. http://127.0.0.1:8080/metrics. */
    url: z.url({ protocol: /^https?$/, error: "url must be an http:// or https:// URL" }),
    /** Allow-list: series whose name matches one of these (exact, or `*` globs) are kept. */
    metrics: z.array(MetricPattern).min(1, "list at least one metric name or glob (e.g. myapp_*)").max(200),
    /** Series kept per scrape; the rest are dropped and counted. */
    max_series: z.number().int().min(1).max(PROMETHEUS_MAX_SERIES).default(200),
    /** Labels a series may carry (after drop_labels); a series with more is dropped and counted. */
    max_labels: z.number().int().min(0).max(LIMITS.maxLabels).default(8),
    /** Label names removed from every series before anything else (e.g. instance, pod). */
    drop_labels: z.array(LabelName).max(100).default([]),
    /** Prepended as-is to every kept name (include the separator: "myapp." or "myapp_"). */
    prefix: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9_.:\-/]+$/, "use letters, digits and _ . : - /")
      .optional(),
    headers: z.record(HeaderName, HeaderValue).default({}),
    /** Sent as `Authorization: Bearer <token>`; use ${ENV}. */
    bearer_token: z
      .string()
      .min(1)
      .regex(/^[^\r\n\0]*$/, "the token cannot contain line breaks")
      .optional(),
    /** Largest reply read; a bigger one is abandoned and the check is down. */
    max_body_bytes: ByteSize.refine((bytes) => bytes <= PROMETHEUS_MAX_BODY_BYTES, {
      message: `at most ${PROMETHEUS_MAX_BODY_BYTES / 1_048_576} MiB`,
    }).default(5_000_000),
    /** Alert thresholds on kept series (names as sent, prefix included) or on the prometheus_* metrics. */
    thresholds: MetricThresholds.default([]),
  })
  .superRefine((config, ctx) => {
    const url = URL.canParse(config.url) ? new URL(config.url) : undefined;
    if (url && (url.username || url.password)) {
      ctx.addIssue({
        code: "custom",
        path: ["url"],
        message:
          "credentials in the URL are not sent; use bearer_token or headers (Authorization: Basic ...)",
      });
    }
    const headerNames = Object.keys(config.headers).map((name) => name.toLowerCase());
    if (config.bearer_token && headerNames.includes("authorization")) {
      ctx.addIssue({
        code: "custom",
        path: ["headers"],
        message: "give either bearer_token or an Authorization header, not both",
      });
    }
    const kept = compileMetricPatterns(config.metrics);
    const prefix = config.prefix ?? "";
    config.thresholds.forEach((threshold, index) => {
      const metric = threshold.metric;
      if ((PROMETHEUS_META_METRICS as readonly string[]).includes(metric)) return;
      const original = metric.startsWith(prefix) ? metric.slice(prefix.length) : undefined;
      if (original === undefined || !kept(original)) {
        ctx.addIssue({
          code: "custom",
          path: ["thresholds", index, "metric"],
          message: `${metric} is never sent: it must be a name kept by metrics${prefix ? ` with the prefix ${prefix}` : ""}`,
        });
      }
      for (const label of Object.keys(threshold.labels ?? {})) {
        if (config.drop_labels.includes(label)) {
          ctx.addIssue({
            code: "custom",
            path: ["thresholds", index, "labels", label],
            message: `label ${label} is removed by drop_labels, so this threshold would never match`,
          });
        }
      }
    });
  });
export type PrometheusMonitorOptions = z.output<typeof PrometheusMonitorOptions>;
