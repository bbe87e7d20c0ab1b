import { type Ctx, JOBS, type Job, runJob } from "@custos/backend";

/**
 * Runs each job of the backend's table (packages/backend/src/jobs/table.ts, the cloud's cron
 * route runs the same table) on its own interval. A run holds a transaction-level advisory lock
 * per job (runJob), so two custos-server processes on one database never run the same job at
 * once; a job still running when its next turn comes is not started twice.
 *
 * Each job's first completed run in this process is told the backend has just started: the
 * sweep then grants every server a full timeout, so the silence of this process' own outage
 * pages nobody.
 */
export function startScheduler(ctx: Ctx, jobs: readonly Job[] = JOBS): { stop(): Promise<void> } {
  const timers: NodeJS.Timeout[] = [];
  const running = new Map<string, Promise<unknown>>();
  const done = new Set<string>();
  let stopped = false;

  const runOnce = (job: Job) => {
    if (stopped || running.has(job.name)) return;
    const p = runJob({ ctx, job, backendStarted: !done.has(job.name) })
      .then((outcome) => {
        if (outcome.status === "failed") {
          ctx.log.error("job failed", { job: job.name, error: outcome.error });
          return;
        }
        if (outcome.status !== "done") return;
        done.add(job.name);
        if (worthLogging(outcome.result))
          ctx.log.info("job done", { job: job.name, result: outcome.result as Record<string, unknown> });
      })
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
