import { CreateMonitorTestRequest, MONITOR_TEST_LIMITS, type MonitorTestRun } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import type { MonitorTestRunsRow } from "../db/rows.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";
import { toRun } from "./run-view.ts";

export const CreateMonitorTestInput = CreateMonitorTestRequest.extend({
  org_id: z.uuid(),
  server_id: z.uuid(),
});
export type CreateMonitorTestInput = z.input<typeof CreateMonitorTestInput>;

/** Runs one server keeps at most (the newest), whatever their age. */
const KEEP_PER_SERVER = 100;

/**
 * An admin asks the server's agent to run one monitor once (decision 0045). The monitor was
 * checked like a central configuration entry (CreateMonitorTestRequest: the plugin's own option
 * schema, no credential in clear); the agent checks it again with its environment. As the caller
 * (RLS: "admins request monitor tests"); a server of another organization is 404. A few may wait
 * per server (409 beyond, the trigger is the backstop). Creating one also deletes the server's
 * runs older than a day and all but its newest 100: the table stays small without a job.
 */
export async function createMonitorTest({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: CreateMonitorTestInput;
}): Promise<MonitorTestRun> {
  const { org_id, server_id, monitor } = parseInput(CreateMonitorTestInput, input);
  const run = await inOrg(ctx, caller, org_id, "admin", async (tx) => {
    const [server] = await tx`select 1 from public.servers where id = ${server_id} and org_id = ${org_id}`;
    if (!server) throw new AppError("NOT_FOUND", `server ${server_id} not found`, { field: "server_id" });
    const [waiting] = await tx<{ n: number }[]>`
      select count(*)::int as n from public.monitor_test_runs
      where server_id = ${server_id} and status = 'pending'
        and created_at > now() - make_interval(secs => ${MONITOR_TEST_LIMITS.claimWithinMs / 1000})`;
    if ((waiting?.n ?? 0) >= MONITOR_TEST_LIMITS.maxPendingPerServer) throw tooMany();
    const [row] = await tx<(MonitorTestRunsRow & { now: Date })[]>`
      insert into public.monitor_test_runs (org_id, server_id, monitor, requested_by)
      values (${org_id}, ${server_id}, ${tx.json(monitor as never)}, ${caller.sub})
      returning *, now() as now`.catch((error: { code?: string; hint?: string }) => {
      if (error.hint === "monitor_test_runs_pending_limit") throw tooMany();
      throw error;
    });
    const created = row as MonitorTestRunsRow & { now: Date };
    return toRun(created, created.now);
  });
  await ctx.sql`
    delete from public.monitor_test_runs
    where server_id = ${server_id}
      and (created_at < now() - make_interval(secs => ${MONITOR_TEST_LIMITS.keepMs / 1000})
           or id not in (select id from public.monitor_test_runs where server_id = ${server_id}
                         order by created_at desc limit ${KEEP_PER_SERVER}))`;
  return run;
}

function tooMany(): AppError {
  return new AppError(
    "CONFLICT",
    `at most ${MONITOR_TEST_LIMITS.maxPendingPerServer} tests may wait for one server's agent; wait for one to finish`,
  );
}
