import { MONITOR_TEST_LIMITS, type MonitorTestClaim, MonitorTestClaimRequest } from "@custos/protocol";
import type { AuthenticatedKey } from "../api-keys/schemas.ts";
import type { Ctx } from "../context.ts";
import { parseInput } from "../http/body.ts";
import { requireAgentServer } from "../monitor-config/agent-server.ts";
import { EXPIRED_UNCLAIMED, EXPIRED_UNREPORTED } from "./run-view.ts";

const CLAIM_SECONDS = MONITOR_TEST_LIMITS.claimWithinMs / 1000;
const RESULT_SECONDS = MONITOR_TEST_LIMITS.resultWithinMs / 1000;

/**
 * POST /agent/monitor-tests/claim: the calling server's waiting tests, oldest first, a few at a
 * time, now `running` (claimed). Runs that waited too long are written down as expired first,
 * with the reason the dashboard already showed (run-view.ts). With service access: a server's
 * own key claims only its server's tests (requireAgentServer, as for the configuration).
 */
export async function claimMonitorTests({
  ctx,
  auth,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  auth: AuthenticatedKey;
  input: MonitorTestClaimRequest;
}): Promise<MonitorTestClaim> {
  const { server_id } = parseInput(MonitorTestClaimRequest, input);
  await requireAgentServer(ctx, auth, server_id);
  await ctx.sql`
    update public.monitor_test_runs set
      status = 'expired', finished_at = now(),
      result = jsonb_build_object('reason', case when status = 'pending'
                                              then ${EXPIRED_UNCLAIMED}::text else ${EXPIRED_UNREPORTED}::text end)
    where server_id = ${server_id} and org_id = ${auth.orgId}
      and ((status = 'pending' and created_at <= now() - make_interval(secs => ${CLAIM_SECONDS}))
           or (status = 'running' and claimed_at <= now() - make_interval(secs => ${RESULT_SECONDS})))`;
  const tests = await ctx.sql<{ id: string; monitor: unknown; created_at: Date }[]>`
    update public.monitor_test_runs set status = 'running', claimed_at = now()
    where id in (
      select id from public.monitor_test_runs
      where server_id = ${server_id} and org_id = ${auth.orgId} and status = 'pending'
        and created_at > now() - make_interval(secs => ${CLAIM_SECONDS})
      order by created_at
      limit ${MONITOR_TEST_LIMITS.maxPerClaim}
      for update skip locked)
    returning id, monitor, created_at`;
  // an UPDATE returns rows in no promised order
  tests.sort((a, b) => a.created_at.getTime() - b.created_at.getTime());
  return { tests: tests.map(({ id, monitor }) => ({ id, monitor })) };
}

/** Whether a test waits for this server's agent (the heartbeat answer's `tests_pending`). */
export async function monitorTestsPending(ctx: Pick<Ctx, "sql">, serverId: string): Promise<boolean> {
  const [row] = await ctx.sql<{ pending: boolean }[]>`
    select exists (
      select 1 from public.monitor_test_runs
      where server_id = ${serverId} and status = 'pending'
        and created_at > now() - make_interval(secs => ${CLAIM_SECONDS})) as pending`;
  return row?.pending === true;
}
