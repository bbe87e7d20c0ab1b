import type { Ctx } from "../context.ts";

/** Queues escalations and repeats for open, unacknowledged incidents (idempotent). */
export async function runEscalations({ ctx }: { ctx: Pick<Ctx, "sql"> }): Promise<{ queued: number }> {
  const [row] = await ctx.sql<{ n: number }[]>`select private.escalate_incidents() as n`;
  return { queued: row?.n ?? 0 };
}
