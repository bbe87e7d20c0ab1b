import { describe, expect, it } from "vitest";
import {
  formatLatency,
  formatMaintenance,
  formatResultTime,
  formatUptime,
  responseRows,
  responseTimesSinceNote,
  resultMessage,
  statusBlocks,
  uptimeNote,
} from "./view-model.ts";

describe("monitor page figures", () => {
  it("never shows a window with a failure as 100%", () => {
    expect(formatUptime(99.999)).toBe("99.99%");
    expect(formatUptime(100)).toBe("100%");
    expect(formatUptime(80.952)).toBe("80.95%");
    expect(formatUptime(0)).toBe("0.00%");
    expect(formatUptime(null)).toBe("–");
  });

  it("says how many checks an uptime stands on", () => {
    expect(uptimeNote({ up_results: 1437, down_results: 3 })).toBe("1,440 checks, 3 failed");
    expect(uptimeNote({ up_results: 1, down_results: 0 })).toBe("1 check, 0 failed");
    expect(uptimeNote({ up_results: 0, down_results: 0 })).toBe("no results");
  });

  it("writes latencies in whole milliseconds", () => {
    expect(formatLatency(41.6)).toBe("42 ms");
    expect(formatLatency(1250)).toBe("1,250 ms");
    expect(formatLatency(null)).toBe("–");
  });

  it("labels daily bars with their UTC day and result", () => {
    const blocks = statusBlocks({
      from: "2026-12-01T00:00:00.000Z",
      step_seconds: 86_400,
      bars: ["ok", "down", "none"],
      maintenance_seconds: [0, 0, 0],
    });
    expect(blocks.map((b) => b.state)).toEqual(["ok", "down", "none"]);
    expect(blocks[1]?.tooltip).toMatch(/^Dec 2: down$/);
  });

  it("draws a bar with any time in maintenance as maintenance, naming how long and what the checks saw", () => {
    const blocks = statusBlocks({
      from: "2026-12-01T00:00:00.000Z",
      step_seconds: 86_400,
      bars: ["down", "ok", "none", "ok"],
      maintenance_seconds: [86_400, 1, 2700, 0],
    });
    expect(blocks.map((b) => b.state)).toEqual(["maintenance", "maintenance", "maintenance", "ok"]);
    expect(blocks[0]?.tooltip).toBe("Dec 1: maintenance (all day), down");
    expect(blocks[1]?.tooltip).toBe("Dec 2: maintenance (< 1 min), all checks passed");
    expect(blocks[2]?.tooltip).toBe("Dec 3: maintenance (45 min), no data");
    const hourly = statusBlocks({
      from: "2026-12-01T10:00:00.000Z",
      step_seconds: 3600,
      bars: ["ok"],
      maintenance_seconds: [3600],
    });
    expect(hourly[0]?.tooltip).toMatch(/maintenance \(whole hour\), all checks passed$/);
  });

  it("writes maintenance time in minutes and hours", () => {
    expect(formatMaintenance(7500, 86_400)).toBe("2 h 5 min");
    expect(formatMaintenance(7200, 86_400)).toBe("2 h");
    expect(formatMaintenance(59, 3600)).toBe("< 1 min");
    expect(formatMaintenance(3601, 3600)).toBe("whole hour");
  });

  it("puts response times on the range's grid with gaps where nothing answered", () => {
    const rows = responseRows({
      range: "1h",
      step_seconds: 60,
      from: "2026-12-05T10:00:00.000Z",
      to: "2026-12-05T10:03:30.000Z",
      points: [[Date.parse("2026-12-05T10:01:00Z"), 42, 40, 44]],
      response_times_since: null,
    });
    expect(rows.map((r) => r.avg)).toEqual([null, 42, null, null]);
    expect(rows.map((r) => r.max)).toEqual([null, 44, null, null]);
  });

  it("says from when response times exist rather than showing older time as quiet", () => {
    expect(responseTimesSinceNote({ response_times_since: "2026-12-05T18:00:00.000Z" })).toMatch(
      /^No response times before Dec [56], 2026\.$/,
    );
    expect(responseTimesSinceNote({ response_times_since: null })).toBeNull();
  });

  it("gives a result's time to the second and drops a message that only repeats its latency", () => {
    expect(formatResultTime("2026-12-05T10:01:07Z")).toMatch(/:07/);
    expect(resultMessage({ message: "42 ms", latency_ms: 41.6 })).toBeNull();
    expect(resultMessage({ message: "7 ms", latency_ms: 7.5 })).toBeNull();
    expect(resultMessage({ message: "900 ms", latency_ms: 12 })).toBe("900 ms");
    expect(resultMessage({ message: "HTTP 503", latency_ms: 12 })).toBe("HTTP 503");
    expect(resultMessage({ message: null, latency_ms: null })).toBeNull();
  });
});
