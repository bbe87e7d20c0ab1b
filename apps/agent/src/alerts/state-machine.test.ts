import { ALERT_POLICY_DEFAULTS } from "@custos/protocol";
import { describe, expect, it } from "vitest";
import type { MonitorState } from "../store/monitor-state.ts";
import { type AlertPolicy, incidentKey, type Observation, observe } from "./state-machine.ts";

const POLICY: AlertPolicy = {
  failuresToOpen: 2,
  successesToResolve: 2,
  flapThreshold: 5,
  flapWindowMs: 30 * 60_000,
};

/**
 * Feeds statuses 10 s apart, from t = 1 s or 10 s after the given state's last check; returns the
 * last state and every transition with its index.
 */
function feed(statuses: Observation["status"][], policy: Partial<AlertPolicy> = {}, start?: MonitorState) {
  let state = start;
  const first = start ? start.lastCheckedAt + 10_000 : 1_000;
  const transitions: unknown[] = [];
  statuses.forEach((status, i) => {
    const result = observe(
      state,
      { monitor: "http:api", parent: "http:api", type: "http", status, ts: first + i * 10_000 },
      { ...POLICY, ...policy },
    );
    state = result.next;
    if (result.transition) transitions.push({ at: i, ...result.transition });
  });
  return { state, transitions };
}

describe("monitor alert state machine", () => {
  it("uses the backend's defaults: down after 2 failures, restored after 2 successes, flapping above 5 changes in 30 min", () => {
    expect(ALERT_POLICY_DEFAULTS).toEqual({
      failuresToOpen: POLICY.failuresToOpen,
      successesToResolve: POLICY.successesToResolve,
      flapThreshold: POLICY.flapThreshold,
      flapWindowMinutes: POLICY.flapWindowMs / 60_000,
    });
  });

  it("goes down after N consecutive failures, dated from the first failure", () => {
    const { state, transitions } = feed(["ok", "down", "down", "down"]);
    expect(transitions).toEqual([{ at: 2, kind: "down", startedAt: 11_000, failures: 2 }]);
    expect(state).toMatchObject({ alertState: "down", consecutiveFailures: 3, incidentStartedAt: 11_000 });
  });

  it("does not alert for a single failure between successes", () => {
    expect(feed(["ok", "down", "ok", "down", "ok"]).transitions).toEqual([]);
  });

  it("restores after M consecutive successes, with the outage lasting until the first of them", () => {
    const { state, transitions } = feed(["down", "down", "down", "ok", "ok"]);
    expect(transitions).toEqual([
      { at: 1, kind: "down", startedAt: 1_000, failures: 2 },
      { at: 4, kind: "restored", startedAt: 1_000, durationMs: 30_000 },
    ]);
    expect(state).toMatchObject({ alertState: "up", consecutiveFailures: 0, incidentKey: null });
  });

  it("stays down through a single success between failures (no RESTORED/DOWN pair)", () => {
    expect(feed(["down", "down", "ok", "down", "ok", "down"]).transitions).toEqual([
      { at: 1, kind: "down", startedAt: 1_000, failures: 2 },
    ]);
  });

  it("restores on the first success when M is 1", () => {
    expect(feed(["down", "down", "ok"], { successesToResolve: 1 }).transitions).toEqual([
      { at: 1, kind: "down", startedAt: 1_000, failures: 2 },
      { at: 2, kind: "restored", startedAt: 1_000, durationMs: 20_000 },
    ]);
  });

  it("counts degraded as up and never pages for unsupported", () => {
    expect(feed(["down", "degraded", "down", "degraded"]).transitions).toEqual([]);
    expect(feed(["unsupported", "unsupported"]).transitions).toEqual([]);
  });

  it("honours a threshold of 1 and of 3", () => {
    expect(feed(["down"], { failuresToOpen: 1 }).transitions).toHaveLength(1);
    expect(feed(["down", "down"], { failuresToOpen: 3 }).transitions).toHaveLength(0);
    expect(feed(["down", "down", "down"], { failuresToOpen: 3 }).transitions).toHaveLength(1);
  });

  it("pages a flapping monitor once with FLAPPING, holds the DOWNs that follow, and sends one RESTORED for the notice", () => {
    // a target failing every other pair of checks: a state change every 20 s
    const cycle: Observation["status"][] = ["down", "down", "ok", "ok"];
    const { transitions } = feed([...cycle, ...cycle, ...cycle, ...cycle, ...cycle], { flapThreshold: 3 });
    expect(transitions.map((t) => (t as { kind: string }).kind)).toEqual([
      "down",
      "restored",
      "down",
      "restored",
      // the 5th change (a DOWN) finds 5 changes in the window, more than 3: one notice instead
      "flapping",
      "restored",
      // held: neither its DOWN nor a RESTORED for it
    ]);
    expect(transitions[4]).toMatchObject({ at: 9, kind: "flapping", changes: 5, windowMs: 30 * 60_000 });
  });

  it("pages a DOWN held while flapping once the monitor is stuck down: after failures-to-open x (threshold + 1) failures in a row", () => {
    const cycle: Observation["status"][] = ["down", "down", "ok", "ok"];
    const flapped = feed([...cycle, ...cycle, ...cycle], { flapThreshold: 3 });
    expect(flapped.transitions.map((t) => (t as { kind: string }).kind)).toEqual([
      "down",
      "restored",
      "down",
      "restored",
      "flapping",
      "restored",
    ]);
    // the next outage is held (a FLAPPING notice went out 20 s ago) ...
    const held = feed(["down", "down"], { flapThreshold: 3 }, flapped.state);
    expect(held.transitions).toEqual([]);
    expect(held.state).toMatchObject({ alertState: "down", incidentPaged: false });
    // ... and stays down: 2 x (3 + 1) = 8 failures in a row page its DOWN, dated from its start
    const stuck = feed(Array(6).fill("down"), { flapThreshold: 3 }, held.state);
    expect(stuck.transitions).toEqual([
      { at: 5, kind: "down", startedAt: (held.state?.incidentStartedAt as number) ?? 0, failures: 8 },
    ]);
    // paged once, and its RESTORED follows
    const after = feed([...Array(5).fill("down"), "ok", "ok"], { flapThreshold: 3 }, stuck.state);
    expect(after.transitions).toMatchObject([{ at: 6, kind: "restored" }]);
  });

  it("pages a held DOWN as soon as the flapping window no longer holds enough changes", () => {
    const policy = { flapThreshold: 3, flapWindowMs: 100_000 };
    const cycle: Observation["status"][] = ["down", "down", "ok", "ok"];
    const flapped = feed([...cycle, ...cycle, ...cycle, "down", "down"], policy);
    expect(flapped.state).toMatchObject({ alertState: "down", incidentPaged: false });
    // checks 10 s apart: the changes age out of the 100 s window before 8 failures in a row
    const { transitions } = feed(Array(6).fill("down"), policy, flapped.state);
    expect(transitions).toHaveLength(1);
    expect(transitions[0]).toMatchObject({ kind: "down", startedAt: flapped.state?.incidentStartedAt });
    expect((transitions[0] as { failures: number }).failures).toBeLessThan(8);
  });

  it("pages normally again once the changes fall out of the flapping window", () => {
    const cycle: Observation["status"][] = ["down", "down", "ok", "ok"];
    const flapping = feed([...cycle, ...cycle, ...cycle], { flapThreshold: 3, flapWindowMs: 120_000 }).state;
    // 40 quiet checks (400 s) later the window is empty
    const quiet = feed(Array(40).fill("ok"), { flapThreshold: 3, flapWindowMs: 120_000 }, flapping).state;
    const later = feed(["down", "down"], { flapThreshold: 3, flapWindowMs: 120_000 }, quiet);
    expect(later.transitions).toMatchObject([{ kind: "down" }]);
  });

  it("does not alert again for a monitor that was already down and alerted (state from before a restart)", () => {
    const before = feed(["down", "down"]).state;
    expect(before).toMatchObject({ alertState: "down", incidentPaged: true });
    expect(feed(["down", "down", "down"], {}, before).transitions).toEqual([]);
    expect(feed(["ok", "ok"], {}, before).transitions).toEqual([
      { at: 1, kind: "restored", startedAt: 1_000, durationMs: 20_000 },
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
