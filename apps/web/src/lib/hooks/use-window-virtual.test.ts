import { describe, expect, it } from "vitest";
import { visibleRange } from "./use-window-virtual.ts";

describe("windowing", () => {
  it("renders only the rows on screen plus overscan", () => {
    // list starts 200 px below the top of a 900 px viewport, 60 px rows
    expect(visibleRange(1000, 60, 200, 900, 5)).toEqual({ start: 0, end: 17 });
  });
  it("follows the scroll position", () => {
    // scrolled so the list's top is 6000 px above the viewport
    expect(visibleRange(1000, 60, -6000, 900, 5)).toEqual({ start: 95, end: 120 });
  });
  it("stays inside the list", () => {
    expect(visibleRange(10, 60, -100_000, 900, 5)).toEqual({ start: 10, end: 10 });
    expect(visibleRange(0, 60, 0, 900, 5)).toEqual({ start: 0, end: 0 });
  });
});
