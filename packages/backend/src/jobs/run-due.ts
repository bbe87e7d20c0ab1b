import type { Ctx } from "../context.ts";
import type { JobStateRow } from "../db/rows.ts";
import { type JobOutcome, runJob } from "./run.ts";
import { JOBS, type Job } from "./table.ts";

export interface DueJobsResult {
  /** Each job that was due, in the table's order, with what its run did. */
  jobs: Record<string, JobOutcome>;
  /** The jobs whose interval has not passed since the tick that last claimed them. */
  not_due: string[];
}

/**
 * A tick may arrive this much early relative to the one that last claimed a job (pg_cron fires
 * on the second, pg_net sends a little later), and the job still counts as due: without it a
 * 30-s job on a 15-s tick would slip to every third tick whenever one tick was late.
 */
export const TICK_TOLERANCE_MS = 2_000;

/**
 * The cloud's schedule (pg_cron calls /api/cron/tick every 15 s): claims every job of the table
 * whose interval has passed since the tick that last claimed it, in one statement, then runs
 * them one after another in the table's order. The claim moves `claimed_at` only for due jobs,
 * so two overlapping ticks never both claim an hourly job, and the 5-s probes run at most once
 * a tick. Claiming at the tick's start (not before each run) keeps the spacing of a 30-s job at
 * two ticks however long the jobs before it took.
 */
export async function runDueJobs({
  ctx,
  jobs = JOBS,
}: {
  ctx: Ctx;
  jobs?: readonly Job[];
}): Promise<DueJobsResult> {
  const claimed = await ctx.sql<Pick<JobStateRow, "job">[]>`
    insert into private.job_state as s (job, every_ms, claimed_at)
    select j.name, j.every_ms::integer, now()
    from unnest(${jobs.map((j) => j.name)}::text[], ${jobs.map((j) => String(j.everyMs))}::text[]) as j(name, every_ms)
    on conflict (job) do update set claimed_at = now(), every_ms = excluded.every_ms
    where s.claimed_at is null
       or s.claimed_at <= now() - make_interval(secs => (excluded.every_ms - ${TICK_TOLERANCE_MS}) / 1000.0)
    returning s.job`;
  const due = new Set(claimed.map((row) => row.job));
  const result: DueJobsResult = { jobs: {}, not_due: [] };
  for (const job of jobs) {
    if (!due.has(job.name)) {
      result.not_due.push(job.name);
      continue;
    }
    // one at a time: a tick then needs two connections of the function's small pool
    result.jobs[job.name] = await runJob({ ctx, job });
  }
  return result;
}
