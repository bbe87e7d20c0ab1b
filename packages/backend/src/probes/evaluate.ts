import type { CheckStatus } from "@custos/protocol";
import type { ProbeConfig, ProbeObservation } from "./schemas.ts";

export interface ProbeVerdict {
  status: Exclude<CheckStatus, "unsupported">;
  message: string;
}

/** Pure: an observation plus the monitor's thresholds -> ok / degraded / down with a reason. */
export function evaluateProbe(config: ProbeConfig, o: ProbeObservation): ProbeVerdict {
  if (!o.reachable) return { status: "down", message: o.error ?? "no answer" };
  if (config.kind === "http") {
    const code = o.status_code ?? 0;
    const ok = config.expected_status ? config.expected_status.includes(code) : code >= 200 && code < 400;
    if (!ok) return { status: "down", message: `HTTP ${code}` };
    if (config.keyword && !(o.body ?? "").includes(config.keyword)) {
      return { status: "down", message: `keyword "${config.keyword}" not found` };
    }
    if (config.keyword_absent && (o.body ?? "").includes(config.keyword_absent)) {
      return { status: "down", message: `unwanted keyword "${config.keyword_absent}" present` };
    }
    if (o.tls_days_left !== undefined && o.tls_days_left < 0)
      return { status: "down", message: "TLS certificate expired" };
    if (o.tls_error) return { status: "down", message: `TLS certificate not trusted: ${o.tls_error}` };
  }
  const ms = Math.round(o.latency_ms);
  if (ms > config.down_ms)
    return { status: "down", message: `slow: ${ms} ms (down above ${config.down_ms} ms)` };
  if (config.kind === "http" && o.tls_days_left !== undefined && o.tls_days_left < config.tls_warn_days) {
    return { status: "degraded", message: `TLS certificate expires in ${o.tls_days_left} days` };
  }
  if (ms > config.degraded_ms)
    return { status: "degraded", message: `slow: ${ms} ms (degraded above ${config.degraded_ms} ms)` };
  return { status: "ok", message: `${ms} ms` };
}
