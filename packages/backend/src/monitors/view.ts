import type { MonitorPage } from "@custos/protocol";
import type { Queryable } from "../db/queryable.ts";
import type { MonitorsRow } from "../db/rows.ts";
import { AppError } from "../errors.ts";
import { iso, isoOrNull } from "../orgs/access.ts";

export type MonitorRow = Pick<
  MonitorsRow,
  | "id"
  | "org_id"
  | "server_id"
  | "source"
  | "name"
  | "type"
  | "enabled"
  | "state"
  | "last_status"
  | "last_checked_at"
  | "interval_seconds"
  | "failures_to_open"
  | "successes_to_resolve"
  | "created_at"
> & { config: Record<string, unknown> | null; server_name: string | null };

/**
 * One monitor (a probe or an agent monitor) of the organization, or NOT_FOUND naming
 * `monitor_id`: another organization's id reads as absent (RLS and the org filter).
 */
export async function readMonitor(tx: Queryable, orgId: string, monitorId: string): Promise<MonitorRow> {
  const [row] = await tx<MonitorRow[]>`
    select m.id, m.org_id, m.server_id, m.source, m.name, m.type, m.enabled, m.state, m.last_status,
           m.last_checked_at, m.interval_seconds, m.failures_to_open, m.successes_to_resolve, m.created_at,
           m.config, s.name as server_name
    from public.monitors m
    left join public.servers s on s.id = m.server_id
    where m.id = ${monitorId} and m.org_id = ${orgId}`;
  if (!row) throw new AppError("NOT_FOUND", `monitor ${monitorId} not found`, { field: "monitor_id" });
  return row;
}

/**
 * The monitor as its page shows it. An agent monitor's config stays out: it is the agent's
 * (it may hold connection strings), and the agent's own file is where it is edited.
 */
export function toMonitorInfo(m: MonitorRow): MonitorPage["monitor"] {
  const probe = m.source === "probe";
  return {
    id: m.id,
    name: m.name,
    type: m.type,
    source: m.source,
    enabled: m.enabled,
    state: m.state,
    last_status: m.last_status,
    last_checked_at: isoOrNull(m.last_checked_at),
    server: m.server_id && m.server_name !== null ? { id: m.server_id, name: m.server_name } : null,
    interval_seconds: probe ? (m.interval_seconds ?? 60) : null,
    failures_to_open: m.failures_to_open,
    successes_to_resolve: m.successes_to_resolve,
    config: probe ? (m.config ?? {}) : null,
    created_at: iso(m.created_at),
  };
}
