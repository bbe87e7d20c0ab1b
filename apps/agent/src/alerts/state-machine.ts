/**
 * A monitor's alert state from its check results: DOWN after `threshold` consecutive failed
 * checks, RESTORED on the first success after that. Pure; the engine persists the result.
 * `unsupported` and `degraded` never page; `degraded` counts as up.
 */
import type { CheckStatus } from "@custos/protocol";
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

export type Transition =
  | { kind: "down"; startedAt: number; failures: number }
  | { kind: "restored"; startedAt: number; durationMs: number };

export function observe(
  previous: MonitorState | undefined,
  check: Observation,
  threshold: number,
): { next: MonitorState; transition?: Transition } {
  const base: MonitorState = previous ?? {
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
    alertState: "up",
    incidentStartedAt: null,
    incidentKey: null,
  };
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

  if (check.status === "down") {
    next.consecutiveFailures = base.consecutiveFailures + 1;
    next.failingSince = base.failingSince ?? check.ts;
    if (base.alertState === "up" && next.consecutiveFailures >= threshold) {
      next.alertState = "down";
      next.incidentStartedAt = next.failingSince;
      return {
        next,
        transition: { kind: "down", startedAt: next.failingSince, failures: next.consecutiveFailures },
      };
    }
    return { next };
  }

  next.consecutiveFailures = 0;
  next.failingSince = null;
  if (check.status === "unsupported") return { next };
  if (base.alertState === "down") {
    const startedAt = base.incidentStartedAt ?? check.ts;
    next.alertState = "up";
    next.incidentStartedAt = null;
    next.incidentKey = null;
    return {
      next,
      transition: { kind: "restored", startedAt, durationMs: Math.max(0, check.ts - startedAt) },
    };
  }
  return { next };
}

/** `${server_id}:${monitor}:${startedAtISO}`: the same incident on the agent and the backend. */
export function incidentKey(serverId: string | undefined, monitor: string, startedAt: number): string {
  return `${serverId ?? UNREGISTERED}:${monitor}:${new Date(startedAt).toISOString()}`;
}

/** Prefix of incident keys made before the agent had a server id; replaced when reported. */
export const UNREGISTERED = "unregistered";
