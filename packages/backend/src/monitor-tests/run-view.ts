import { MONITOR_TEST_LIMITS, MonitorTestOutcome, type MonitorTestRun } from "@custos/protocol";
import type { MonitorTestRunsRow } from "../db/rows.ts";

/** Why a run that waited for an agent has no result. */
export const EXPIRED_UNCLAIMED = "the agent did not answer: is it online?";
export const EXPIRED_UNREPORTED = "the agent took the test but sent no result (did it restart?)";

/**
 * Why `row` has expired at `now`, or undefined while it may still finish. Expiry is read, not
 * scheduled: a pending run older than 2 minutes can no longer be claimed (claim.ts uses the
 * same bounds) and shows as expired whether or not a claim has written it down yet.
 */
export function expiredReason(
  row: Pick<MonitorTestRunsRow, "status" | "created_at" | "claimed_at">,
  now: Date,
): string | undefined {
  const age = (since: Date | null) => now.getTime() - (since?.getTime() ?? now.getTime());
  if (row.status === "pending" && age(row.created_at) > MONITOR_TEST_LIMITS.claimWithinMs)
    return EXPIRED_UNCLAIMED;
  if (row.status === "running" && age(row.claimed_at) > MONITOR_TEST_LIMITS.resultWithinMs)
    return EXPIRED_UNREPORTED;
  return undefined;
}

/** A stored run as the dashboard reads it, expired when it has waited too long. */
export function toRun(row: MonitorTestRunsRow, now: Date): MonitorTestRun {
  const expired = expiredReason(row, now);
  const stored = row.result as { reason?: unknown } | null;
  const outcome = MonitorTestOutcome.safeParse(row.result);
  return {
    id: row.id,
    server_id: row.server_id,
    monitor: row.monitor as Record<string, unknown>,
    status: expired ? "expired" : row.status,
    result: !expired && outcome.success ? outcome.data : null,
    reason: expired ?? (typeof stored?.reason === "string" ? stored.reason : null),
    created_at: row.created_at.toISOString(),
    claimed_at: row.claimed_at?.toISOString() ?? null,
    finished_at: row.finished_at?.toISOString() ?? null,
  };
}
