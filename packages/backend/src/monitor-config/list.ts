import type { CentralMonitor, CentralThreshold, ConfigScopeItem, ConfigScopeList } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import type { MonitorConfigsRow } from "../db/rows.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";

export const ListConfigInput = z.strictObject({ org_id: z.uuid() });
export type ListConfigInput = z.input<typeof ListConfigInput>;

export function configItem(
  row: Pick<MonitorConfigsRow, "scope" | "tag" | "server_id" | "monitors" | "thresholds" | "updated_at">,
): ConfigScopeItem {
  return {
    scope: row.scope,
    tag: row.tag,
    server_id: row.server_id,
    monitors: row.monitors as CentralMonitor[],
    thresholds: row.thresholds as CentralThreshold[],
    updated_at: row.updated_at.toISOString(),
  };
}

/** Every scope's entry of the organization (any member reads: entries hold no secrets). */
export async function listMonitorConfig({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: ListConfigInput;
}): Promise<ConfigScopeList> {
  const { org_id } = parseInput(ListConfigInput, input);
  return inOrg(ctx, caller, org_id, "viewer", async (tx) => {
    const rows = await tx<MonitorConfigsRow[]>`
      select * from public.monitor_configs where org_id = ${org_id}
      order by case scope when 'org' then 0 when 'tag' then 1 else 2 end, tag, server_id`;
    return { entries: rows.map(configItem) };
  });
}
