/**
 * A monitor's alert state from its check results, with the backend's rules (one policy for
 * both alert paths, `ALERT_POLICY_DEFAULTS` in @custos/protocol): DOWN after N consecutive
 * failed checks, RESTORED after M consecutive successes, and flapping damping — more than K
 * state changes within the window is flapping: the person gets one FLAPPING notice instead of a
 * page every cycle, new DOWN pages are held while it lasts (a held DOWN is paged once the
 * monitor is stuck down), and a RESTORED only follows a notice that was sent. Pure; the engine persists the result.
 * `unsupported` never counts; `degraded` counts as up (the agent pages outages, not slowness).
 */
import {
  ALERT_POLICY_DEFAULTS,
  type CheckStatus,
  heldDownPagesAfter,
  incidentKey as sharedIncidentKey,
} from "@custos/protocol";
import type { MonitorState } from "../store/monitor-state.ts";

export interface Observation {
  monitor: string;
  parent: string;
  type: string | null;
  status: CheckStatus;
  message?: string;
  latencyMs?: number;
  ts: number;
}

/** The thresholds the backend's engine applies too (monitors.failures_to_open, …). */
export interface AlertPolicy {
  failuresToOpen: number;
  successesToResolve: number;
  /** More state changes than this within `flapWindowMs` is flapping. */
  flapThreshold: number;
  flapWindowMs: number;
}

/** The policy of a config that leaves local_alerts out. */
export const DEFAULT_ALERT_POLICY: AlertPolicy = {
  failuresToOpen: ALERT_POLICY_DEFAULTS.failuresToOpen,
  successesToResolve: ALERT_POLICY_DEFAULTS.successesToResolve,
  flapThreshold: ALERT_POLICY_DEFAULTS.flapThreshold,
  flapWindowMs: ALERT_POLICY_DEFAULTS.flapWindowMinutes * 60_000,
};

export type Transition =
  | { kind: "down"; startedAt: number; failures: number }
  | { kind: "flapping"; startedAt: number; changes: number; windowMs: number }
  | { kind: "restored"; startedAt: number; durationMs: number };

function initialState(check: Observation): MonitorState {
  return {
    monitor: check.monitor,
    parent: check.parent,
    type: check.type,
    status: check.status,
    statusSince: check.ts,
    lastCheckedAt: check.ts,
    lastMessage: null,
    lastLatencyMs: null,
    consecutiveFailures: 0,
    failingSince: null,
    consecutiveSuccesses: 0,
    succeedingSince: null,
    alertState: "up",
    incidentStartedAt: null,
    incidentKey: null,
    incidentPaged: false,
    recentChanges: [],
    flappingNotifiedAt: null,
  };
}

/** The state changes inside the window ending at `now`, with one more at `now`. */
function withChange(changes: readonly number[], now: number, windowMs: number): number[] {
  return [...changes.filter((t) => t > now - windowMs), now];
}

export function observe(
  previous: MonitorState | undefined,
  check: Observation,
  policy: AlertPolicy,
): { next: MonitorState; transition?: Transition } {
  const base = previous ?? initialState(check);
  const next: MonitorState = {
    ...base,
    parent: check.parent,
    type: check.type ?? base.type,
    status: check.status,
    statusSince: previous && previous.status === check.status ? previous.statusSince : check.ts,
    lastCheckedAt: check.ts,
    lastMessage: check.message ?? null,
    lastLatencyMs: check.latencyMs ?? null,
  };

  if (check.status === "unsupported") {
    next.consecutiveFailures = 0;
    next.failingSince = null;
    return { next };
  }

  if (check.status === "down") {
    next.consecutiveFailures = base.consecutiveFailures + 1;
    next.failingSince = base.failingSince ?? check.ts;
    next.consecutiveSuccesses = 0;
    next.succeedingSince = null;
    if (base.alertState === "down" && !base.incidentPaged) return pageHeldDown(base, next, check, policy);
    if (base.alertState !== "up" || next.consecutiveFailures < policy.failuresToOpen) return { next };
    next.alertState = "down";
    next.incidentStartedAt = next.failingSince;
    next.recentChanges = withChange(base.recentChanges, check.ts, policy.flapWindowMs);
    const flapping = next.recentChanges.length > policy.flapThreshold;
    if (!flapping) {
      next.incidentPaged = true;
      return {
        next,
        transition: { kind: "down", startedAt: next.failingSince, failures: next.consecutiveFailures },
      };
    }
    // flapping: one notice per window, then the DOWN pages are held until it settles
    const notifiedRecently =
      base.flappingNotifiedAt !== null && base.flappingNotifiedAt > check.ts - policy.flapWindowMs;
    next.incidentPaged = !notifiedRecently;
    if (notifiedRecently) return { next };
    next.flappingNotifiedAt = check.ts;
    return {
      next,
      transition: {
        kind: "flapping",
        startedAt: next.failingSince,
        changes: next.recentChanges.length,
        windowMs: policy.flapWindowMs,
      },
    };
  }

  // ok or degraded: a success
  next.consecutiveFailures = 0;
  next.failingSince = null;
  next.consecutiveSuccesses = base.consecutiveSuccesses + 1;
  next.succeedingSince = base.succeedingSince ?? check.ts;
  if (base.alertState !== "down" || next.consecutiveSuccesses < policy.successesToResolve) return { next };
  const startedAt = base.incidentStartedAt ?? next.succeedingSince;
  const paged = base.incidentPaged;
  next.alertState = "up";
  next.incidentStartedAt = null;
  next.incidentKey = null;
  next.incidentPaged = false;
  next.recentChanges = withChange(base.recentChanges, check.ts, policy.flapWindowMs);
  // a RESTORED closes a notice that went out; a held DOWN is not followed by one
  if (!paged) return { next };
  return {
    next,
    // the outage lasted until the first success of the streak that resolved it
    transition: { kind: "restored", startedAt, durationMs: Math.max(0, next.succeedingSince - startedAt) },
  };
}

/**
 * A DOWN held while the monitor flapped is paged once the monitor is stuck down: the flapping
 * has settled (the changes fell out of the window) or it failed `heldDownPagesAfter` checks in a
 * row. The page is the held incident's own DOWN, dated from its start.
 */
function pageHeldDown(
  base: MonitorState,
  next: MonitorState,
  check: Observation,
  policy: AlertPolicy,
): { next: MonitorState; transition?: Transition } {
  const changes = base.recentChanges.filter((t) => t > check.ts - policy.flapWindowMs).length;
  const stuck = next.consecutiveFailures >= heldDownPagesAfter(policy);
  if (changes > policy.flapThreshold && !stuck) return { next };
  const startedAt = base.incidentStartedAt ?? next.failingSince ?? check.ts;
  next.incidentPaged = true;
  return { next, transition: { kind: "down", startedAt, failures: next.consecutiveFailures } };
}

/** `${server_id}:${monitor}:${startedAtISO}`: the same incident on the agent and the backend. */
export function incidentKey(serverId: string | undefined, monitor: string, startedAt: number): string {
  return sharedIncidentKey(serverId ?? UNREGISTERED, monitor, startedAt);
}

/** Prefix of incident keys made before the agent had a server id; replaced when reported. */
export const UNREGISTERED = "unregistered";
