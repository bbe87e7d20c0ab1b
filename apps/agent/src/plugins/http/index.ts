/**
 * http: one URL, checked with retries: status code, latency, keyword present/absent, and the TLS
 * certificate's days left for https.
 */
import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { HttpMonitorOptions } from "@custos/protocol";
import type { Collected, PluginContext, Sample } from "../types.ts";
import { definePlugin } from "../types.ts";
import { type AttemptResult, evaluateAttempt, type Verdict } from "./evaluate.ts";
import { httpAttempt } from "./request.ts";

/** Leave the runtime a moment after our own deadline, so our result wins over its abort. */
function budgetMs(timeoutMs: number): number {
  return Math.max(50, timeoutMs - Math.min(250, timeoutMs * 0.1));
}

const ordinal = (n: number) => (n === 2 ? "2nd" : n === 3 ? "3rd" : `${n}th`);

async function check(
  config: HttpMonitorOptions,
  ctx: PluginContext,
  ca: string | undefined,
  signal: AbortSignal,
) {
  const url = new URL(config.url);
  const attempts = config.retries + 1;
  const started = performance.now();
  const deadline = started + budgetMs(ctx.timeoutMs);
  const perAttempt = config.attempt_timeout ?? budgetMs(ctx.timeoutMs) / attempts;
  let result: AttemptResult | undefined;
  let verdict: Verdict | undefined;
  let made = 0;
  while (made < attempts) {
    const remaining = deadline - performance.now();
    if (made > 0 && remaining < 50) break;
    made += 1;
    result = await httpAttempt(url, {
      method: config.method,
      headers: config.headers,
      timeoutMs: Math.max(1, Math.floor(Math.min(perAttempt, remaining))),
      rejectUnauthorized: !config.tls_skip_verify,
      ...(ca ? { ca } : {}),
      signal,
    });
    verdict = evaluateAttempt(result, config, Date.now());
    if (verdict.status !== "down" || !verdict.retryable || made >= attempts) break;
    const pause = Math.min(config.retry_delay, deadline - performance.now() - 50);
    if (pause > 0) await sleep(pause, undefined, { signal }).catch(() => undefined);
    if (signal.aborted) break;
  }
  return { result, verdict, made };
}

export const plugin = definePlugin({
  type: "http",
  // the product brief's form: one entry, several `endpoints:` (each its own monitor)
  listForm: "endpoints",
  configSchema: HttpMonitorOptions,
  defaultIntervalMs: 60_000,
  defaultName: (config) => `http:${new URL(config.url).host}`,
  async create(config, ctx) {
    // Read the CA once; a missing file is a configuration error, reported at start.
    let ca: string | undefined;
    if (config.tls_ca_file) {
      try {
        ca = await readFile(config.tls_ca_file, "utf8");
      } catch (error) {
        throw new Error(
          `tls_ca_file: cannot read ${config.tls_ca_file} (${(error as NodeJS.ErrnoException).code})`,
        );
      }
    }
    const labels = { monitor: ctx.monitorName };
    return {
      async collect(signal): Promise<Collected> {
        const { result, verdict, made } = await check(config, ctx, ca, signal);
        if (!result || !verdict) throw new Error("no attempt was made");
        const samples: Sample[] = [];
        if (result.status !== undefined) {
          samples.push(
            { name: "http.latency_ms", value: Math.round(result.latencyMs * 10) / 10, labels },
            { name: "http.status_code", value: result.status, labels },
          );
        }
        if (verdict.keywordFound !== undefined) {
          samples.push({ name: "http.keyword_found", value: verdict.keywordFound ? 1 : 0, labels });
        }
        if (verdict.daysLeft !== undefined)
          samples.push({ name: "http.tls_days_left", value: verdict.daysLeft, labels });
        let message = verdict.message;
        if (verdict.status === "down" && made > 1) message += ` (${made} attempts)`;
        else if (made > 1) message += ` (${ordinal(made)} attempt)`;
        return {
          samples,
          checks: [
            {
              status: verdict.status,
              message,
              ...(result.status !== undefined ? { latency_ms: Math.round(result.latencyMs) } : {}),
            },
          ],
        };
      },
    };
  },
});
