import { describe, expect, it } from "vitest";
import { limitState } from "./plans.ts";

describe("a limit's state", () => {
  it.each([
    [null, 100, "unlimited"],
    [5, 2, "under"],
    [5, 5, "at_limit"],
    [1, 3, "over_limit"],
    [0, 0, "not_included"],
    // a kind taken out of the plan while channels of it exist: over, not merely "not included"
    [0, 2, "over_limit"],
  ] as const)("limit %s with %s used is %s", (limit, used, state) => {
    expect(limitState(limit, used)).toBe(state);
  });
});
