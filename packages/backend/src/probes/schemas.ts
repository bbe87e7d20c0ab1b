import { CreateProbeRequest, type HttpProbeConfig, type TcpProbeConfig } from "@custos/protocol";
import { z } from "zod";

// The probe configs are part of the dashboard's contract; they live in @custos/protocol
// (probe-config.ts) and are re-exported here for the probe verbs and runners.
export { HttpProbeConfig, ProbeConfig, TcpProbeConfig } from "@custos/protocol";

/** The dashboard's request (config included), in the organization it names. */
export const CreateProbeInput = CreateProbeRequest.extend({ org_id: z.uuid() });
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
