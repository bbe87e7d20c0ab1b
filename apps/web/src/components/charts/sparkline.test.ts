import { describe, expect, it } from "vitest";
import { sparkPath } from "./sparkline.tsx";

describe("sparkline path", () => {
  it("draws values on a fixed 0..100 scale and breaks at gaps", () => {
    expect(sparkPath([0, 100, null, 50], 30, 12, 100)).toBe("M0.0 11.0L10.0 1.0M30.0 6.0");
  });
  it("is empty without enough data", () => {
    expect(sparkPath([5], 30, 12)).toBe("");
    expect(sparkPath([null, null], 30, 12)).toBe("");
  });
});
