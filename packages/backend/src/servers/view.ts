import type { ServerInfo, ServerState } from "@custos/protocol";
import type { Queryable } from "../db/queryable.ts";
import type { ServersRow } from "../db/rows.ts";
import { AppError } from "../errors.ts";
import { iso, isoOrNull } from "../orgs/access.ts";

/** The columns every view of a server shows, the list's and the detail's. */
export type ServerSummaryColumns = Pick<
  ServersRow,
  | "id"
  | "name"
  | "hostname"
  | "status"
  | "approval"
  | "agent_version"
  | "os"
  | "arch"
  | "heartbeat_timeout_seconds"
>;

export type ServerRow = ServerSummaryColumns &
  Pick<
    ServersRow,
    | "last_heartbeat_at"
    | "clock_skew_ms"
    | "heartbeat_timeout_override_seconds"
    | "heartbeat_interval_seconds"
    | "public_endpoint"
    | "data_loss_reported_at"
    | "created_at"
    | "updated_at"
  > & {
    // bigint columns read as float8 (readServer): numbers, not postgres.js's strings
    dropped_samples_total: number;
    rejected_items_total: number;
  };

/** The dashboard's state: waiting for approval wins over the sweep's up/down/unknown. */
export function serverState(row: Pick<ServersRow, "status" | "approval">): ServerState {
  return row.approval === "pending" ? "pending" : row.status;
}

export function toServerInfo(row: ServerRow): ServerInfo {
  return {
    id: row.id,
    name: row.name,
    hostname: row.hostname,
    status: serverState(row),
    approval: row.approval,
    agent_version: row.agent_version,
    os: row.os,
    arch: row.arch,
    last_heartbeat_at: isoOrNull(row.last_heartbeat_at),
    clock_skew_ms: row.clock_skew_ms,
    heartbeat_timeout_seconds: row.heartbeat_timeout_seconds,
    heartbeat_timeout_override_seconds: row.heartbeat_timeout_override_seconds,
    heartbeat_interval_seconds: row.heartbeat_interval_seconds,
    public_endpoint: row.public_endpoint,
    dropped_samples_total: row.dropped_samples_total,
    rejected_items_total: row.rejected_items_total,
    data_loss_reported_at: isoOrNull(row.data_loss_reported_at),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

/** One server of the organization as the caller sees it; 404 when RLS or the org filter hides it. */
export async function readServer(tx: Queryable, orgId: string, serverId: string): Promise<ServerRow> {
  const [row] = await tx<ServerRow[]>`
    select id, name, hostname, status, approval, agent_version, os, arch, last_heartbeat_at, clock_skew_ms,
           heartbeat_timeout_seconds, heartbeat_timeout_override_seconds, heartbeat_interval_seconds,
           public_endpoint, created_at, updated_at,
           -- bigint (a string in postgres.js); the heartbeat keeps them below 2^53
           dropped_samples_total::float8 as dropped_samples_total,
           rejected_items_total::float8 as rejected_items_total, data_loss_reported_at
    from public.servers where id = ${serverId} and org_id = ${orgId}`;
  if (!row) throw new AppError("NOT_FOUND", `server ${serverId} not found`, { field: "server_id" });
  return row;
}
