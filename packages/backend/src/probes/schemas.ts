import { SafeText } from "@custos/protocol";
import { z } from "zod";

const Common = {
  /** Latency above this is degraded / down (ms). Defaults follow the seed design: 80 / 200. */
  degraded_ms: z.number().int().min(1).max(600_000).default(80),
  down_ms: z.number().int().min(1).max(600_000).default(200),
  timeout_ms: z.number().int().min(100).max(60_000).default(10_000),
};

export const HttpProbeConfig = z.strictObject({
  kind: z.literal("http"),
  url: z.url({ protocol: /^https?$/ }),
  method: z.enum(["GET", "HEAD"]).default("GET"),
  expected_status: z.array(z.number().int().min(100).max(599)).min(1).max(20).optional(),
  keyword: SafeText.min(1).max(200).optional(),
  keyword_absent: SafeText.min(1).max(200).optional(),
  tls_warn_days: z.number().int().min(0).max(365).default(14),
  ...Common,
});
export type HttpProbeConfig = z.output<typeof HttpProbeConfig>;

export const TcpProbeConfig = z.strictObject({
  kind: z.literal("tcp"),
  host: SafeText.min(1).max(255),
  port: z.number().int().min(1).max(65535),
  ...Common,
});
export type TcpProbeConfig = z.output<typeof TcpProbeConfig>;

export const ProbeConfig = z
  .discriminatedUnion("kind", [HttpProbeConfig, TcpProbeConfig])
  .refine((c) => c.degraded_ms <= c.down_ms, {
    message: "degraded_ms must not exceed down_ms",
    path: ["degraded_ms"],
  });
export type ProbeConfig = z.output<typeof ProbeConfig>;

export const CreateProbeInput = z.strictObject({
  org_id: z.uuid(),
  name: SafeText.trim().min(1).max(200),
  interval_seconds: z.number().int().min(10).max(86_400).default(60),
  failures_to_open: z.number().int().min(1).max(100).default(2),
  successes_to_resolve: z.number().int().min(1).max(100).default(2),
  config: ProbeConfig,
});
export type CreateProbeInput = z.input<typeof CreateProbeInput>;

/** What one probe attempt observed, before thresholds are applied. */
export interface ProbeObservation {
  /** false: no answer at all (refused, timeout, DNS, TLS failure) */
  reachable: boolean;
  latency_ms: number;
  status_code?: number;
  body?: string;
  tls_days_left?: number;
  /** the certificate chain or host name did not verify (e.g. SELF_SIGNED_CERT_IN_CHAIN) */
  tls_error?: string;
  error?: string;
}

export interface Prober {
  http(config: HttpProbeConfig): Promise<ProbeObservation>;
  /** Absent where the runtime cannot open raw TCP (fetch only): such probes are `unsupported`. */
  tcp?(config: TcpProbeConfig): Promise<ProbeObservation>;
}
