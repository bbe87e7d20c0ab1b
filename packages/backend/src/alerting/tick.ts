import type { Ctx } from "../context.ts";
import { type DispatchResult, dispatchDue } from "./dispatch.ts";
import { runEscalations } from "./escalate.ts";
import { runSweep } from "./sweep.ts";

export interface TickResult {
  down: number;
  escalations: number;
  dispatch: DispatchResult;
}

/**
 * One round of the alerting loop, in the order that gets a page out fastest: detect, queue
 * escalations, deliver. The cloud's pg_cron calls it every 15 s through the cron route;
 * custos-server runs the same steps as separate jobs.
 */
export async function runTick({ ctx }: { ctx: Ctx }): Promise<TickResult> {
  const sweep = await runSweep({ ctx });
  const escalations = await runEscalations({ ctx });
  const dispatch = await dispatchDue({ ctx, limit: 200 });
  return { down: sweep.down.length, escalations: escalations.queued, dispatch };
}
