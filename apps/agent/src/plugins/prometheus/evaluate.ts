/**
 * Pure evaluation of a scrape (data -> verdict; ../shared/prometheus-text.ts parses the text):
 * which series are sent and which are dropped (and why), made safe for the wire; plus the
 * plugin's own scrape metrics and the check on what came back. No I/O here: tested on recorded
 * expositions.
 */
import { compileMetricPatterns } from "@custos/protocol";
import type { PromParseResult, PromSample } from "../shared/prometheus-text.ts";
import type { Sample } from "../types.ts";

/**
 * Why a series was not sent, in the order they are tested:
 * - `not_listed`: its name matches no entry of `metrics`;
 * - `not_finite`: the value is NaN, +Inf or -Inf (the backend stores finite numbers only);
 * - `max_labels`: more labels than `max_labels` after drop_labels (the whole series is dropped,
 *   not cut down: keeping some labels would merge distinct series into one);
 * - `invalid_name`: longer than 200 characters with the prefix, or a label name over 64;
 * - `duplicate`: the same name and labels as a series already kept (e.g. after drop_labels);
 * - `max_series`: `max_series` series were already kept from this scrape.
 */
export const DROP_REASONS = [
  "not_listed",
  "not_finite",
  "max_labels",
  "invalid_name",
  "duplicate",
  "max_series",
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

const MAX_NAME = 200;
const MAX_LABEL_NAME = 64;
const MAX_LABEL_VALUE = 200;

export interface SelectOptions {
  /** Allow-list: exact exposition names or globs with `*`. */
  metrics: readonly string[];
  maxSeries: number;
  maxLabels: number;
  dropLabels: readonly string[];
  prefix?: string;
}

export interface Selection {
  samples: Sample[];
  /** Series seen in the exposition (every sample line that could be read). */
  seen: number;
  dropped: Record<DropReason, number>;
  /** The first series dropped for each reason, as `name{labels}`, for one log line. */
  examples: Partial<Record<DropReason, string>>;
  /** Label values cut to 200 characters. */
  truncatedValues: number;
  /** Allow-list entries that matched no series of this scrape. */
  unmatched: string[];
}

/** Anything outside the wire's name alphabet becomes "_" (the exposition's names never need it). */
function sanitizeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.:\-/]/g, "_");
}

function truncateValue(value: string): string {
  if (value.length <= MAX_LABEL_VALUE) return value;
  let cut = value.slice(0, MAX_LABEL_VALUE);
  // do not leave half of a surrogate pair at the end
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut;
}

function describeSeries(sample: PromSample): string {
  const labels = Object.entries(sample.labels)
    .map(([k, v]) => `${k}="${v.length > 40 ? `${v.slice(0, 40)}...` : v}"`)
    .join(",");
  return labels ? `${sample.name}{${labels}}` : sample.name;
}

/**
 * Keeps the allow-listed series of one scrape, in exposition order, and counts every series
 * left out by reason. Names get the prefix; labels lose drop_labels and empty values (in the
 * Prometheus model `x=""` is the same as no label x); values over 200 characters are cut.
 * Timestamps in the exposition are ignored: samples carry the scrape time.
 */
export function selectSeries(series: readonly PromSample[], options: SelectOptions): Selection {
  const allowed = compileMetricPatterns(options.metrics);
  const drop = new Set(options.dropLabels);
  const prefix = options.prefix ?? "";
  const dropped = Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>;
  const examples: Selection["examples"] = {};
  const matched = new Set<string>();
  const keys = new Set<string>();
  const samples: Sample[] = [];
  let truncatedValues = 0;

  const reject = (reason: DropReason, sample: PromSample) => {
    dropped[reason] += 1;
    examples[reason] ??= describeSeries(sample);
  };

  for (const sample of series) {
    const pattern = allowed.which(sample.name);
    if (pattern === undefined) {
      reject("not_listed", sample);
      continue;
    }
    matched.add(pattern);
    if (!Number.isFinite(sample.value)) {
      reject("not_finite", sample);
      continue;
    }
    const labels: Record<string, string> = {};
    let count = 0;
    let badLabel = false;
    for (const [key, value] of Object.entries(sample.labels)) {
      if (drop.has(key) || value === "") continue;
      if (key.length > MAX_LABEL_NAME) badLabel = true;
      const cut = truncateValue(value);
      if (cut !== value) truncatedValues += 1;
      labels[key] = cut;
      count += 1;
    }
    if (count > options.maxLabels) {
      reject("max_labels", sample);
      continue;
    }
    const name = sanitizeName(prefix + sample.name);
    if (badLabel || name.length > MAX_NAME) {
      reject("invalid_name", sample);
      continue;
    }
    const key = `${name}\u0000${Object.keys(labels)
      .sort()
      .map((k) => `${k}=${labels[k]}`)
      .join("\u0000")}`;
    if (keys.has(key)) {
      reject("duplicate", sample);
      continue;
    }
    if (samples.length >= options.maxSeries) {
      reject("max_series", sample);
      continue;
    }
    keys.add(key);
    samples.push(count > 0 ? { name, value: sample.value, labels } : { name, value: sample.value });
  }

  return {
    samples,
    seen: series.length,
    dropped,
    examples,
    truncatedValues,
    unmatched: options.metrics.filter((pattern) => !matched.has(pattern)),
  };
}

/**
 * A hint for allow-list entries that matched nothing: a histogram's or summary's family name is
 * not a series name by itself (a histogram has only `_bucket`, `_sum` and `_count` series).
 */
export function unmatchedHint(unmatched: readonly string[], types: PromParseResult["types"]): string {
  return unmatched
    .map((pattern) =>
      types[pattern] === "histogram"
        ? `${pattern} (a histogram: list ${pattern}_sum, ${pattern}_count and, for the buckets, ${pattern}_bucket)`
        : pattern,
    )
    .join(", ");
}

/** The plugin's own metrics of one scrape; only the duration when the scrape failed. */
export function scrapeReport(
  target: string,
  durationMs: number,
  outcome?: { selection: Selection; invalidLines: number },
): Sample[] {
  const labels = { target };
  const samples: Sample[] = [
    { name: "prometheus_scrape_duration_ms", value: Math.round(durationMs * 10) / 10, labels },
  ];
  if (!outcome) return samples;
  samples.push({ name: "prometheus_series_kept", value: outcome.selection.samples.length, labels });
  for (const reason of DROP_REASONS) {
    samples.push({
      name: "prometheus_series_dropped",
      value: outcome.selection.dropped[reason],
      labels: { target, reason },
    });
  }
  samples.push({ name: "prometheus_invalid_lines", value: outcome.invalidLines, labels });
  return samples;
}

/**
 * Why a 2xx reply is not a Prometheus text exposition, or undefined when it may be one: judged
 * from the content type, then from the first character of the body (an error page served with
 * text/plain, a JSON API behind the URL).
 */
export function notPrometheusText(contentType: string | null, bodyStart: string): string | undefined {
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (type === "text/html" || type === "application/xhtml+xml") {
    return `the URL answered with an HTML page (${type}), not the Prometheus text format; check the path (usually /metrics)`;
  }
  if (type === "application/json" || type.endsWith("+json")) {
    return `the URL answered with JSON (${type}), not the Prometheus text format`;
  }
  if (type.includes("protobuf")) {
    return `the URL answered in the protobuf format (${type}); only the text format is read`;
  }
  const first = bodyStart.trimStart()[0];
  if (first === "<") return "the reply looks like HTML or XML, not the Prometheus text format";
  if (first === "{" || first === "[") return "the reply looks like JSON, not the Prometheus text format";
  return undefined;
}

/** The `ok` message: what was kept and, when anything was dropped, why. */
export function summarize(selection: Selection, durationMs: number): string {
  const parts = DROP_REASONS.filter((reason) => selection.dropped[reason] > 0).map(
    (reason) => `${selection.dropped[reason]} ${reason}`,
  );
  const kept = `kept ${selection.samples.length} of ${selection.seen} series in ${Math.round(durationMs)} ms`;
  return parts.length > 0 ? `${kept}; dropped ${parts.join(", ")}` : kept;
}
