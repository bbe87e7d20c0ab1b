import { describe, expect, it } from "vitest";
import { worseStatus } from "./check-status.ts";

describe("worseStatus", () => {
  it.each([
    ["ok", "degraded", "degraded"],
    ["degraded", "down", "down"],
    ["down", "degraded", "down"],
    ["down", "ok", "down"],
    ["ok", "unsupported", "ok"],
    ["unsupported", "ok", "unsupported"],
    ["unsupported", "degraded", "degraded"],
  ] as const)("%s then %s is %s", (current, next, worse) => {
    expect(worseStatus(current, next)).toBe(worse);
  });
});
