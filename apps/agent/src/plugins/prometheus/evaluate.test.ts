import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type PromSample, parsePrometheusText } from "../shared/prometheus-text.ts";
import {
  DROP_REASONS,
  notPrometheusText,
  type SelectOptions,
  scrapeReport,
  selectSeries,
  summarize,
  unmatchedHint,
} from "./evaluate.ts";

const fixture = (name: string) =>
  parsePrometheusText(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8"));
/** The Go application (client_golang) recording: 78 series. */
const goApp = fixture("go-app-remote-adapter.prom");
/** The Prometheus 0.16 server recording, with NaN quantiles: 24 series. */
const promServer = fixture("prometheus-0.16-server.prom");

const defaults: SelectOptions = { metrics: [], maxSeries: 200, maxLabels: 8, dropLabels: [] };
const select = (series: PromSample[], options: Partial<SelectOptions>) =>
  selectSeries(series, { ...defaults, ...options });
const names = (samples: { name: string }[]) => samples.map((s) => s.name);

describe("selecting series from a recorded Go application exposition", () => {
  it("reads the whole recording (78 series, no unreadable line)", () => {
    expect(goApp.invalid).toEqual([]);
    expect(goApp.samples).toHaveLength(78);
  });

  it("keeps only allow-listed series, exact names and * globs, and counts the rest as not_listed", () => {
    const result = select(goApp.samples, { metrics: ["go_goroutines", "process_*"] });
    expect(names(result.samples)).toEqual([
      "go_goroutines",
      "process_cpu_seconds_total",
      "process_max_fds",
      "process_open_fds",
      "process_resident_memory_bytes",
      "process_start_time_seconds",
      "process_virtual_memory_bytes",
      "process_virtual_memory_max_bytes",
    ]);
    expect(result.seen).toBe(78);
    expect(result.dropped.not_listed).toBe(70);
    expect(result.unmatched).toEqual([]);
  });

  it("sends counters as their raw value and keeps negative gauges", () => {
    const result = select(goApp.samples, {
      metrics: ["process_cpu_seconds_total", "process_virtual_memory_max_bytes"],
    });
    expect(result.samples).toEqual([
      { name: "process_cpu_seconds_total", value: 340.33 },
      { name: "process_virtual_memory_max_bytes", value: -1 },
    ]);
  });

  it("keeps labels as exposed, e.g. the status code of promhttp's counter", () => {
    const result = select(goApp.samples, { metrics: ["promhttp_metric_handler_requests_total"] });
    expect(result.samples).toEqual([
      { name: "promhttp_metric_handler_requests_total", value: 1, labels: { code: "200" } },
      { name: "promhttp_metric_handler_requests_total", value: 0, labels: { code: "500" } },
      { name: "promhttp_metric_handler_requests_total", value: 0, labels: { code: "503" } },
    ]);
  });

  it("does not expand a histogram's family name: its _sum, _count and _bucket series are listed by name", () => {
    const family = "remote_adapter_api_request_duration_seconds";
    const byFamily = select(goApp.samples, { metrics: [family] });
    expect(byFamily.samples).toEqual([]);
    expect(byFamily.unmatched).toEqual([family]);
    expect(unmatchedHint(byFamily.unmatched, goApp.types)).toContain(`${family}_bucket`);

    const sumCount = select(goApp.samples, { metrics: [`${family}_sum`, `${family}_count`] });
    expect(sumCount.samples).toEqual([
      { name: `${family}_sum`, value: 164068.22068123778, labels: { handler: "write", method: "post" } },
      { name: `${family}_count`, value: 63879, labels: { handler: "write", method: "post" } },
    ]);

    const all = select(goApp.samples, { metrics: [`${family}_*`] });
    expect(all.samples).toHaveLength(9);
    expect(all.samples.filter((s) => s.labels?.le !== undefined).map((s) => s.labels?.le)).toEqual([
      "0.25",
      "0.5",
      "1",
      "2.5",
      "5",
      "10",
      "+Inf",
    ]);
  });

  it("keeps a summary's quantile series under the family name and _sum/_count only when they match too", () => {
    const quantiles = select(goApp.samples, { metrics: ["go_gc_duration_seconds"] });
    expect(quantiles.samples.map((s) => s.labels?.quantile)).toEqual(["0", "0.25", "0.5", "0.75", "1"]);
    const whole = select(goApp.samples, { metrics: ["go_gc_duration_seconds*"] });
    expect(names(whole.samples).slice(-2)).toEqual([
      "go_gc_duration_seconds_sum",
      "go_gc_duration_seconds_count",
    ]);
  });

  it("stops at max_series in exposition order and counts the rest", () => {
    const result = select(goApp.samples, { metrics: ["go_memstats_*"], maxSeries: 10 });
    expect(result.samples).toHaveLength(10);
    expect(result.samples[0]?.name).toBe("go_memstats_alloc_bytes");
    expect(result.dropped.max_series).toBe(14);
    expect(result.examples.max_series).toBe("go_memstats_heap_released_bytes");
  });

  it("drops (not trims) series with more labels than max_labels, and counts them", () => {
    const result = select(goApp.samples, { metrics: ["remote_adapter_*"], maxLabels: 2 });
    // the request-duration buckets (handler, method, le) and the requests counter (code, handler, method)
    expect(result.dropped.max_labels).toBe(8);
    expect(result.samples).toHaveLength(33 - 8);
    expect(result.samples.every((s) => Object.keys(s.labels ?? {}).length <= 2)).toBe(true);
    expect(result.examples.max_labels).toBe(
      'remote_adapter_api_request_duration_seconds_bucket{handler="write",method="post",le="0.25"}',
    );
  });

  it("removes drop_labels first, so those series fit max_labels", () => {
    const result = select(goApp.samples, {
      metrics: ["remote_adapter_*"],
      maxLabels: 2,
      dropLabels: ["method"],
    });
    expect(result.dropped.max_labels).toBe(0);
    expect(result.samples).toHaveLength(33);
    expect(result.samples.some((s) => s.labels?.method !== undefined)).toBe(false);
    expect(result.samples).toContainEqual({
      name: "remote_adapter_api_requests_total",
      value: 63879,
      labels: { code: "200", handler: "write" },
    });
  });

  it("keeps the first of series that drop_labels made identical and counts the others as duplicate", () => {
    const result = select(goApp.samples, {
      metrics: ["remote_adapter_api_request_duration_seconds_bucket"],
      dropLabels: ["le"],
    });
    expect(result.samples).toEqual([
      {
        name: "remote_adapter_api_request_duration_seconds_bucket",
        value: 27489,
        labels: { handler: "write", method: "post" },
      },
    ]);
    expect(result.dropped.duplicate).toBe(6);
  });

  it("prepends the prefix as given", () => {
    const result = select(goApp.samples, { metrics: ["go_goroutines", "go_info"], prefix: "adapter." });
    expect(result.samples).toEqual([
      { name: "adapter.go_goroutines", value: 11 },
      { name: "adapter.go_info", value: 1, labels: { version: "go1.13.8" } },
    ]);
  });
});

describe("selecting series from a recorded Prometheus server exposition", () => {
  it("skips NaN quantiles and counts them as not_finite, keeping the finite _sum and _count", () => {
    expect(promServer.invalid).toEqual([]);
    const result = select(promServer.samples, {
      metrics: ["prometheus_local_storage_indexing_batch_duration_milliseconds*"],
    });
    expect(result.dropped.not_finite).toBe(3);
    expect(result.samples).toEqual([
      { name: "prometheus_local_storage_indexing_batch_duration_milliseconds_sum", value: 871.5665949999999 },
      { name: "prometheus_local_storage_indexing_batch_duration_milliseconds_count", value: 229 },
    ]);
  });

  it("reads values written as 28.0 and 1.345758e+06 as numbers", () => {
    const result = select(promServer.samples, { metrics: ["prometheus_local_storage_chunk_ops_total"] });
    expect(result.samples.map((s) => [s.labels?.type, s.value])).toEqual([
      ["clone", 28],
      ["create", 997844],
      ["drop", 1345758],
      ["load", 1641],
      ["persist", 981408],
      ["pin", 32662],
      ["transcode", 980180],
      ["unpin", 32662],
    ]);
  });

  it("reports allow-list entries that matched nothing", () => {
    const result = select(promServer.samples, {
      metrics: ["go_goroutines", "myapp_*", "http_requests_total"],
    });
    expect(result.unmatched).toEqual(["myapp_*", "http_requests_total"]);
    expect(unmatchedHint(result.unmatched, promServer.types)).toBe("myapp_*, http_requests_total");
  });
});

describe("making series safe for the wire", () => {
  it("skips +Inf and -Inf values like NaN", () => {
    const parsed = parsePrometheusText('a_total +Inf\na_total{x="1"} -Inf\na_total{x="2"} 3\n');
    const result = select(parsed.samples, { metrics: ["a_total"] });
    expect(result.dropped.not_finite).toBe(2);
    expect(result.samples).toEqual([{ name: "a_total", value: 3, labels: { x: "2" } }]);
  });

  it("drops empty label values (the same as no label in Prometheus) and cuts values to 200 characters", () => {
    const long = "x".repeat(250);
    const parsed = parsePrometheusText(`m{a="",b="${long}",c="ok"} 1\n`);
    const result = select(parsed.samples, { metrics: ["m"] });
    expect(result.samples).toEqual([{ name: "m", value: 1, labels: { b: "x".repeat(200), c: "ok" } }]);
    expect(result.truncatedValues).toBe(1);
  });

  it("never cuts a label value in the middle of a surrogate pair", () => {
    const value = `${"x".repeat(199)}😀`;
    const parsed = parsePrometheusText(`m{a="${value}"} 1\n`);
    const kept = select(parsed.samples, { metrics: ["m"] }).samples[0];
    expect(kept?.labels?.a).toBe("x".repeat(199));
  });

  it("drops series whose name (with the prefix) passes 200 characters or that have a label name over 64", () => {
    const longName = `m_${"a".repeat(190)}`;
    const parsed = parsePrometheusText(`${longName} 1\nshort{${"l".repeat(65)}="v"} 2\nshort 3\n`);
    const result = select(parsed.samples, { metrics: ["m_*", "short"], prefix: "application_prefix." });
    expect(result.dropped.invalid_name).toBe(2);
    expect(result.samples).toEqual([{ name: "application_prefix.short", value: 3 }]);
  });
});

describe("scrape report and messages", () => {
  it("reports kept, dropped per reason and invalid lines labelled with the target", () => {
    const selection = select(goApp.samples, { metrics: ["go_memstats_*"], maxSeries: 10 });
    const report = scrapeReport("prometheus:app", 12.345, { selection, invalidLines: 2 });
    expect(report).toContainEqual({
      name: "prometheus_scrape_duration_ms",
      value: 12.3,
      labels: { target: "prometheus:app" },
    });
    expect(report).toContainEqual({
      name: "prometheus_series_kept",
      value: 10,
      labels: { target: "prometheus:app" },
    });
    expect(report).toContainEqual({
      name: "prometheus_series_dropped",
      value: 14,
      labels: { target: "prometheus:app", reason: "max_series" },
    });
    expect(report).toContainEqual({
      name: "prometheus_invalid_lines",
      value: 2,
      labels: { target: "prometheus:app" },
    });
    expect(report.filter((s) => s.name === "prometheus_series_dropped").map((s) => s.labels?.reason)).toEqual(
      [...DROP_REASONS],
    );
  });

  it("reports only the duration of a failed scrape", () => {
    expect(scrapeReport("t", 5)).toEqual([
      { name: "prometheus_scrape_duration_ms", value: 5, labels: { target: "t" } },
    ]);
  });

  it("says what was kept and why the rest was dropped", () => {
    const selection = select(goApp.samples, { metrics: ["go_memstats_*"], maxSeries: 10 });
    expect(summarize(selection, 7.6)).toBe(
      "kept 10 of 78 series in 8 ms; dropped 54 not_listed, 14 max_series",
    );
  });

  it.each([
    ["text/html; charset=utf-8", "<html>", /HTML page \(text\/html\)/],
    ["application/json", '{"status":"ok"}', /JSON \(application\/json\)/],
    ["application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily", "", /protobuf/],
    ["text/plain", "  <!DOCTYPE html><html>", /looks like HTML/],
    [null, '[{"name":"x"}]', /looks like JSON/],
  ])("refuses a %s reply that is not the text format", (type, body, reason) => {
    expect(notPrometheusText(type, body)).toMatch(reason);
  });

  it("accepts text/plain, OpenMetrics and an untyped reply that starts like an exposition", () => {
    expect(notPrometheusText("text/plain; version=0.0.4; charset=utf-8", "# HELP a b\n")).toBeUndefined();
    expect(
      notPrometheusText("application/openmetrics-text; version=1.0.0", "# TYPE a gauge\n"),
    ).toBeUndefined();
    expect(notPrometheusText(null, "a 1\n")).toBeUndefined();
  });
});
