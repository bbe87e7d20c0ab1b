import { describe, expect, it } from "vitest";
import { Duration, parseDuration } from "./duration.ts";

describe("durations", () => {
  it.each([
    ["30s", 30_000],
    ["5m", 300_000],
    ["1h", 3_600_000],
    ["250ms", 250],
    ["1.5m", 90_000],
    ["2d", 172_800_000],
  ])("reads %s as %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(Duration.parse(text)).toBe(ms);
  });

  it("reads a bare number as seconds", () => {
    expect(Duration.parse(60)).toBe(60_000);
  });

  it.each([["5x"], ["-5s"], ["s"], [""], ["0s"], ["5 minutes"]])(
    "refuses %j with a message that shows the format",
    (text) => {
      const result = Duration.safeParse(text);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toMatch(/invalid duration .* \(use e\.g\. 30s, 5m, 1h\)/);
    },
  );
});
