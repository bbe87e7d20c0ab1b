import { describe, expect, it } from "vitest";
import {
  dailyBlocks,
  formatLatency,
  formatResultTime,
  formatUptime,
  responseRows,
  resultMessage,
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
    const blocks = dailyBlocks({
      from: "2026-12-01T00:00:00.000Z",
      step_seconds: 86_400,
      bars: ["ok", "down", "none"],
    });
    expect(blocks.map((b) => b.state)).toEqual(["ok", "down", "none"]);
    expect(blocks[1]?.tooltip).toMatch(/^Dec 2: down$/);
  });

  it("puts response times on the range's grid with gaps where nothing answered", () => {
    const rows = responseRows({
      range: "1h",
      step_seconds: 60,
      from: "2026-12-05T10:00:00.000Z",
      to: "2026-12-05T10:03:30.000Z",
      points: [[Date.parse("2026-12-05T10:01:00Z"), 42, 40, 44]],
    });
    expect(rows.map((r) => r.avg)).toEqual([null, 42, null, null]);
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
