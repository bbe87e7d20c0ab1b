import { type ConfigScopeItem, PutConfigRequest } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import type { MonitorConfigsRow } from "../db/rows.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";
import { configItem } from "./list.ts";

export const PutConfigInput = z.strictObject({ org_id: z.uuid(), entry: PutConfigRequest });
export type PutConfigInput = z.input<typeof PutConfigInput>;

/**
 * An admin replaces one scope's monitors and thresholds as a whole (as the caller: "admins
 * manage monitor configuration"). Every option was checked by the plugin's own schema and no
 * secret is written in clear (PutConfigRequest). An entry with neither is removed.
 */
export async function putMonitorConfig({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: PutConfigInput;
}): Promise<ConfigScopeItem> {
  const { org_id, entry } = parseInput(PutConfigInput, input);
  return inOrg(ctx, caller, org_id, "admin", async (tx) => {
    const tag = entry.scope === "tag" ? entry.tag : null;
    const serverId = entry.scope === "server" ? entry.server_id : null;
    if (serverId) {
      const [server] = await tx`select 1 from public.servers where id = ${serverId} and org_id = ${org_id}`;
      if (!server) {
        throw new AppError("VALIDATION", "server_id: no such server in this organization", {
          field: "server_id",
        });
      }
    }
    await tx`
      delete from public.monitor_configs
      where org_id = ${org_id} and scope = ${entry.scope}
        and tag is not distinct from ${tag} and server_id is not distinct from ${serverId}`;
    if (entry.monitors.length === 0 && entry.thresholds.length === 0) {
      const now = await tx<{ now: Date }[]>`select now()`;
      return configItem({
        scope: entry.scope,
        tag,
        server_id: serverId,
        monitors: [],
        thresholds: [],
        updated_at: (now[0] as { now: Date }).now,
      });
    }
    const [row] = await tx<MonitorConfigsRow[]>`
      insert into public.monitor_configs (org_id, scope, tag, server_id, monitors, thresholds, updated_by)
      values (${org_id}, ${entry.scope}, ${tag}, ${serverId}, ${tx.json(entry.monitors as never)},
              ${tx.json(entry.thresholds as never)}, ${caller.sub})
      returning *`;
    return configItem(row as MonitorConfigsRow);
  });
}
