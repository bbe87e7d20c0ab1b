/**
 * Outage tracking, pure. An outage is a cycle in which no target answered; it ends with the first
 * cycle in which one does. Durations come from the monotonic clock (CLOCK_MONOTONIC via
 * process.hrtime.bigint(), which is system-wide, so it stays valid across an agent restart within
 * the same boot); the wall clock is only for display, and for a duration spanning a reboot.
 */

export interface Clock {
  /** Date.now() */
  wallMs: number;
  /** process.hrtime.bigint() */
  monoNs: bigint;
  /** /proc/sys/kernel/random/boot_id: tells whether monoNs values are comparable. */
  bootId?: string;
}

/** Kept in ctx.state (JSON: the bigint travels as a string). */
export interface OutageState {
  started_at: string;
  started_wall_ms: number;
  started_mono_ns: string;
  boot_id?: string;
}

interface OutageEnd {
  started_at: string;
  ended_at: string;
  duration_ms: number;
}

interface OutageStep {
  state: OutageState | undefined;
  started?: OutageState;
  ended?: OutageEnd;
}

export function outageDurationMs(state: OutageState, now: Clock): number {
  const sameBoot = state.boot_id !== undefined && state.boot_id === now.bootId;
  const sameClock = sameBoot || (state.boot_id === undefined && now.bootId === undefined);
  const start = BigInt(state.started_mono_ns);
  if (sameClock && now.monoNs >= start) return Number((now.monoNs - start) / 1_000_000n);
  return Math.max(0, now.wallMs - state.started_wall_ms);
}

export function trackOutage(previous: OutageState | undefined, allFailed: boolean, now: Clock): OutageStep {
  if (allFailed) {
    if (previous) return { state: previous };
    const started: OutageState = {
      started_at: new Date(now.wallMs).toISOString(),
      started_wall_ms: now.wallMs,
      started_mono_ns: now.monoNs.toString(),
      ...(now.bootId ? { boot_id: now.bootId } : {}),
    };
    return { state: started, started };
  }
  if (!previous) return { state: undefined };
  return {
    state: undefined,
    ended: {
      started_at: previous.started_at,
      ended_at: new Date(now.wallMs).toISOString(),
      duration_ms: outageDurationMs(previous, now),
    },
  };
}
