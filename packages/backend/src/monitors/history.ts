import {
  type MonitorResults,
  MonitorResultsQuery,
  type ResponseTimes,
  ResponseTimesQuery,
} from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";
import { selectResponseTimes } from "./response-times.ts";
import { selectResults } from "./results.ts";
import { readMonitor } from "./view.ts";

export const ResponseTimesInput = z.strictObject({
  org_id: z.uuid(),
  monitor_id: z.uuid(),
  query: ResponseTimesQuery,
});
export type ResponseTimesInput = z.input<typeof ResponseTimesInput>;

/** A monitor's response-time chart (viewer). */
export async function getResponseTimes({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: ResponseTimesInput;
}): Promise<ResponseTimes> {
  const { org_id, monitor_id, query } = parseInput(ResponseTimesInput, input);
  return inOrg(ctx, caller, org_id, "viewer", async (tx) => {
    const monitor = await readMonitor(tx, org_id, monitor_id);
    return selectResponseTimes(tx, monitor.id, query);
  });
}

export const MonitorResultsInput = z.strictObject({
  org_id: z.uuid(),
  monitor_id: z.uuid(),
  query: MonitorResultsQuery,
});
export type MonitorResultsInput = z.input<typeof MonitorResultsInput>;

/** A page of a monitor's result history with messages (viewer). */
export async function listMonitorResults({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: MonitorResultsInput;
}): Promise<MonitorResults> {
  const { org_id, monitor_id, query } = parseInput(MonitorResultsInput, input);
  return inOrg(ctx, caller, org_id, "viewer", async (tx) => {
    const monitor = await readMonitor(tx, org_id, monitor_id);
    return selectResults(tx, monitor.id, query);
  });
}
