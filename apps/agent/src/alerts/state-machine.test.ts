import { describe, expect, it } from "vitest";
import type { MonitorState } from "../store/monitor-state.ts";
import { incidentKey, type Observation, observe } from "./state-machine.ts";

function feed(statuses: Observation["status"][], threshold = 2, start?: MonitorState) {
  let state = start;
  const transitions: unknown[] = [];
  statuses.forEach((status, i) => {
    const result = observe(
      state,
      { monitor: "http:api", parent: "http:api", type: "http", status, ts: 1_000 + i * 10_000 },
      threshold,
    );
    state = result.next;
    if (result.transition) transitions.push({ at: i, ...result.transition });
  });
  return { state, transitions };
}

describe("monitor alert state machine", () => {
  it("goes down after failures_before_alert consecutive failures, dated from the first failure", () => {
    const { state, transitions } = feed(["ok", "down", "down", "down"]);
    expect(transitions).toEqual([{ at: 2, kind: "down", startedAt: 11_000, failures: 2 }]);
    expect(state).toMatchObject({ alertState: "down", consecutiveFailures: 3, incidentStartedAt: 11_000 });
  });

  it("does not alert for a single failure between successes", () => {
    expect(feed(["ok", "down", "ok", "down", "ok"]).transitions).toEqual([]);
  });

  it("restores on the first success, with the outage duration", () => {
    const { state, transitions } = feed(["down", "down", "down", "ok", "ok"]);
    expect(transitions).toEqual([
      { at: 1, kind: "down", startedAt: 1_000, failures: 2 },
      { at: 3, kind: "restored", startedAt: 1_000, durationMs: 30_000 },
    ]);
    expect(state).toMatchObject({ alertState: "up", consecutiveFailures: 0, incidentKey: null });
  });

  it("counts degraded as up and never pages for unsupported", () => {
    expect(feed(["down", "degraded", "down", "degraded"]).transitions).toEqual([]);
    expect(feed(["unsupported" as const, "unsupported" as const]).transitions).toEqual([]);
  });

  it("honours a threshold of 1 and of 3", () => {
    expect(feed(["down"], 1).transitions).toHaveLength(1);
    expect(feed(["down", "down"], 3).transitions).toHaveLength(0);
    expect(feed(["down", "down", "down"], 3).transitions).toHaveLength(1);
  });

  it("does not alert again for a monitor that was already down and alerted (state from before a restart)", () => {
    const before = feed(["down", "down"]).state;
    expect(before?.alertState).toBe("down");
    expect(feed(["down", "down", "down"], 2, before).transitions).toEqual([]);
    expect(feed(["ok"], 2, before).transitions).toEqual([
      { at: 0, kind: "restored", startedAt: 1_000, durationMs: 0 },
    ]);
  });

  it("tracks how long the current status has lasted", () => {
    const { state } = feed(["ok", "ok", "down"]);
    expect(state).toMatchObject({ status: "down", statusSince: 21_000, lastCheckedAt: 21_000 });
    expect(feed(["ok", "ok", "ok"]).state?.statusSince).toBe(1_000);
  });

  it("builds incident keys from server id, monitor and start time", () => {
    expect(incidentKey("5d2c", "http:api", Date.UTC(2026, 0, 2, 3, 4, 5))).toBe(
      "5d2c:http:api:2026-01-02T03:04:05.000Z",
    );
    expect(incidentKey(undefined, "x", 0)).toBe("unregistered:x:1970-01-01T00:00:00.000Z");
  });
});
