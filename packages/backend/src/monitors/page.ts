import type { MonitorPage } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";
import { selectBars } from "./bars.ts";
import { selectUptime } from "./uptime.ts";
import { readMonitor, toMonitorInfo } from "./view.ts";

export const MonitorInput = z.strictObject({ org_id: z.uuid(), monitor_id: z.uuid() });
export type MonitorInput = z.input<typeof MonitorInput>;

/** A probe's or an agent monitor's page: what it is, uptime over 24 h to 365 d, status bars. */
export async function getMonitorPage({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: MonitorInput;
}): Promise<MonitorPage> {
  const { org_id, monitor_id } = parseInput(MonitorInput, input);
  return inOrg(ctx, caller, org_id, "viewer", async (tx) => {
    const monitor = await readMonitor(tx, org_id, monitor_id);
    // sent together: postgres.js pipelines a transaction's queries that are not awaited in turn
    const [uptime, bars] = await Promise.all([selectUptime(tx, monitor), selectBars(tx, monitor)]);
    return { monitor: toMonitorInfo(monitor), uptime, ...bars };
  });
}
