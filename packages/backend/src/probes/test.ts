import { ProbeTestRequest, type ProbeTestResult } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";
import { fetchProber } from "./fetch-prober.ts";
import { probeOnce } from "./run.ts";

export const TestProbeInput = ProbeTestRequest.extend({ org_id: z.uuid() });
export type TestProbeInput = z.input<typeof TestProbeInput>;

/** Tests one organization may run at once (each waits up to its timeout_ms, 60 s at most). */
export const TESTS_AT_ONCE_PER_ORG = 3;
const running = new Map<string, number>();

/**
 * Runs a probe config once, as the scheduler would (probeOnce, the runtime's prober), and stores
 * nothing: no result, no incident. Members only, like creating the probe it tests, so it reaches
 * no target a member could not already have probed every 10 s; the config's timeout_ms bounds
 * it. The role is checked in a short transaction and the probe runs after it ends, so a slow
 * target holds no database connection. A few at a time per organization (429 beyond), so a
 * script cannot make this process wait on thousands of slow targets at once.
 */
export async function testProbe({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql" | "prober">;
  caller: CallerClaims;
  input: TestProbeInput;
}): Promise<ProbeTestResult> {
  const { org_id, config } = parseInput(TestProbeInput, input);
  await inOrg(ctx, caller, org_id, "member", async () => undefined);
  const now = running.get(org_id) ?? 0;
  if (now >= TESTS_AT_ONCE_PER_ORG) {
    throw new AppError(
      "RATE_LIMITED",
      `at most ${TESTS_AT_ONCE_PER_ORG} probe tests at once; wait for one to end`,
    );
  }
  running.set(org_id, now + 1);
  try {
    const { status, message, observation } = await probeOnce(ctx.prober ?? fetchProber, config);
    return {
      status,
      message,
      latency_ms: observation.reachable ? Math.round(observation.latency_ms * 10) / 10 : null,
      status_code: observation.status_code ?? null,
      tls_days_left: observation.tls_days_left ?? null,
    };
  } finally {
    const left = (running.get(org_id) ?? 1) - 1;
    if (left <= 0) running.delete(org_id);
    else running.set(org_id, left);
  }
}
