import type { IncidentItem } from "@custos/protocol";
import type { PendingQuery, Row, TransactionSql } from "postgres";
import type { IncidentsRow } from "../db/rows.ts";
import { AppError } from "../errors.ts";
import { iso, isoOrNull } from "../orgs/access.ts";

type IncidentRow = Pick<
  IncidentsRow,
  | "id"
  | "title"
  | "status"
  | "severity"
  | "kind"
  | "cause"
  | "flapping"
  | "server_id"
  | "monitor_id"
  | "started_at"
  | "opened_at"
  | "acknowledged_at"
  | "acknowledged_by"
  | "acknowledged_via"
  | "resolved_at"
  | "resolved_by"
> & {
  server_name: string | null;
  monitor_name: string | null;
  acknowledged_email: string | null;
  resolved_email: string | null;
  now: Date;
};

/**
 * Incidents of one organization as the caller sees them, newest first, with server/monitor
 * names and who acknowledged/resolved (emails of co-members only). `where` narrows further.
 */
export async function selectIncidents(
  tx: TransactionSql,
  orgId: string,
  where: PendingQuery<Row[]>,
  limit = 100,
): Promise<IncidentItem[]> {
  const rows = await tx<IncidentRow[]>`
    with mem as (select user_id, email from private.org_members(${orgId}))
    select i.id, i.title, i.status, i.severity, i.kind, i.cause, i.flapping,
           i.server_id, s.name as server_name, i.monitor_id, m.name as monitor_name,
           i.started_at, i.opened_at, i.acknowledged_at, i.acknowledged_by, ab.email as acknowledged_email,
           i.acknowledged_via,
           i.resolved_at, i.resolved_by, rb.email as resolved_email, now() as now
    from public.incidents i
    left join public.servers s on s.id = i.server_id
    left join public.monitors m on m.id = i.monitor_id
    left join mem ab on ab.user_id = i.acknowledged_by
    left join mem rb on rb.user_id = i.resolved_by
    where i.org_id = ${orgId} ${where}
    order by i.opened_at desc, i.id desc
    limit ${limit}`;
  return rows.map(toIncidentItem);
}

/** 404 unless the incident is one of the organization's and the caller can see it. */
export async function assertIncidentVisible(
  tx: TransactionSql,
  orgId: string,
  incidentId: string,
): Promise<void> {
  const [visible] = await tx`select 1 from public.incidents where id = ${incidentId} and org_id = ${orgId}`;
  if (!visible) throw new AppError("NOT_FOUND", `incident ${incidentId} not found`, { field: "incident_id" });
}

/** One incident as the list shows it, read after an action changed it. */
export async function readIncident(
  tx: TransactionSql,
  orgId: string,
  incidentId: string,
): Promise<IncidentItem> {
  const [item] = await selectIncidents(tx, orgId, tx`and i.id = ${incidentId}`, 1);
  return item as IncidentItem;
}

export function toIncidentItem(r: IncidentRow): IncidentItem {
  const end = r.resolved_at ?? r.now;
  return {
    id: r.id,
    title: r.title,
    status: r.status,
    severity: r.severity,
    kind: r.kind,
    cause: r.cause,
    flapping: r.flapping,
    server: r.server_id ? { id: r.server_id, name: r.server_name ?? "" } : null,
    monitor: r.monitor_id ? { id: r.monitor_id, name: r.monitor_name ?? "" } : null,
    started_at: iso(r.started_at),
    opened_at: iso(r.opened_at),
    acknowledged_at: isoOrNull(r.acknowledged_at),
    acknowledged_by: r.acknowledged_by ? { id: r.acknowledged_by, email: r.acknowledged_email } : null,
    acknowledged_via: r.acknowledged_via,
    resolved_at: isoOrNull(r.resolved_at),
    resolved_by: r.resolved_by ? { id: r.resolved_by, email: r.resolved_email } : null,
    duration_seconds: Math.max(0, Math.round((end.getTime() - r.started_at.getTime()) / 1000)),
  };
}
