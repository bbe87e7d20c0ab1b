import type { CheckStatus } from "./agent.ts";

/**
 * How bad a check status is: `down` > `degraded` > `ok`; `unsupported` (the host cannot run the
 * check) counts as `ok`. A check with several findings reports the worst.
 */
export const STATUS_RANK: Readonly<Record<CheckStatus, number>> = {
  ok: 0,
  unsupported: 0,
  degraded: 1,
  down: 2,
};

/** The worse of two statuses; on a tie, `current`. */
export function worseStatus(current: CheckStatus, next: CheckStatus): CheckStatus {
  return STATUS_RANK[next] > STATUS_RANK[current] ? next : current;
}
