import { describe, expect, it } from "vitest";
import { LIMITS } from "./agent.ts";
import {
  CompactMetrics,
  compactMetrics,
  expandCompactMetrics,
  PushRequest,
  PushResponse,
} from "./agent-push.ts";

const SERVER = "6d1f4e8e-1f5a-4c53-9c1e-2b1e0b2f7a10";
const BATCH = "9b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b";
const T = 1_795_000_000_000;

function firstIssuePath(value: unknown): string | undefined {
  const result = PushRequest.safeParse(value);
  return result.success ? undefined : result.error.issues[0]?.path.join(".");
}

describe("compact metrics", () => {
  it("round-trips wire samples: one series entry per name and labels, one group per timestamp", () => {
    const samples = [
      { ts: T, name: "cpu.percent", value: 12.5 },
      { ts: T, name: "disk.used_percent", labels: { mount: "/" }, value: 41 },
      { ts: T + 30_000, name: "cpu.percent", value: 9 },
      { ts: T + 30_000, name: "disk.used_percent", labels: { mount: "/data" }, value: 97 },
    ];
    const compact = compactMetrics(BATCH, samples);
    expect(compact.series).toEqual([
      ["cpu.percent"],
      ["disk.used_percent", { mount: "/" }],
      ["disk.used_percent", { mount: "/data" }],
    ]);
    expect(compact.at).toEqual([
      { t: T, s: 0, v: [12.5, 41] },
      { t: T + 30_000, s: 0, v: [9] },
      { t: T + 30_000, s: 2, v: [97] },
    ]);
    const expanded = expandCompactMetrics(CompactMetrics.parse(JSON.parse(JSON.stringify(compact))));
    const byTime = (a: { ts: number; value: number }, b: { ts: number; value: number }) =>
      a.ts - b.ts || a.value - b.value;
    expect(expanded.map((s) => ({ ...s, ts: s.ts.getTime() })).sort(byTime)).toEqual(
      [...samples].sort(byTime),
    );
  });

  it("keeps a series met twice at one timestamp as two samples", () => {
    const compact = compactMetrics(BATCH, [
      { ts: T, name: "x", value: 1 },
      { ts: T, name: "x", value: 2 },
    ]);
    expect(expandCompactMetrics(CompactMetrics.parse(compact)).map((s) => s.value)).toEqual([1, 2]);
  });

  it("makes one group of a collection's samples, and one per run when series are not consecutive", () => {
    const compact = compactMetrics(BATCH, [
      { ts: T, name: "a", value: 1 },
      { ts: T, name: "b", value: 2 },
      { ts: T + 1, name: "c", value: 3 },
      { ts: T, name: "c", value: 4 },
    ]);
    expect(compact.at).toEqual([
      { t: T, s: 0, v: [1, 2, 4] },
      { t: T + 1, s: 2, v: [3] },
    ]);
  });

  it("is smaller than the same samples in the single-kind format", () => {
    const samples = Array.from({ length: 200 }, (_, i) => ({
      ts: T + Math.floor(i / 20) * 30_000,
      name: `system.metric_${i % 20}`,
      labels: { device: "sda" },
      value: i,
    }));
    expect(JSON.stringify(compactMetrics(BATCH, samples)).length).toBeLessThan(
      JSON.stringify(samples).length / 3,
    );
  });
});

describe("push request", () => {
  it("accepts a push of only a heartbeat, and one of every part", () => {
    expect(PushRequest.safeParse({ v: 1, server_id: SERVER, heartbeat: { sent_at: T } }).success).toBe(true);
    const full = PushRequest.parse({
      v: 1,
      server_id: SERVER,
      heartbeat: { sent_at: new Date(T).toISOString(), dropped_samples: 0, want_links: true },
      alerts: {
        batch_id: BATCH,
        alerts: [
          {
            incident_key: "k",
            monitor: "http:api",
            state: "down",
            started_at: T,
            sent_at: T,
            channels: ["email"],
          },
        ],
      },
      checks: { batch_id: BATCH, results: [{ monitor: "http:api", status: "down", ts: T }] },
      metrics: { batch_id: BATCH, series: [["cpu.percent"]], at: [{ t: T, s: 0, v: [1] }] },
    });
    expect(full.metrics?.at[0]?.t).toBeInstanceOf(Date);
  });

  it.each([
    ["a missing version", { server_id: SERVER }, "v"],
    ["an unknown version", { v: 2, server_id: SERVER }, "v"],
    ["a server id that is not a uuid", { v: 1, server_id: "x" }, "server_id"],
    ["an unknown part", { v: 1, server_id: SERVER, bogus: [] }, ""],
    ["an events part that is not a batch", { v: 1, server_id: SERVER, events: [] }, "events"],
    [
      "a heartbeat naming a server",
      { v: 1, server_id: SERVER, heartbeat: { server_id: SERVER, sent_at: T } },
      "heartbeat",
    ],
    ["a heartbeat without sent_at", { v: 1, server_id: SERVER, heartbeat: {} }, "heartbeat.sent_at"],
    [
      "a check without a status",
      { v: 1, server_id: SERVER, checks: { batch_id: BATCH, results: [{ monitor: "m", ts: T }] } },
      "checks.results.0.status",
    ],
    [
      "values past the end of the series",
      {
        v: 1,
        server_id: SERVER,
        metrics: { batch_id: BATCH, series: [["x"]], at: [{ t: T, s: 0, v: [1, 2] }] },
      },
      "metrics.at.0.v",
    ],
    [
      "a first series beyond the series",
      {
        v: 1,
        server_id: SERVER,
        metrics: { batch_id: BATCH, series: [["x"]], at: [{ t: T, s: 4_000, v: [1] }] },
      },
      "metrics.at.0.s",
    ],
    [
      "a non-finite value",
      {
        v: 1,
        server_id: SERVER,
        metrics: { batch_id: BATCH, series: [["x"]], at: [{ t: T, s: 0, v: ["NaN"] }] },
      },
      "metrics.at.0.v.0",
    ],
    [
      "a series name with spaces",
      {
        v: 1,
        server_id: SERVER,
        metrics: { batch_id: BATCH, series: [["a b"]], at: [{ t: T, s: 0, v: [1] }] },
      },
      "metrics.series.0.0",
    ],
    [
      "a hostile label name",
      {
        v: 1,
        server_id: SERVER,
        metrics: { batch_id: BATCH, series: [["x", { "__proto__-x": "1" }]], at: [{ t: T, s: 0, v: [1] }] },
      },
      "metrics.series.0.1.__proto__-x",
    ],
    [
      "a group without values",
      { v: 1, server_id: SERVER, metrics: { batch_id: BATCH, series: [["x"]], at: [{ t: T, s: 0, v: [] }] } },
      "metrics.at.0.v",
    ],
    [
      "a negative or fractional series index",
      {
        v: 1,
        server_id: SERVER,
        metrics: { batch_id: BATCH, series: [["x"]], at: [{ t: T, s: -1, v: [1] }] },
      },
      "metrics.at.0.s",
    ],
    [
      "metrics without a batch id",
      { v: 1, server_id: SERVER, metrics: { series: [["x"]], at: [{ t: T, s: 0, v: [1] }] } },
      "metrics.batch_id",
    ],
  ])("refuses %s, naming the field", (_what, body, path) => {
    expect(firstIssuePath(body)).toBe(path);
  });

  it("refuses more samples than one batch may carry", () => {
    const per = 1_000;
    const groups = Array.from({ length: LIMITS.maxSamplesPerBatch / per + 1 }, (_, g) => ({
      t: T + g,
      s: 0,
      v: Array.from({ length: per }, () => 1),
    }));
    const series = Array.from({ length: per }, (_, i) => [`s${i}`]);
    expect(
      firstIssuePath({ v: 1, server_id: SERVER, metrics: { batch_id: BATCH, series, at: groups } }),
    ).toBe("metrics.at");
  });
});

describe("push response", () => {
  it("carries the heartbeat answer's fields, newer ones included, and per-kind acknowledgements", () => {
    const parsed = PushResponse.parse({
      ok: true,
      v: 1,
      heartbeat: { ok: true, server_time: "x", clock_skew_ms: 0, future_field: 3 },
      acks: { checks: { ok: true, batch_id: BATCH, stored: true, accepted: 1 } },
      refused: { metrics: { status: 403, error: { code: "PENDING_APPROVAL", message: "wait" } } },
    });
    expect((parsed.heartbeat as Record<string, unknown>).future_field).toBe(3);
  });
});
