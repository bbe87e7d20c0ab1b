/**
 * prometheus: scrapes one Prometheus text-format endpoint (an application's own `/metrics`) and
 * sends the allow-listed series. The thin runner here does the GET with a deadline and a body
 * size limit; ../shared/prometheus-text.ts parses and evaluate.ts decides what is kept.
 */

import { PrometheusMonitorOptions } from "@custos/protocol";
import { HttpError, type HttpHead, headerValue, httpRequest } from "../../util/http-client.ts";
import { type PromParseResult, parsePrometheusText } from "../shared/prometheus-text.ts";
import { ThresholdTracker } from "../shared/thresholds.ts";
import type { CheckOutcome, Collected, PluginContext, PluginInstance, Sample } from "../types.ts";
import { definePlugin } from "../types.ts";
import {
  notPrometheusText,
  type Selection,
  scrapeReport,
  selectSeries,
  summarize,
  unmatchedHint,
} from "./evaluate.ts";

/** Ask for the classic text format (not OpenMetrics, not protobuf). */
const ACCEPT = "text/plain;version=0.0.4;q=1,*/*;q=0.1";

/** Leave the runtime a moment after our own deadline, so our result wins over its abort. */
function budgetMs(timeoutMs: number): number {
  return Math.max(50, timeoutMs - Math.min(250, timeoutMs * 0.1));
}

export const plugin = definePlugin({
  type: "prometheus",
  configSchema: PrometheusMonitorOptions,
  defaultIntervalMs: 60_000,
  defaultName: (config) => `prometheus:${new URL(config.url).host.replace(/[^A-Za-z0-9_.:-]/g, "_")}`,
  create: (config, ctx) => createPrometheus(config, ctx),
});

type Fetched = { body: string; contentType: string | null } | { problem: string };

function createPrometheus(config: PrometheusMonitorOptions, ctx: PluginContext): PluginInstance {
  const headers: Record<string, string> = { accept: ACCEPT, "user-agent": "custos-agent" };
  for (const [name, value] of Object.entries(config.headers)) headers[name.toLowerCase()] = value;
  if (config.bearer_token) headers.authorization = `Bearer ${config.bearer_token}`;
  const tracker = new ThresholdTracker(config.thresholds, Date.now());
  const target = ctx.monitorName;
  // Each kind of oddity is logged once per agent run, not every scrape.
  const logged = new Set<string>();
  const warnOnce = (key: string, message: string, data: object) => {
    if (logged.has(key)) return;
    logged.add(key);
    ctx.log.warn(message, data);
  };

  return {
    async collect(signal): Promise<Collected> {
      const budget = budgetMs(ctx.timeoutMs);
      const started = performance.now();
      const fetched = await fetchExposition(config.url, headers, config.max_body_bytes, signal, budget);
      const durationMs = performance.now() - started;
      const latency_ms = Math.round(durationMs * 10) / 10;

      const finish = (check: CheckOutcome, samples: Sample[]): Collected => {
        const now = Date.now();
        for (const sample of samples) tracker.observe(sample, now);
        return { samples, checks: [check, ...tracker.checks(ctx.monitorName, now)] };
      };
      const down = (message: string) =>
        finish({ status: "down", message, latency_ms }, scrapeReport(target, durationMs));

      if ("problem" in fetched) return down(fetched.problem);
      const notText = notPrometheusText(fetched.contentType, fetched.body.slice(0, 512));
      if (notText) return down(notText);
      const parsed = parsePrometheusText(fetched.body);
      const firstInvalid = parsed.invalid[0];
      if (parsed.samples.length === 0 && firstInvalid) {
        return down(
          `no Prometheus samples in the reply: ${parsed.invalid.length} unreadable line(s), first line ${firstInvalid.line}: ${firstInvalid.reason}`,
        );
      }

      const selection = selectSeries(parsed.samples, {
        metrics: config.metrics,
        maxSeries: config.max_series,
        maxLabels: config.max_labels,
        dropLabels: config.drop_labels,
        ...(config.prefix ? { prefix: config.prefix } : {}),
      });
      logOddities(selection, parsed, warnOnce, config.max_series, config.max_labels);
      return finish({ status: "ok", message: summarize(selection, durationMs), latency_ms }, [
        ...selection.samples,
        ...scrapeReport(target, durationMs, { selection, invalidLines: parsed.invalid.length }),
      ]);
    },
  };
}

function logOddities(
  selection: Selection,
  parsed: PromParseResult,
  warnOnce: (key: string, message: string, data: object) => void,
  maxSeries: number,
  maxLabels: number,
): void {
  const first = parsed.invalid[0];
  if (first) {
    warnOnce("invalid", "prometheus: some lines of the exposition could not be read and were skipped", {
      count: parsed.invalid.length,
      first,
    });
  }
  if (selection.unmatched.length > 0) {
    warnOnce("unmatched", "prometheus: entries of metrics matched no series", {
      metrics: unmatchedHint(selection.unmatched, parsed.types),
    });
  }
  if (selection.dropped.max_series > 0) {
    warnOnce(
      "max_series",
      `prometheus: more than max_series (${maxSeries}) series matched; the rest are dropped`,
      {
        dropped: selection.dropped.max_series,
        first_dropped: selection.examples.max_series,
      },
    );
  }
  if (selection.dropped.max_labels > 0) {
    warnOnce(
      "max_labels",
      `prometheus: series with more than max_labels (${maxLabels}) labels are dropped; raise max_labels or list the extra labels in drop_labels`,
      { dropped: selection.dropped.max_labels, first_dropped: selection.examples.max_labels },
    );
  }
  if (selection.dropped.invalid_name > 0) {
    warnOnce(
      "invalid_name",
      "prometheus: series with a name over 200 or a label name over 64 characters are dropped",
      {
        first_dropped: selection.examples.invalid_name,
      },
    );
  }
  if (selection.dropped.duplicate > 0) {
    warnOnce(
      "duplicate",
      "prometheus: the same series appears twice (after drop_labels); the first is kept",
      {
        first_dropped: selection.examples.duplicate,
      },
    );
  }
}

/**
 * GET the exposition within `budget` ms, reading at most `maxBytes` of the body. Never throws;
 * the problem text names neither the URL's query nor any header.
 */
async function fetchExposition(
  url: string,
  headers: Record<string, string>,
  maxBytes: number,
  signal: AbortSignal,
  budget: number,
): Promise<Fetched> {
  const started = performance.now();
  const failure = (error: unknown): Fetched => {
    if (error instanceof HttpError && error.reason === "timeout") {
      return { problem: `timed out: no complete reply within ${Math.round(performance.now() - started)} ms` };
    }
    if (signal.aborted) return { problem: "check cancelled" };
    return { problem: `not reachable: ${describeFetchError(error)}` };
  };

  const declaredLength = (head: HttpHead) =>
    Number(headerValue(head.headers, "content-length") ?? Number.NaN);
  /** Why the body is not worth reading, decided from the status line and headers alone. */
  const refusal = (head: HttpHead): string | undefined => {
    if (head.status < 200 || head.status > 299) return describeStatus(head);
    const declared = declaredLength(head);
    if (Number.isFinite(declared) && declared > maxBytes) {
      return `the reply is ${declared} bytes, over max_body_bytes (${maxBytes})`;
    }
    return notPrometheusText(headerValue(head.headers, "content-type") ?? null, "");
  };

  let response: Awaited<ReturnType<typeof httpRequest>>;
  try {
    response = await httpRequest(url, {
      headers,
      signal,
      timeoutMs: budget,
      maxBodyBytes: maxBytes,
      acceptGzip: true,
      readBody: (head) => refusal(head) === undefined,
    });
  } catch (error) {
    return failure(error);
  }
  const refused = refusal(response);
  if (refused) return { problem: refused };
  if (response.truncated) {
    return { problem: `the reply is larger than max_body_bytes (${maxBytes} bytes); stopped reading` };
  }
  return {
    body: response.body.toString("utf8"),
    contentType: headerValue(response.headers, "content-type") ?? null,
  };
}

function describeStatus(response: HttpHead): string {
  const text = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
  if (response.status === 401 || response.status === 403) return `${text} (check bearer_token or headers)`;
  if (response.status >= 300 && response.status <= 399) {
    const location = headerValue(response.headers, "location");
    const where = location ? ` to ${location.split("?")[0]}` : "";
    return `${text}: redirected${where}; set url to the final address (redirects are not followed)`;
  }
  return text;
}

/** A short reason: the error code when there is one (ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED). */
function describeFetchError(error: unknown): string {
  if (error instanceof HttpError && error.code) return error.code;
  return error instanceof Error ? error.message : String(error);
}
