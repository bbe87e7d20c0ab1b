import { describe, expect, it } from "vitest";
import { IntakeLimits } from "./limits.ts";
import { parseStatsdLine, type StatsdMetric } from "./parse.ts";
import { percentile, StatsdAggregator, TIMER_RESERVOIR } from "./statsd-aggregate.ts";

function aggregator(options: Partial<{ maxNames: number; maxSeriesPerName: number }> = {}) {
  const limits = new IntakeLimits(
    {
      maxNames: options.maxNames ?? 100,
      maxSeriesPerName: options.maxSeriesPerName ?? 10,
      maxSamplesPerSecond: 10,
    },
    0,
  );
  return { limits, agg: new StatsdAggregator(limits) };
}

function feed(agg: StatsdAggregator, lines: string[], now = 1_000) {
  for (const line of lines) {
    const parsed = parseStatsdLine(line);
    if (!parsed.ok) throw new Error(parsed.reason);
    for (const metric of parsed.metrics) agg.add(metric as StatsdMetric, now);
  }
}

const valueIn = (samples: { name: string; value: number }[], name: string) =>
  samples.find((s) => s.name === name)?.value;

describe("StatsD aggregation per interval", () => {
  it("sums counters, scaling sampled ones up by their rate", () => {
    const { agg } = aggregator();
    feed(agg, ["jobs:1|c", "jobs:2|c", "jobs:1|c|@0.1"]);
    expect(valueIn(agg.flush(2_000), "jobs")).toBe(13);
  });

  it("reports a quiet counter as 0 in the next interval, not as a gap", () => {
    const { agg } = aggregator();
    feed(agg, ["errors:3|c"]);
    agg.flush(2_000);
    expect(valueIn(agg.flush(3_000), "errors")).toBe(0);
  });

  it("keeps a gauge's value across intervals and applies signed changes", () => {
    const { agg } = aggregator();
    feed(agg, ["queue:333|g", "queue:-10|g", "queue:+4|g"]);
    expect(valueIn(agg.flush(2_000), "queue")).toBe(327);
    expect(valueIn(agg.flush(3_000), "queue")).toBe(327);
    feed(agg, ["queue:5|g"]);
    expect(valueIn(agg.flush(4_000), "queue")).toBe(5);
  });

  it("gives timers count, mean, p95 and max per interval, then starts over", () => {
    const { agg } = aggregator();
    feed(
      agg,
      Array.from({ length: 100 }, (_, i) => `db.query:${i + 1}|ms`),
    );
    const first = agg.flush(2_000);
    expect(valueIn(first, "db.query.count")).toBe(100);
    expect(valueIn(first, "db.query.mean")).toBe(50.5);
    expect(valueIn(first, "db.query.p95")).toBe(95);
    expect(valueIn(first, "db.query.max")).toBe(100);
    const second = agg.flush(3_000);
    expect(valueIn(second, "db.query.count")).toBe(0);
    expect(valueIn(second, "db.query.mean")).toBeUndefined();
  });

  it("counts sampled timings by their rate", () => {
    const { agg } = aggregator();
    feed(agg, ["glork:320|ms|@0.1"]);
    expect(valueIn(agg.flush(2_000), "glork.count")).toBe(10);
  });

  it("keeps the p95 close on more timings than the reservoir holds", () => {
    const { agg } = aggregator();
    const n = TIMER_RESERVOIR * 20;
    feed(
      agg,
      Array.from({ length: n }, (_, i) => `t:${(i % 1000) + 1}|ms`),
    );
    const samples = agg.flush(2_000);
    expect(valueIn(samples, "t.count")).toBe(n);
    expect(valueIn(samples, "t.p95")).toBeGreaterThan(900);
    expect(valueIn(samples, "t.p95")).toBeLessThanOrEqual(1000);
  });

  it("counts a set's distinct members per interval", () => {
    const { agg } = aggregator();
    feed(agg, ["users:alice|s", "users:bob|s", "users:alice|s"]);
    expect(valueIn(agg.flush(2_000), "users")).toBe(2);
    expect(valueIn(agg.flush(3_000), "users")).toBe(0);
  });

  it("keeps label sets apart", () => {
    const { agg } = aggregator();
    feed(agg, ["req:1|c|#route:a", "req:2|c|#route:b", "req:1|c|#route:a"]);
    const samples = agg.flush(2_000);
    expect(samples.filter((s) => s.name === "req").map((s) => [s.labels?.route, s.value])).toEqual([
      ["a", 2],
      ["b", 2],
    ]);
  });

  it("drops and counts names beyond max_names and label sets beyond max_series_per_name", () => {
    const { agg, limits } = aggregator({ maxNames: 2, maxSeriesPerName: 2 });
    feed(agg, ["a:1|c", "b:1|c", "c:1|c", "d:1|c", "a:1|c|#k:1", "a:1|c|#k:2", "a:1|c|#k:1"]);
    expect(agg.series).toBe(3);
    expect(limits.dropped).toMatchObject({ names: 2, series: 1 });
  });

  it("counts a second type under a known name as invalid and keeps the first", () => {
    const { agg, limits } = aggregator();
    feed(agg, ["x:1|c", "x:5|g"]);
    expect(valueIn(agg.flush(2_000), "x")).toBe(1);
    expect(limits.dropped.invalid).toBe(1);
  });

  it("forgets a series an hour after its last value", () => {
    const { agg } = aggregator();
    feed(agg, ["old:1|g"], 0);
    expect(agg.flush(3_600_000).some((s) => s.name === "old")).toBe(true);
    expect(agg.flush(3_600_001).some((s) => s.name === "old")).toBe(false);
  });

  it("takes the nearest-rank percentile", () => {
    expect(percentile([], 0.95)).toBe(0);
    expect(percentile([5], 0.95)).toBe(5);
    expect(percentile([3, 1, 2, 4], 0.5)).toBe(2);
  });
});

describe("intake limits", () => {
  it("lets through max_samples_per_second per second and counts the rest", () => {
    const limits = new IntakeLimits({ maxNames: 10, maxSeriesPerName: 10, maxSamplesPerSecond: 100 }, 0);
    expect(limits.takeRate(150, 0)).toBe(100);
    expect(limits.takeRate(10, 0)).toBe(0);
    expect(limits.takeRate(80, 500)).toBe(50);
    expect(limits.takeRate(500, 10_000)).toBe(100);
    expect(limits.dropped.rate).toBe(50 + 10 + 30 + 400);
  });
});
