import type { Ctx } from "@custos/backend";
import {
  dispatchDue,
  maintainPartitions,
  maintainRollups,
  refreshRollups,
  runDueProbes,
  runEscalations,
  runSweep,
} from "@custos/backend";

export interface Job {
  name: string;
  everyMs: number;
  run(ctx: Ctx): Promise<unknown>;
}

/**
 * The heartbeat sweep. Its first run in this process tells the engine the backend has just
 * started, so no server is declared down for the silence of this process' own outage.
 */
function sweepJob(): Job {
  let started = true;
  return {
    name: "sweep",
    everyMs: 10_000,
    run: async (ctx) => {
      const backendStarted = started;
      const sweep = await runSweep({ ctx, backendStarted });
      started = false;
      // deliver right away: a page should not wait for the dispatcher's own turn
      return { sweep, dispatch: await dispatchDue({ ctx }) };
    },
  };
}

/** The backend's periodic work in self-hosted mode (the cloud's pg_cron calls /api/cron/tick). */
export const JOBS: Job[] = [
  sweepJob(),
  { name: "dispatch", everyMs: 2_000, run: (ctx) => dispatchDue({ ctx }) },
  { name: "probes", everyMs: 5_000, run: (ctx) => runDueProbes({ ctx }) },
  { name: "escalations", everyMs: 30_000, run: (ctx) => runEscalations({ ctx }) },
  { name: "maintain-partitions", everyMs: 60 * 60_000, run: (ctx) => maintainPartitions({ ctx }) },
  // chart rollups from the raw data; logged only when catching up or merging late samples
  {
    name: "rollups",
    everyMs: 30_000,
    run: async (ctx) => {
      const r = await refreshRollups({ ctx });
      return r.caught_up && r.late_1m === 0 ? {} : r;
    },
  },
  { name: "maintain-rollups", everyMs: 60 * 60_000, run: (ctx) => maintainRollups({ ctx }) },
];

/**
 * Runs each job on its interval. A run holds a transaction-level advisory lock per job, so two
 * custos-server processes on one database never run the same job at once; a job still running
 * when its next turn comes is not started twice.
 */
export function startScheduler(ctx: Ctx, jobs: Job[] = JOBS): { stop(): Promise<void> } {
  const timers: NodeJS.Timeout[] = [];
  const running = new Map<string, Promise<unknown>>();
  let stopped = false;

  const runOnce = (job: Job) => {
    if (stopped || running.has(job.name)) return;
    const p = ctx.sql
      .begin(async (tx) => {
        const [row] = await tx<
          { got: boolean }[]
        >`select pg_try_advisory_xact_lock(hashtext(${`custos:job:${job.name}`})) as got`;
        if (!row?.got) return;
        const result = await job.run(ctx);
        if (worthLogging(result))
          ctx.log.info("job done", { job: job.name, result: result as Record<string, unknown> });
      })
      .catch((error: unknown) => ctx.log.error("job failed", { job: job.name, error: String(error) }))
      .finally(() => running.delete(job.name));
    running.set(job.name, p);
  };

  for (const job of jobs) {
    runOnce(job);
    timers.push(setInterval(() => runOnce(job), job.everyMs));
  }
  return {
    async stop() {
      stopped = true;
      for (const t of timers) clearInterval(t);
      await Promise.allSettled([...running.values()]);
    },
  };
}

/**
 * Quiet when a job did nothing (every 2 s otherwise fills the log): worth a line when any count
 * is above zero or any list is not empty (a sweep's result is the list of servers it put down).
 */
export function worthLogging(result: unknown): boolean {
  if (typeof result === "number") return result > 0;
  if (Array.isArray(result)) return result.length > 0;
  if (result !== null && typeof result === "object") return Object.values(result).some(worthLogging);
  return false;
}
