/** Options of the `app_metrics` monitor (the agent plugin apps/agent/src/plugins/app_metrics/; its README has a sample). */
import { z } from "zod";
import { MetricThresholds } from "./thresholds.ts";

const Port = z.number().int().min(1).max(65_535);
const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

export const AppMetricsMonitorOptions = z
  .strictObject({
    /** Address both listeners bind to. Anything but loopback needs a token. */
    bind: z.union([z.ipv4(), z.ipv6(), z.literal("localhost")]).default("127.0.0.1"),
    /** TCP port of `POST /v1/metrics`; false turns the HTTP endpoint off. */
    http_port: z.union([Port, z.literal(false)]).default(8127),
    /** UDP port of the StatsD listener; false turns it off. */
    statsd_port: z.union([Port, z.literal(false)]).default(8125),
    /** When set, HTTP requests must carry `Authorization: Bearer <token>`. */
    token: z.string().min(16, "use at least 16 characters").max(256).optional(),
    /** Distinct metric names accepted; samples of further names are dropped and counted. */
    max_names: z.number().int().min(1).max(10_000).default(200),
    /** Label sets per name, for the same reason. */
    max_series_per_name: z.number().int().min(1).max(1_000).default(50),
    /** Samples per second written to the buffer from HTTP (StatsD is aggregated first). */
    max_samples_per_second: z.number().int().min(1).max(10_000).default(100),
    thresholds: MetricThresholds.default([]),
  })
  .superRefine((config, ctx) => {
    if (config.http_port === false && config.statsd_port === false) {
      ctx.addIssue({
        code: "custom",
        path: ["http_port"],
        message: "http_port and statsd_port are both off",
      });
    }
    if (config.http_port !== false && config.http_port === config.statsd_port) {
      // TCP and UDP could share it, but one number for two protocols confuses more than it saves
      ctx.addIssue({ code: "custom", path: ["statsd_port"], message: "use a port apart from http_port" });
    }
    if (!LOOPBACK.has(config.bind) && config.token === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["token"],
        message: `binding to ${config.bind} (not loopback) needs a token`,
      });
    }
    if (!LOOPBACK.has(config.bind) && config.statsd_port !== false) {
      ctx.addIssue({
        code: "custom",
        path: ["statsd_port"],
        message: "StatsD has no authentication: bind to loopback or set statsd_port: false",
      });
    }
  });
export type AppMetricsMonitorOptions = z.output<typeof AppMetricsMonitorOptions>;
