import type { ScheduleHealth } from "./contract.ts";
import { formatDuration } from "./format.ts";

/**
 * The banner's sentence when alerting's sweep is stale (the summary's `schedule`);
 * null while it runs, and from a backend that predates the field. Only the sweep: it is what
 * opens heartbeat and check incidents, so a stale sweep is a deployment that looks quiet while
 * nothing is watched.
 */
export function staleSweepNotice(schedule: ScheduleHealth | undefined, now: number): string | null {
  if (!schedule?.stale_jobs.includes("sweep")) return null;
  const last = schedule.sweep_last_run_at ? Date.parse(schedule.sweep_last_run_at) : Number.NaN;
  if (!Number.isFinite(last)) {
    return "Alerting is not running: the sweep has never run. Heartbeat and check incidents are not opened until it runs.";
  }
  return `Alerting is not running: the last sweep was ${formatDuration(now - last)} ago. Heartbeat and check incidents are not opened until it runs again.`;
}
