import { MONITOR_TEST_LIMITS, MonitorTestReport } from "@custos/protocol";
import { z } from "zod";
import type { AuthenticatedKey } from "../api-keys/schemas.ts";
import type { Ctx } from "../context.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { requireAgentServer } from "../monitor-config/agent-server.ts";

export const ReportMonitorTestInput = MonitorTestReport.extend({ test_id: z.uuid() });
export type ReportMonitorTestInput = z.input<typeof ReportMonitorTestInput>;

const RESULT_SECONDS = MONITOR_TEST_LIMITS.resultWithinMs / 1000;

/**
 * POST /agent/monitor-tests/:test_id/result: what one run found. Only a test this server claimed
 * and has not reported yet takes it (within 2 minutes of the claim); anything else is 404, which
 * the agent does not send again. `refused` and `failed` end the run `failed`, anything else
 * `done`. The outcome is stored on the run only: no check result, no incident, no alert.
 */
export async function reportMonitorTest({
  ctx,
  auth,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  auth: AuthenticatedKey;
  input: ReportMonitorTestInput;
}): Promise<{ ok: true }> {
  const { test_id, server_id, outcome } = parseInput(ReportMonitorTestInput, input);
  await requireAgentServer(ctx, auth, server_id);
  const failed = outcome.status === "refused" || outcome.status === "failed";
  const rows = await ctx.sql`
    update public.monitor_test_runs set
      status = ${failed ? "failed" : "done"}, result = ${ctx.sql.json(outcome as never)}, finished_at = now()
    where id = ${test_id} and server_id = ${server_id} and org_id = ${auth.orgId} and status = 'running'
      and claimed_at > now() - make_interval(secs => ${RESULT_SECONDS})
    returning id`;
  if (rows.length === 0) {
    throw new AppError("NOT_FOUND", `no running test ${test_id} for this server (expired or reported)`, {
      field: "test_id",
    });
  }
  return { ok: true };
}
