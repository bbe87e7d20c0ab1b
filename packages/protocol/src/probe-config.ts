/**
 * What a backend probe checks from outside (HTTP(S) or TCP), as the dashboard sends it in
 * `config` (CreateProbeRequest, UpdateProbeRequest) and the backend stores and runs it
 * (packages/backend/src/probes/). Defaults are filled in on parse, so a stored config is complete.
 */
import { z } from "zod";
import { SafeText } from "./primitives.ts";

const Thresholds = {
  /** Latency above this is degraded / down (ms). Defaults follow the seed design: 80 / 200. */
  degraded_ms: z.number().int().min(1).max(600_000).default(80),
  down_ms: z.number().int().min(1).max(600_000).default(200),
  timeout_ms: z.number().int().min(100).max(60_000).default(10_000),
};

export const HttpProbeConfig = z.strictObject({
  kind: z.literal("http"),
  url: z.url({ protocol: /^https?$/ }),
  method: z.enum(["GET", "HEAD"]).default("GET"),
  /** Default: any 2xx or 3xx. */
  expected_status: z.array(z.number().int().min(100).max(599)).min(1).max(20).optional(),
  /** Text that must appear in the body. */
  keyword: SafeText.min(1).max(200).optional(),
  /** Text that must not appear in the body (e.g. "maintenance"). */
  keyword_absent: SafeText.min(1).max(200).optional(),
  /** Degraded when the certificate expires in fewer days than this. */
  tls_warn_days: z.number().int().min(0).max(365).default(14),
  ...Thresholds,
});
export type HttpProbeConfig = z.output<typeof HttpProbeConfig>;

export const TcpProbeConfig = z.strictObject({
  kind: z.literal("tcp"),
  host: SafeText.min(1).max(255),
  port: z.number().int().min(1).max(65535),
  ...Thresholds,
});
export type TcpProbeConfig = z.output<typeof TcpProbeConfig>;

export const ProbeConfig = z
  .discriminatedUnion("kind", [HttpProbeConfig, TcpProbeConfig])
  .refine((c) => c.degraded_ms <= c.down_ms, {
    message: "degraded_ms must not exceed down_ms",
    path: ["degraded_ms"],
  });
export type ProbeConfig = z.output<typeof ProbeConfig>;
/** What the dashboard may send: every key with a default can be left out. */
export type ProbeConfigInput = z.input<typeof ProbeConfig>;
