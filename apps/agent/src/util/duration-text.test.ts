import { describe, expect, it } from "vitest";
import { formatDuration } from "./duration-text.ts";

describe("formatDuration", () => {
  it.each([
    [0, "0s"],
    [400, "0s"],
    [45_000, "45s"],
    [192_000, "3m 12s"],
    [180_000, "3m"],
    [3_600_000 + 5_000, "1h"],
    [3_600_000 + 300_000, "1h 5m"],
    [2 * 86_400_000 + 3 * 3_600_000 + 59_000, "2d 3h"],
  ])("writes %i ms as %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
