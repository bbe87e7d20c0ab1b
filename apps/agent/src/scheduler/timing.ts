/**
 * When a monitor runs next. Clock-aligned runs land on wall-clock multiples of the interval
 * (every 10 s at :00, :10, :20, ...); otherwise runs keep a fixed cadence from the first one.
 * A run that is late (suspend, busy loop) skips the missed slots instead of bunching up.
 */
export function firstRunAt(now: number, intervalMs: number, aligned: boolean): number {
  return aligned ? alignedAfter(now, intervalMs) : now;
}

export function nextRunAt(previous: number, now: number, intervalMs: number, aligned: boolean): number {
  if (aligned) return alignedAfter(Math.max(now, previous), intervalMs);
  const next = previous + intervalMs;
  if (next > now) return next;
  return previous + intervalMs * Math.ceil((now - previous + 1) / intervalMs);
}

/** The first multiple of `intervalMs` (since the epoch) strictly after `now`. */
export function alignedAfter(now: number, intervalMs: number): number {
  return (Math.floor(now / intervalMs) + 1) * intervalMs;
}
