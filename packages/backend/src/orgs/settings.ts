import type { OrgRole, OrgSettings } from "@custos/protocol";
import type { TransactionSql } from "postgres";
import type { OrganizationsRow } from "../db/rows.ts";
import { AppError } from "../errors.ts";
import { iso } from "./access.ts";

type OrgRow = Pick<
  OrganizationsRow,
  | "id"
  | "name"
  | "require_server_approval"
  | "raw_retention_days"
  | "flap_threshold"
  | "flap_window_minutes"
  | "agent_dedup_seconds"
  | "default_heartbeat_timeout_seconds"
  | "created_at"
>;

/** An organization's settings as the caller sees them (RLS: members only). */
export async function readOrgSettings(
  tx: TransactionSql,
  orgId: string,
  role: OrgRole,
): Promise<OrgSettings> {
  const [row] = await tx<OrgRow[]>`
    select id, name, require_server_approval, raw_retention_days, flap_threshold, flap_window_minutes,
           agent_dedup_seconds, default_heartbeat_timeout_seconds, created_at
    from public.organizations where id = ${orgId}`;
  if (!row) throw new AppError("NOT_FOUND", `organization ${orgId} not found`, { field: "org_id" });
  return { ...row, role, created_at: iso(row.created_at) };
}
