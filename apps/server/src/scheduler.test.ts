import { describe, expect, it } from "vitest";
import { worthLogging } from "./scheduler.ts";

describe("the scheduler's job log", () => {
  it("logs a sweep that put servers down, though its result holds only ids and no count", () => {
    const sweep = {
      sweep: { down: [{ server_id: "5f0c…", incident_id: "9a1e…", cause: null }] },
      dispatch: { delivered: 0, retried: 0, dead: 0, suppressed: 0 },
    };
    expect(worthLogging(sweep)).toBe(true);
  });

  it("stays quiet for a round that did nothing", () => {
    expect(
      worthLogging({ sweep: { down: [] }, dispatch: { delivered: 0, retried: 0, dead: 0, suppressed: 0 } }),
    ).toBe(false);
    expect(worthLogging({})).toBe(false);
    expect(worthLogging(undefined)).toBe(false);
  });

  it("logs any count above zero, at any depth", () => {
    expect(worthLogging({ dispatch: { delivered: 2 } })).toBe(true);
    expect(worthLogging(3)).toBe(true);
  });
});
