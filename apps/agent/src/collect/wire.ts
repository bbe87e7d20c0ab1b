/**
 * Plugin output to wire items, checked against the protocol before they enter the buffer: a
 * bad sample is dropped here (and logged) instead of poisoning a batch of 5,000 that the
 * backend would refuse as a whole.
 */
import { type CheckResult, CheckStatus, MetricSample } from "@custos/protocol";
import type { CheckOutcome, Sample } from "../plugins/types.ts";

const NAME_RE = /^[A-Za-z0-9_.:\-/]+$/;

export function sampleToWire(
  sample: Sample,
  defaultTs: number,
): { json: string; ts: number } | { error: string } {
  const ts = Math.round(sample.ts ?? defaultTs);
  const wire = {
    ts,
    name: sample.name,
    ...(sample.labels && Object.keys(sample.labels).length > 0 ? { labels: sample.labels } : {}),
    value: sample.value,
  };
  const parsed = MetricSample.safeParse(wire);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { error: `${issue?.path.join(".") || "sample"}: ${issue?.message ?? "invalid"}` };
  }
  return { json: JSON.stringify(wire), ts };
}

/** A monitor name safe for the wire: invalid characters become "_", at most 200 characters. */
export function wireMonitorName(name: string): string {
  if (NAME_RE.test(name) && name.length <= 200) return name;
  const cleaned = name.replace(/[^A-Za-z0-9_.:\-/]/g, "_").slice(0, 200);
  return cleaned || "unnamed";
}

export function checkToWire(
  check: CheckOutcome,
  monitor: string,
  type: string,
  ts: number,
): CheckResult & { ts: number } {
  const status = CheckStatus.safeParse(check.status).success ? check.status : "down";
  const latency =
    check.latency_ms !== undefined && Number.isFinite(check.latency_ms)
      ? Math.min(Math.max(0, check.latency_ms), 3_600_000)
      : undefined;
  return {
    monitor: wireMonitorName(check.monitor ?? monitor),
    type,
    status,
    ...(latency === undefined ? {} : { latency_ms: Math.round(latency * 1000) / 1000 }),
    ...(check.message ? { message: check.message.slice(0, 2000) } : {}),
    ts,
  } as CheckResult & { ts: number };
}
