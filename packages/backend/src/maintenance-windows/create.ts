import { CreateMaintenanceWindowRequest, type MaintenanceWindowItem } from "@custos/protocol";
import type { TransactionSql } from "postgres";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import type { MaintenanceWindowsRow } from "../db/rows.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";
import { readWindow } from "./view.ts";

export const CreateWindowInput = z.strictObject({ org_id: z.uuid(), window: CreateMaintenanceWindowRequest });
export type CreateWindowInput = z.input<typeof CreateWindowInput>;

/** A member schedules maintenance for the organization, a server or a monitor (as the caller:
 * "members manage maintenance windows"). */
export async function createMaintenanceWindow({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: CreateWindowInput;
}): Promise<MaintenanceWindowItem> {
  const { org_id, window } = parseInput(CreateWindowInput, input);
  return inOrg(ctx, caller, org_id, "member", async (tx) => {
    await checkTargets(tx, org_id, window.server_id, window.monitor_id);
    const [row] = await tx<Pick<MaintenanceWindowsRow, "id">[]>`
      insert into public.maintenance_windows (org_id, server_id, monitor_id, starts_at, ends_at, reason, public_title,
                                              created_by)
      values (${org_id}, ${window.server_id}, ${window.monitor_id}, ${window.starts_at}, ${window.ends_at},
              ${window.reason}, ${window.public_title}, ${caller.sub})
      returning id`;
    return readWindow(tx, org_id, (row as NonNullable<typeof row>).id);
  });
}

/** The server and monitor must belong to this organization (400 naming the field otherwise). */
async function checkTargets(
  tx: TransactionSql,
  orgId: string,
  serverId: string | null,
  monitorId: string | null,
) {
  if (serverId) {
    const [s] = await tx`select 1 from public.servers where id = ${serverId} and org_id = ${orgId}`;
    if (!s)
      throw new AppError("VALIDATION", "server_id: no such server in this organization", {
        field: "server_id",
      });
  }
  if (monitorId) {
    const [m] = await tx`select 1 from public.monitors where id = ${monitorId} and org_id = ${orgId}`;
    if (!m) {
      throw new AppError("VALIDATION", "monitor_id: no such monitor in this organization", {
        field: "monitor_id",
      });
    }
  }
}
