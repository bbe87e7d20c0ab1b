/**
 * minio: liveness and cluster-quorum probes plus the v2 cluster metrics. The thin runner does the
 * three GETs; ../shared/prometheus-text.ts parses and evaluate.ts interprets.
 */

import { MinioMonitorOptions } from "@custos/protocol";
import { HttpError, headerValue, httpRequest } from "../../util/http-client.ts";
import { parsePrometheusText } from "../shared/prometheus-text.ts";
import { definePlugin, type PluginContext, type PluginInstance } from "../types.ts";
import { evaluate, type ProbeResult, summarizeCluster, summaryToSamples } from "./evaluate.ts";

const MAX_METRICS_BYTES = 16 * 1024 * 1024;

export const plugin = definePlugin({
  type: "minio",
  configSchema: MinioMonitorOptions,
  defaultIntervalMs: 60_000,
  defaultName: (config) => `minio:${new URL(config.url).host.replace(/[^A-Za-z0-9_.:-]/g, "_")}`,
  create: (config, ctx) => createMinio(config, ctx),
});

function createMinio(config: MinioMonitorOptions, ctx: PluginContext): PluginInstance {
  const base = config.url.replace(/\/+$/, "");
  let loggedInvalid = false;
  return {
    async collect(signal) {
      const deadline = AbortSignal.any([signal, AbortSignal.timeout(ctx.timeoutMs)]);
      const started = performance.now();
      const [live, cluster] = await Promise.all([
        probe(`${base}/minio/health/live`, deadline),
        probe(`${base}/minio/health/cluster`, deadline),
      ]);
      const latency_ms = Math.round(performance.now() - started);

      let metrics: ProbeResult = { status: 200 };
      let summary: ReturnType<typeof summarizeCluster> | undefined;
      const reachable = "status" in live && live.status === 200;
      if (config.metrics && reachable) {
        const headers: Record<string, string> = {};
        if (config.bearer_token) headers.authorization = `Bearer ${config.bearer_token}`;
        const scraped = await fetchText(`${base}/minio/v2/metrics/cluster`, deadline, headers);
        metrics = scraped.probe;
        if (scraped.body !== undefined && "status" in metrics && metrics.status === 200) {
          const parsed = parsePrometheusText(scraped.body);
          if (parsed.invalid.length > 0 && !loggedInvalid) {
            loggedInvalid = true;
            ctx.log.warn("minio metrics: some lines could not be parsed", {
              count: parsed.invalid.length,
              first: parsed.invalid[0],
            });
          }
          summary = summarizeCluster(parsed.samples);
        }
      }

      const verdict = evaluate({ live, cluster, metrics, summary });
      const samples = [
        { name: "minio.health.live", value: "status" in live && live.status === 200 ? 1 : 0 },
        { name: "minio.health.cluster", value: "status" in cluster && cluster.status === 200 ? 1 : 0 },
        ...(summary ? summaryToSamples(summary) : []),
      ];
      return { samples, checks: [{ status: verdict.status, message: verdict.message, latency_ms }] };
    },
  };
}

async function probe(url: string, signal: AbortSignal): Promise<ProbeResult> {
  return (await fetchText(url, signal, {}, false)).probe;
}

async function fetchText(
  url: string,
  signal: AbortSignal,
  headers: Record<string, string>,
  readBody = true,
): Promise<{ probe: ProbeResult; body?: string }> {
  try {
    const declared = (head: { headers: Parameters<typeof headerValue>[0] }) =>
      Number(headerValue(head.headers, "content-length") ?? "0");
    const response = await httpRequest(url, {
      headers,
      signal,
      acceptGzip: true,
      maxBodyBytes: MAX_METRICS_BYTES,
      readBody: (head) => readBody && head.status === 200 && declared(head) <= MAX_METRICS_BYTES,
    });
    if (!readBody || response.status !== 200) return { probe: { status: response.status } };
    if (!response.bodyRead) {
      return { probe: { error: `metrics reply too large (${declared(response)} bytes)` } };
    }
    if (response.truncated)
      return { probe: { error: `metrics reply larger than ${MAX_METRICS_BYTES} bytes` } };
    return { probe: { status: response.status }, body: response.body.toString("utf8") };
  } catch (error) {
    return { probe: { error: describeFetchError(error, signal) } };
  }
}

/** A short reason without the URL's credentials or the request headers. */
function describeFetchError(error: unknown, signal: AbortSignal): string {
  if (signal.aborted) return "timed out";
  if (error instanceof HttpError && error.code) return error.code;
  return error instanceof Error ? error.message : String(error);
}
