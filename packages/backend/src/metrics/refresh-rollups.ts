import type { Ctx } from "../context.ts";

export interface RefreshRollupsResult {
  passes: number;
  rollups_1m: number;
  late_1m: number;
  rollups_5m: number;
  rollups_1h: number;
  vitals: number;
  check_hours: number;
  metrics_through: string;
  checks_through: string;
  caught_up: boolean;
}

/**
 * Brings the rollups up to date from the raw samples and check results since the last run
 * (private.refresh_rollups: a watermark, a 2-minute re-aggregation window, and a backlog for
 * samples that arrive later than that). Every 30 s from the job table (jobs/table.ts).
 */
export async function refreshRollups({ ctx }: { ctx: Pick<Ctx, "sql"> }): Promise<RefreshRollupsResult> {
  const rows = await ctx.sql<{ result: RefreshRollupsResult }[]>`select private.refresh_rollups() as result`;
  return (rows[0] as { result: RefreshRollupsResult }).result;
}
