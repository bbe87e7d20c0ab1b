import type { MonitorTestRun } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import type { MonitorTestRunsRow } from "../db/rows.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";
import { toRun } from "./run-view.ts";

export const MonitorTestInput = z.strictObject({ org_id: z.uuid(), test_id: z.uuid() });
export type MonitorTestInput = z.input<typeof MonitorTestInput>;

/** One test run, for every member of its organization (RLS); another organization's is 404. */
export async function viewMonitorTest({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: MonitorTestInput;
}): Promise<MonitorTestRun> {
  const { org_id, test_id } = parseInput(MonitorTestInput, input);
  return inOrg(ctx, caller, org_id, "viewer", async (tx) => {
    const [row] = await tx<(MonitorTestRunsRow & { now: Date })[]>`
      select *, now() as now from public.monitor_test_runs where id = ${test_id} and org_id = ${org_id}`;
    if (!row) throw new AppError("NOT_FOUND", `monitor test ${test_id} not found`, { field: "test_id" });
    return toRun(row, row.now);
  });
}
