import { describe, expect, it } from "vitest";
import type { MetricsResponse } from "./contract.ts";
import { labelValues, lastValue, seriesKey, timeGrid, toRows } from "./series.ts";

const T0 = Date.parse("2026-11-22T10:00:00Z");
const response: MetricsResponse = {
  range: "1h",
  step_seconds: 60,
  from: "2026-11-22T10:00:00Z",
  to: "2026-11-22T10:04:00Z",
  series: [
    {
      name: "cpu.percent",
      labels: {},
      points: [
        [T0, 10, 5, 20],
        [T0 + 120_000, 30, 25, 35],
      ],
    },
    { name: "net.rx_bytes_per_s", labels: { iface: "eth0" }, points: [[T0, 100, 0, 0]] },
    { name: "net.rx_bytes_per_s", labels: { iface: "wg0" }, points: [[T0, 50, 0, 0]] },
    { name: "disk.used_percent", labels: { mount: "/data" }, points: [] },
    { name: "disk.used_percent", labels: { mount: "/" }, points: [] },
  ],
};

describe("chart rows", () => {
  it("lays points on the bucket grid and leaves gaps null (no line through missing time)", () => {
    const rows = toRows(response, [{ key: "cpu", match: (s) => s.name === "cpu.percent" }]);
    expect(rows.map((r) => r.t)).toEqual([0, 1, 2, 3, 4].map((i) => T0 + i * 60_000));
    expect(rows.map((r) => r.cpu)).toEqual([10, null, 30, null, null]);
    expect(lastValue(rows, "cpu")).toBe(30);
  });

  it("sums several series into one column (network over all interfaces)", () => {
    const rows = toRows(response, [{ key: "rx", match: (s) => s.name === "net.rx_bytes_per_s" }]);
    expect(rows[0]?.rx).toBe(150);
  });

  it("lists label values and keys series stably", () => {
    expect(labelValues(response.series, "disk.used_percent", "mount")).toEqual(["/", "/data"]);
    expect(seriesKey("disk.used_percent", { mount: "/", device: "sda" })).toBe(
      "disk.used_percent{device=sda,mount=/}",
    );
  });

  it("makes a grid even for an unaligned start", () => {
    expect(timeGrid("2026-11-22T10:00:30Z", "2026-11-22T10:02:00Z", 60)).toEqual([
      T0,
      T0 + 60_000,
      T0 + 120_000,
    ]);
    expect(timeGrid("bad", "2026-11-22T10:02:00Z", 60)).toEqual([]);
  });
});
