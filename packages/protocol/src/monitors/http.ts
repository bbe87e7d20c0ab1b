/** Options of the `http` monitor (the agent plugin apps/agent/src/plugins/http/; its README has a sample). */

import { z } from "zod";
import { Duration } from "../duration.ts";

/** One expected status: a code (200), a class ("2xx") or a range ("200-299"). */
export const HttpExpectedStatus = z.union([
  z.number().int().min(100).max(599),
  z
    .string()
    .regex(/^[1-5]xx$|^[1-5]\d\d-[1-5]\d\d$/, 'use a code (200), a class ("2xx") or a range ("200-299")'),
]);
export type HttpExpectedStatus = z.output<typeof HttpExpectedStatus>;

export const HttpMonitorOptions = z
  .strictObject({
    url: z.url({ protocol: /^https?$/, error: "url must be an http:// or https:// URL" }),
    method: z
      .string()
      .transform((method) => method.toUpperCase())
      .pipe(z.enum(["GET", "HEAD"]))
      .default("GET"),
    /** Default: any 2xx or 3xx (redirects are not followed, a redirect answer counts as up). */
    expected_status: z.union([HttpExpectedStatus, z.array(HttpExpectedStatus).min(1)]).optional(),
    /** Text that must appear in the body. */
    keyword: z.string().min(1).optional(),
    /** Text that must not appear in the body (e.g. "maintenance"). */
    keyword_absent: z.string().min(1).optional(),
    /** Further attempts before the check is declared down. */
    retries: z.number().int().min(0).max(10).default(1),
    retry_delay: Duration.default(1_000),
    /**
     * Time limit of one attempt. The monitor's `timeout` bounds the whole check, retries
     * included; by default each attempt gets an equal share of it.
     */
    attempt_timeout: Duration.optional(),
    headers: z.record(z.string().min(1), z.string()).default({}),
    /** Latency thresholds; none by default (the status code decides). */
    degraded_ms: z.number().positive().optional(),
    down_ms: z.number().positive().optional(),
    tls_warn_days: z.number().min(0).default(14),
    /** Check a self-signed or otherwise untrusted certificate anyway (days left are still reported). */
    tls_skip_verify: z.boolean().default(false),
    /** PEM file with the CA that signed the server's certificate (an internal CA). */
    tls_ca_file: z.string().min(1).optional(),
  })
  .superRefine((config, ctx) => {
    if (config.method === "HEAD" && (config.keyword || config.keyword_absent)) {
      ctx.addIssue({
        code: "custom",
        path: [config.keyword ? "keyword" : "keyword_absent"],
        message: "a HEAD response has no body to search; use method: GET",
      });
    }
    if (
      config.degraded_ms !== undefined &&
      config.down_ms !== undefined &&
      config.degraded_ms > config.down_ms
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["degraded_ms"],
        message: "degraded_ms must not be above down_ms",
      });
    }
  });
export type HttpMonitorOptions = z.output<typeof HttpMonitorOptions>;
