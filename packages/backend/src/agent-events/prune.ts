import { AGENT_EVENT_LIMITS } from "@custos/protocol";
import type { Ctx } from "../context.ts";

/**
 * Deletes agent events older than AGENT_EVENT_LIMITS.keepDays (400), at most 10,000 a run (the
 * hourly job catches up on a backlog run by run). Its own SQL function, not part of
 * private.maintain_partitions: the table is not partitioned (decision 0044).
 */
export async function pruneAgentEvents({ ctx }: { ctx: Pick<Ctx, "sql"> }): Promise<{ deleted: number }> {
  const [row] = await ctx.sql<{ deleted: string }[]>`
    select private.prune_agent_events(${AGENT_EVENT_LIMITS.keepDays}) as deleted`;
  return { deleted: Number(row?.deleted ?? 0) };
}
