import type { Ctx } from "@custos/backend";
import { maintainPartitions } from "@custos/backend";

interface Job {
  name: string;
  everyMs: number;
  run(ctx: Ctx): Promise<unknown>;
}

const JOBS: Job[] = [
  { name: "maintain-partitions", everyMs: 60 * 60_000, run: (ctx) => maintainPartitions({ ctx }) },
];

/**
 * Runs the backend's periodic jobs. Each run takes a transaction-level advisory lock per job, so
 * two custos-server processes on one database never run the same job at once.
 */
export function startScheduler(ctx: Ctx, jobs: Job[] = JOBS): { stop(): Promise<void> } {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<unknown>>();
  let stopped = false;

  const runOnce = (job: Job) => {
    if (stopped) return;
    const p = ctx.sql
      .begin(async (tx) => {
        const [row] = await tx<
          { got: boolean }[]
        >`select pg_try_advisory_xact_lock(hashtext(${`custos:job:${job.name}`})) as got`;
        if (!row?.got) return;
        const result = await job.run(ctx);
        ctx.log.info("job done", { job: job.name, result: result as Record<string, unknown> });
      })
      .catch((error: unknown) => ctx.log.error("job failed", { job: job.name, error: String(error) }))
      .finally(() => running.delete(p));
    running.add(p);
  };

  for (const job of jobs) {
    runOnce(job);
    timers.push(setInterval(() => runOnce(job), job.everyMs));
  }
  return {
    async stop() {
      stopped = true;
      for (const t of timers) clearInterval(t);
      await Promise.allSettled([...running]);
    },
  };
}
