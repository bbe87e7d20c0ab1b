import type { ScheduleHealth } from "@custos/protocol";
import type { BackendConfig, Ctx } from "../context.ts";
import { JOBS, type Job } from "./table.ts";

/**
 * A job is stale when its last completed run is older than this many of its intervals. Four, so
 * that ordinary delays never flag it: in the cloud a tick that finds its isolate still busy
 * answers 409 and a slow probe round delays the jobs after it, so a run can slip by a tick or two;
 * on custos-server a sweep or rollup over much data can take several intervals. Four missed runs
 * in a row is no longer a delay.
 */
export const STALE_AFTER_INTERVALS = 4;

/**
 * The cloud runs every job at most once per pg_cron tick (15 s), so a job's interval counts as at
 * least this in both runtimes: the 2-s dispatcher is stale after 60 s, not 8 s.
 */
export const SCHEDULE_TICK_MS = 15_000;

/**
 * Nothing is stale this soon after the schedule started: after custos-server started (its
 * scheduler runs every job at once, but a first sweep or rollup catch-up after an outage takes
 * a while), or after the database was installed (a new cloud deployment's first tick comes once
 * its Vault entries and function are in place). Past it, a job that never ran is stale.
 */
export const START_GRACE_MS = 2 * 60_000;

/** How long a job may go without a completed run before it is stale. */
export function staleAfterMs(job: Pick<Job, "everyMs">): number {
  return STALE_AFTER_INTERVALS * Math.max(job.everyMs, SCHEDULE_TICK_MS);
}

/**
 * When each job of the table last completed and whether that is too long ago, from
 * private.job_state: both runtimes run every job through runJob (jobs/run.ts), which records the
 * run there — custos-server's scheduler and the cloud's cron tick alike. One small statement
 * (one row per job), compared with the database's clock, which wrote those times.
 *
 * The grace starts at the later of the database's installation (private.installation) and, on
 * custos-server, its scheduler's start (`config.scheduleStartedAt`). Not at an isolate's start:
 * in the cloud isolates come and go, and a new one must not hide a tick that stopped long ago.
 */
export async function readScheduleStaleness({
  ctx,
  jobs = JOBS,
}: {
  ctx: Pick<Ctx, "sql"> & { config?: Pick<BackendConfig, "scheduleStartedAt"> };
  jobs?: readonly Job[];
}): Promise<ScheduleHealth> {
  const rows = await ctx.sql<
    { now: Date; installed_at: Date | null; job: string | null; finished_at: Date | null }[]
  >`
    select now() as now, (select installed_at from private.installation) as installed_at, s.job, s.finished_at
    from (select 1) as one left join private.job_state s on true`;
  const now = (rows[0]?.now ?? new Date()).getTime();
  const lastRun = new Map<string, Date>();
  for (const row of rows) if (row.job && row.finished_at) lastRun.set(row.job, row.finished_at);
  const startedAt = Math.max(
    rows[0]?.installed_at?.getTime() ?? Number.NEGATIVE_INFINITY,
    ctx.config?.scheduleStartedAt ?? Number.NEGATIVE_INFINITY,
  );
  const inGrace = now - startedAt < START_GRACE_MS;

  const stale = (job: Job) => {
    const last = lastRun.get(job.name);
    return !inGrace && (last === undefined || now - last.getTime() > staleAfterMs(job));
  };
  const staleJobs = jobs.filter(stale).map((job) => job.name);
  return {
    sweep_last_run_at: lastRun.get("sweep")?.toISOString() ?? null,
    stale: staleJobs.length > 0,
    stale_jobs: staleJobs,
  };
}
