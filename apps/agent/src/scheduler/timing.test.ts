import { describe, expect, it } from "vitest";
import { alignedAfter, firstRunAt, nextRunAt } from "./timing.ts";

const at = (s: string) => Date.parse(`2026-05-01T10:00:${s}Z`);

describe("collection timing", () => {
  it("aligns runs on wall-clock multiples of the interval (:00, :10, :20)", () => {
    expect(firstRunAt(at("03.250"), 10_000, true)).toBe(at("10.000"));
    expect(nextRunAt(at("10.000"), at("10.004"), 10_000, true)).toBe(at("20.000"));
    expect(alignedAfter(at("20.000"), 10_000)).toBe(at("30.000"));
  });

  it("keeps a fixed cadence from the first run when not aligned", () => {
    expect(firstRunAt(at("03.250"), 10_000, false)).toBe(at("03.250"));
    expect(nextRunAt(at("03.250"), at("03.300"), 10_000, false)).toBe(at("13.250"));
  });

  it("skips missed slots after a stall instead of running them all at once", () => {
    expect(nextRunAt(at("00.000"), at("35.000"), 10_000, false)).toBe(at("40.000"));
    expect(nextRunAt(at("00.000"), at("35.000"), 10_000, true)).toBe(at("40.000"));
  });
});
