import type { MaintenanceWindowItem } from "@custos/protocol";
import type { PendingQuery, Row, TransactionSql } from "postgres";
import type { MaintenanceWindowsRow } from "../db/rows.ts";
import { AppError } from "../errors.ts";
import { iso } from "../orgs/access.ts";

export async function selectWindows(
  tx: TransactionSql,
  orgId: string,
  where: PendingQuery<Row[]>,
): Promise<MaintenanceWindowItem[]> {
  const rows = await tx<
    (Pick<
      MaintenanceWindowsRow,
      | "id"
      | "server_id"
      | "monitor_id"
      | "starts_at"
      | "ends_at"
      | "reason"
      | "public_title"
      | "created_by"
      | "created_at"
    > & { created_by_email: string | null; active: boolean })[]
  >`
    select w.id, w.server_id, w.monitor_id, w.starts_at, w.ends_at, w.reason, w.public_title, w.created_by,
           mem.email as created_by_email, w.created_at, (now() >= w.starts_at and now() < w.ends_at) as active
    from public.maintenance_windows w
    left join private.org_members(${orgId}) mem on mem.user_id = w.created_by
    where w.org_id = ${orgId} ${where}
    order by w.starts_at, w.id`;
  return rows.map((w) => ({
    id: w.id,
    server_id: w.server_id,
    monitor_id: w.monitor_id,
    starts_at: iso(w.starts_at),
    ends_at: iso(w.ends_at),
    reason: w.reason,
    public_title: w.public_title,
    created_by: w.created_by ? { id: w.created_by, email: w.created_by_email } : null,
    created_at: iso(w.created_at),
    active: w.active,
  }));
}

export async function readWindow(
  tx: TransactionSql,
  orgId: string,
  windowId: string,
): Promise<MaintenanceWindowItem> {
  const [w] = await selectWindows(tx, orgId, tx`and w.id = ${windowId}`);
  if (!w) throw new AppError("NOT_FOUND", `maintenance window ${windowId} not found`, { field: "window_id" });
  return w;
}
