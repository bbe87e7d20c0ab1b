import type { Ctx } from "../context.ts";

export interface MaintainRollupsResult {
  created: number;
  dropped: number;
  deleted_rows: number;
}

/** Rollup partitions ahead, tiers within their windows, organizations within their retention. */
export async function maintainRollups({ ctx }: { ctx: Pick<Ctx, "sql"> }): Promise<MaintainRollupsResult> {
  const rows = await ctx.sql<
    { result: MaintainRollupsResult }[]
  >`select private.maintain_rollups() as result`;
  return (rows[0] as { result: MaintainRollupsResult }).result;
}
