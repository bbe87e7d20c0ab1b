/**
 * Pure verdict on one unit (data -> verdict): time in its state, restarts counted over a window
 * from the kept NRestarts history, and the check status. parse.ts reads systemctl's output into
 * the UnitStatus judged here.
 */
import type { CheckStatus } from "@custos/protocol";
import type { UnitStatus } from "./parse.ts";

/** Seconds since the unit's last state change, given the host's CLOCK_MONOTONIC in µs. */
export function secondsInState(unit: UnitStatus, nowMonotonicUs: number): number | undefined {
  if (unit.stateChangeMonotonicUs <= 0 || nowMonotonicUs < unit.stateChangeMonotonicUs) return undefined;
  return Math.floor((nowMonotonicUs - unit.stateChangeMonotonicUs) / 1_000_000);
}

/** Earlier NRestarts observations of one unit, oldest first: [epoch ms, NRestarts]. */
export type RestartHistory = [number, number][];

/**
 * Restarts within `windowMs`: the rise of NRestarts over the observations kept in the window.
 * NRestarts going down (the unit was started by hand, the counter reset) starts a new history.
 */
export function recordRestarts(
  history: RestartHistory | undefined,
  now: number,
  restarts: number,
  windowMs: number,
): { history: RestartHistory; inWindow: number } {
  let kept = (history ?? []).filter(([ts]) => now - ts <= windowMs);
  if (kept.some(([, n]) => n > restarts)) kept = [];
  kept.push([now, restarts]);
  const oldest = kept[0]?.[1] ?? restarts;
  return { history: kept, inWindow: restarts - oldest };
}

interface UnitRules {
  allow_inactive: boolean;
  max_restarts: number;
  windowText: string;
}

/**
 * `down` when the unit is failed, missing, inactive (unless allowed) or restarted more than
 * `max_restarts` times within the window; `degraded` while it is between states (activating,
 * auto-restart, deactivating, reloading).
 */
export function evaluateUnit(
  unit: UnitStatus,
  restartsInWindow: number,
  rules: UnitRules,
): { status: CheckStatus; message: string } {
  const state = `${unit.activeState} (${unit.subState})`;
  if (unit.loadState === "not-found") return { status: "down", message: `${unit.id} not found` };
  if (unit.activeState === "failed") {
    return { status: "down", message: `${unit.id} failed (result: ${unit.result || "unknown"})` };
  }
  if (restartsInWindow > rules.max_restarts) {
    return {
      status: "down",
      message: `${unit.id} restarted ${restartsInWindow} times in the last ${rules.windowText}, now ${state}`,
    };
  }
  if (unit.activeState === "inactive") {
    return rules.allow_inactive
      ? { status: "ok", message: `${unit.id} ${state}` }
      : { status: "down", message: `${unit.id} is not running: ${state}` };
  }
  if (unit.activeState === "active" && unit.subState !== "auto-restart") {
    return { status: "ok", message: `${unit.id} ${state}` };
  }
  return { status: "degraded", message: `${unit.id} ${state}, ${unit.restarts} restarts so far` };
}
