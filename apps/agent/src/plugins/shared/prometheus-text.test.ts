import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parsePrometheusText } from "./prometheus-text.ts";

const fixture = (name: string) => readFileSync(new URL(`../minio/fixtures/${name}`, import.meta.url), "utf8");

describe("parsePrometheusText", () => {
  it("reads every sample of a recorded MinIO scrape, with labels and timestamps", () => {
    const parsed = parsePrometheusText(fixture("metrics-cluster-collectd.prom"));
    expect(parsed.invalid).toEqual([]);
    const buckets = parsed.samples.find((s) => s.name === "minio_cluster_bucket_total");
    expect(buckets).toEqual({
      name: "minio_cluster_bucket_total",
      labels: { job: "unknown_service:collectd", instance: "", server: "127.0.0.1:9000" },
      value: 1,
      timestampMs: 1737292715878,
    });
    expect(parsed.types.minio_cluster_bucket_total).toBe("gauge");
    expect(parsed.samples.filter((s) => s.name === "minio_cluster_objects_size_distribution")).toHaveLength(
      11,
    );
  });

  it("keeps '+Inf' inside a label value as text and reads fractional values", () => {
    const parsed = parsePrometheusText(fixture("metrics-cluster-collectd.prom"));
    const inf = parsed.samples.find((s) => s.labels.le === "+Inf");
    expect(inf?.value).toBe(5);
    const uptime = parsed.samples.find((s) => s.name === "minio_node_process_uptime_seconds");
    expect(uptime?.value).toBeCloseTo(79730.661788513, 6);
  });

  it.each([
    ["NaN", Number.NaN],
    ["+Inf", Number.POSITIVE_INFINITY],
    ["-Inf", Number.NEGATIVE_INFINITY],
    ["1.5e3", 1500],
    ["-0.25", -0.25],
    ["nan", Number.NaN],
    ["inf", Number.POSITIVE_INFINITY],
    ["-Infinity", Number.NEGATIVE_INFINITY],
  ])("reads the special (any case, as Go reads them) or exponent value %s", (text, expected) => {
    const parsed = parsePrometheusText(`metric_x ${text}\n`);
    expect(parsed.invalid).toEqual([]);
    expect(parsed.samples[0]?.value).toBe(expected);
  });

  it("unescapes backslash, quote and newline in label values", () => {
    const parsed = parsePrometheusText('m{path="C:\\\\data",msg="say \\"hi\\"\\nbye",x="a,b}"} 3\n');
    expect(parsed.samples[0]?.labels).toEqual({ path: "C:\\data", msg: 'say "hi"\nbye', x: "a,b}" });
  });

  it("accepts CRLF line endings, blank lines, plain comments and a trailing comma in labels", () => {
    const parsed = parsePrometheusText('# a comment\r\n\r\nm{a="1",} 2\r\n');
    expect(parsed.samples).toEqual([{ name: "m", labels: { a: "1" }, value: 2 }]);
  });

  it("reports lines it cannot read by number and keeps the rest", () => {
    const parsed = parsePrometheusText('good 1\nbad{a="1" 2\nalso_bad notanumber\n0leading 1\ngood2 2\n');
    expect(parsed.samples.map((s) => s.name)).toEqual(["good", "good2"]);
    expect(parsed.invalid.map((i) => i.line)).toEqual([2, 3, 4]);
  });
});
