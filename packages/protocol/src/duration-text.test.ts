import { describe, expect, it } from "vitest";
import { formatDuration } from "./duration-text.ts";

describe("formatDuration", () => {
  it.each([
    [0, "0s"],
    [400, "0s"],
    [42_400, "42s"],
    [45_000, "45s"],
    [125_000, "2m 5s"],
    [192_000, "3m 12s"],
    [180_000, "3m"],
    [19 * 60_000 + 4_000, "19m 4s"],
    [3_600_000 + 5_000, "1h"],
    [3_600_000 + 300_000, "1h 5m"],
    [5 * 3_600_000 + 120_000, "5h 2m"],
    [2 * 86_400_000 + 3 * 3_600_000, "2d 3h"],
    [2 * 86_400_000 + 3 * 3_600_000 + 59_000, "2d 3h"],
    [3 * 86_400_000 + 4 * 3_600_000 + 59_000, "3d 4h"],
    [2 * 86_400_000, "2d"],
  ])("writes %i ms as %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it("writes nothing negative and never NaN", () => {
    expect(formatDuration(-5_000)).toBe("0s");
    expect(formatDuration(Number.NaN)).toBe("0s");
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe("0s");
  });
});
