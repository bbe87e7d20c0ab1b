import type { Ctx } from "../context.ts";

export interface MaintenanceResult {
  created: number;
  dropped: number;
  deleted_rows: number;
}

/** Creates partitions ahead, drops whole days past the longest retention, trims shorter ones. */
export async function maintainPartitions({ ctx }: { ctx: Pick<Ctx, "sql"> }): Promise<MaintenanceResult> {
  const rows = await ctx.sql<{ result: MaintenanceResult }[]>`select private.maintain_partitions() as result`;
  return (rows[0] as { result: MaintenanceResult }).result;
}
