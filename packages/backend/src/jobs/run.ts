import type { Ctx } from "../context.ts";
import type { Job } from "./table.ts";

export type JobOutcome =
  | { status: "done"; result: unknown }
  /** Another process (or isolate) holds this job's lock: it is running there right now. */
  | { status: "busy" }
  | { status: "failed"; error: string };

/**
 * Runs one job of the table under a transaction-level advisory lock named after it, so two
 * processes on one database — custos-server replicas, cron ticks in two isolates, or both —
 * never run the same job at once. The run is recorded in private.job_state (started, finished,
 * last error), which is how an operator sees that the schedule is alive in either runtime.
 *
 * The lock's transaction holds one connection for the whole run and the job's statements take
 * others, so a caller needs at least two connections per job it runs at a time.
 */
export async function runJob({
  ctx,
  job,
  backendStarted = false,
}: {
  ctx: Ctx;
  job: Job;
  backendStarted?: boolean;
}): Promise<JobOutcome> {
  try {
    return await ctx.sql.begin(async (tx): Promise<JobOutcome> => {
      const [lock] = await tx<
        { got: boolean }[]
      >`select pg_try_advisory_xact_lock(hashtext(${`custos:job:${job.name}`})) as got`;
      if (!lock?.got) return { status: "busy" };
      // on the job's own connection, not the lock's: the row must not stay locked for the run
      await ctx.sql`
        insert into private.job_state (job, every_ms, started_at) values (${job.name}, ${job.everyMs}, now())
        on conflict (job) do update set started_at = now(), every_ms = excluded.every_ms`;
      try {
        const result = await job.run(ctx, { backendStarted });
        await ctx.sql`
          update private.job_state set finished_at = now(), runs = runs + 1, last_error = null
          where job = ${job.name}`;
        return { status: "done", result };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        await ctx.sql`
          update private.job_state set last_error = ${message.slice(0, 1000)}, last_error_at = now()
          where job = ${job.name}`.catch(() => undefined);
        return { status: "failed", error: message };
      }
    });
  } catch (error) {
    // the database itself failed (lock or bookkeeping): the job did not run
    return { status: "failed", error: error instanceof Error ? error.message : String(error) };
  }
}
