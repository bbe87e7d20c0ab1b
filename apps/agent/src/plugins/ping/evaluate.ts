/** Pure: per-target results -> samples and the one check result of the monitor. */
import type { CheckStatus } from "@custos/protocol";
import type { Sample } from "../types.ts";
import type { PingResult } from "./parse.ts";

export interface TargetResult {
  target: string;
  result: PingResult;
}

export const answered = ({ result }: TargetResult) => result.received > 0;

export function targetSamples({ target, result }: TargetResult): Sample[] {
  const labels = { target };
  const samples: Sample[] = [{ name: "ping.loss_percent", value: result.lossPercent, labels }];
  if (result.received > 0 && result.avgMs !== undefined) {
    samples.push({ name: "ping.latency_ms", value: result.avgMs, labels });
    if (result.mdevMs !== undefined) samples.push({ name: "ping.jitter_ms", value: result.mdevMs, labels });
  }
  return samples;
}

const ms = (value: number) =>
  `${value < 10 ? Math.round(value * 100) / 100 : Math.round(value * 10) / 10} ms`;

function failure({ target, result }: TargetResult): string {
  return `${target}: ${result.error ?? `${result.lossPercent}% loss`}`;
}

/**
 * ok when every target answers, degraded when some do not (or cross degraded_ms /
 * degraded_loss_percent), down when none does.
 */
export function evaluate(
  results: TargetResult[],
  thresholds: { degraded_ms?: number; degraded_loss_percent?: number },
): { status: CheckStatus; message: string } {
  const up = results.filter(answered);
  const down = results.filter((entry) => !answered(entry));
  if (up.length === 0)
    return { status: "down", message: `no target answers: ${down.map(failure).join("; ")}` };

  const warnings: string[] = down.map(failure);
  const answers: string[] = [];
  for (const { target, result } of up) {
    const avg = result.avgMs ?? 0;
    if (thresholds.degraded_ms !== undefined && avg >= thresholds.degraded_ms)
      warnings.push(`${target} slow: ${ms(avg)}`);
    else if (
      thresholds.degraded_loss_percent !== undefined &&
      result.lossPercent >= thresholds.degraded_loss_percent
    ) {
      warnings.push(`${target}: ${result.lossPercent}% loss`);
    } else answers.push(`${target} ${ms(avg)}`);
  }
  const head = `${up.length}/${results.length} targets answer`;
  if (warnings.length > 0) {
    return {
      status: "degraded",
      message: [`${head}: ${answers.join(", ") || "all slow or lossy"}`, ...warnings].join("; "),
    };
  }
  return { status: "ok", message: `${head}: ${answers.join(", ")}` };
}
