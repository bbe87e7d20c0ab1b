import { describe, expect, it } from "vitest";
import {
  formatAgo,
  formatBytes,
  formatDateTimeSeconds,
  formatDuration,
  formatPercent,
  formatRate,
} from "./format.ts";

describe("formatting", () => {
  it("says durations as notifications do (milliseconds in)", () => {
    expect(formatDuration(42_000)).toBe("42s");
    expect(formatDuration(125_000)).toBe("2m 5s");
    expect(formatDuration((3 * 3600 + 5 * 60) * 1000)).toBe("3h 5m");
    expect(formatDuration((2 * 86400 + 4 * 3600) * 1000)).toBe("2d 4h");
    expect(formatDuration(-5_000)).toBe("0s");
  });
  it("says how long ago, or never", () => {
    const now = Date.parse("2026-11-22T12:00:00Z");
    expect(formatAgo(null, now)).toBe("never");
    expect(formatAgo("2026-11-22T11:59:55Z", now)).toBe("just now");
    expect(formatAgo("2026-11-22T11:57:00Z", now)).toBe("3m ago");
    expect(formatAgo("garbage", now)).toBe("–");
  });
  it("gives incident times to the second, in the viewer's zone, and a dash for none", () => {
    const utc = { locale: "en-US", timeZone: "UTC" };
    expect(formatDateTimeSeconds("2026-12-05T13:02:07.900Z", utc)).toBe("Dec 5, 2026, 13:02:07");
    expect(formatDateTimeSeconds("2026-12-05T00:00:09Z", utc)).toBe("Dec 5, 2026, 00:00:09");
    expect(formatDateTimeSeconds("2026-12-05T13:02:07Z", { locale: "en-US", timeZone: "Asia/Kolkata" })).toBe(
      "Dec 5, 2026, 18:32:07",
    );
    expect(formatDateTimeSeconds(null)).toBe("–");
    expect(formatDateTimeSeconds("garbage")).toBe("–");
    expect(formatDateTimeSeconds("2026-12-05T13:02:07Z")).toMatch(/:07/);
  });
  it("never prints NaN", () => {
    expect(formatPercent(null)).toBe("–");
    expect(formatPercent(Number.NaN)).toBe("–");
    expect(formatPercent(42.345, 1)).toBe("42.3%");
    expect(formatBytes(1_500_000)).toBe("1.5 MB");
    expect(formatBytes(999)).toBe("999 B");
    expect(formatRate(2048)).toBe("2.05 KB/s");
    expect(formatRate(undefined)).toBe("–");
  });
});
