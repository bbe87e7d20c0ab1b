import { describe, expect, it } from "vitest";
import type { MetricsResponse } from "@/lib/contract.ts";
import { toRows } from "@/lib/series.ts";
import {
  batches,
  filterMetricNames,
  type MetricNameInfo,
  metricChart,
  NAMES_PER_REQUEST,
  SERIES_PER_CHART,
  seriesLabel,
} from "./metric-list.ts";

const info = (name: string, series = 1): MetricNameInfo => ({ name, series });

const serverNames = [
  info("cpu.percent"),
  info("disk.used_percent", 2),
  info("jobs_done"),
  info("load.1"),
  info("memory.used_bytes"),
  info("myapp.errors", 3),
  info("net.rx_bytes_per_s"),
  info("queue_depth", 2),
];

describe("filtering metric names", () => {
  const custom = serverNames;

  it("finds names containing the search, any case", () => {
    expect(filterMetricNames(custom, "MYAPP").map((n) => n.name)).toEqual(["myapp.errors"]);
    expect(filterMetricNames(custom, "_d").map((n) => n.name)).toEqual(["jobs_done", "queue_depth"]);
  });

  it("needs every word of the search, in any order", () => {
    expect(filterMetricNames(custom, "errors my").map((n) => n.name)).toEqual(["myapp.errors"]);
    expect(filterMetricNames(custom, "queue errors")).toEqual([]);
  });

  it("keeps everything for an empty or blank search", () => {
    expect(filterMetricNames(custom, "")).toEqual(custom);
    expect(filterMetricNames(custom, "   ")).toEqual(custom);
  });
});

describe("batching names into requests", () => {
  it("splits into groups of at most 20, at fixed positions", () => {
    const names = Array.from({ length: 45 }, (_, i) => `m${i}`);
    const groups = batches(names);
    expect(groups.map((g) => g.length)).toEqual([20, 20, 5]);
    expect(groups.flat()).toEqual(names);
    expect(groups.every((g) => g.length <= NAMES_PER_REQUEST)).toBe(true);
    // showing more leaves the first request unchanged
    expect(batches(names.slice(0, 24))[0]).toEqual(groups[0]);
  });

  it("makes no request for no names, one for a few", () => {
    expect(batches([])).toEqual([]);
    expect(batches(["a", "b"])).toEqual([["a", "b"]]);
    expect(batches(Array.from({ length: 20 }, (_, i) => i))).toHaveLength(1);
    expect(() => batches(["a"], 0)).toThrow(/positive integer/);
  });
});

describe("a chart per metric", () => {
  const T0 = Date.parse("2026-11-22T10:00:00Z");
  const response: MetricsResponse = {
    range: "1h",
    step_seconds: 60,
    from: "2026-11-22T10:00:00Z",
    to: "2026-11-22T10:02:00Z",
    series: [
      { name: "jobs_done", labels: {}, points: [[T0, 120, 120, 120]] },
      { name: "queue_depth", labels: { queue: "emails" }, points: [[T0, 7, 7, 7]] },
      { name: "queue_depth", labels: { queue: "sms" }, points: [[T0 + 60_000, 2, 2, 2]] },
    ],
  };

  it("draws one series per label set of that metric only, with keys a chart can use", () => {
    const chart = metricChart("queue_depth", response.series);
    expect(chart.labels).toEqual(["queue=emails", "queue=sms"]);
    expect(chart.hidden).toBe(0);
    expect(chart.columns.map((c) => c.key)).toEqual(["m_queue_depth_0", "m_queue_depth_1"]);
    const rows = toRows(response, chart.columns);
    expect(rows.map((r) => [r.m_queue_depth_0, r.m_queue_depth_1])).toEqual([
      [7, null],
      [null, 2],
      [null, null],
    ]);
  });

  it("names a series without labels by the metric, and keeps dots out of keys", () => {
    const chart = metricChart("myapp.errors", [{ name: "myapp.errors", labels: {}, points: [] }]);
    expect(chart.labels).toEqual(["myapp.errors"]);
    expect(chart.columns[0]?.key).toBe("m_myapp_errors_0");
    expect(metricChart("absent", response.series)).toEqual({ columns: [], labels: [], hidden: 0 });
  });

  it("draws at most 8 label sets and counts the rest", () => {
    const many = Array.from({ length: 11 }, (_, i) => ({
      name: "http.requests",
      labels: { route: `/r${i}` },
      points: [],
    }));
    const chart = metricChart("http.requests", many);
    expect(chart.columns).toHaveLength(SERIES_PER_CHART);
    expect(chart.hidden).toBe(3);
  });

  it("labels label sets by sorted key", () => {
    expect(seriesLabel("x", { shard: "2", queue: "emails" })).toBe("queue=emails, shard=2");
  });
});
