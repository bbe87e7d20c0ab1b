import type { ProbeItem } from "@custos/protocol";
import type { PendingQuery, Row } from "postgres";
import type { Queryable } from "../db/queryable.ts";
import type { MonitorsRow } from "../db/rows.ts";
import { AppError } from "../errors.ts";
import { iso, isoOrNull } from "../orgs/access.ts";

export async function selectProbes(
  tx: Queryable,
  orgId: string,
  where: PendingQuery<Row[]>,
): Promise<ProbeItem[]> {
  const rows = await tx<
    (Pick<
      MonitorsRow,
      | "id"
      | "name"
      | "type"
      | "interval_seconds"
      | "failures_to_open"
      | "successes_to_resolve"
      | "enabled"
      | "state"
      | "last_status"
      | "last_checked_at"
      | "created_at"
    > & { config: Record<string, unknown> })[]
  >`
    select id, name, type, config, interval_seconds, failures_to_open, successes_to_resolve, enabled, state,
           last_status, last_checked_at, created_at
    from public.monitors m
    where m.org_id = ${orgId} and m.source = 'probe' ${where}
    order by lower(m.name), m.id`;
  return rows.map((p) => ({
    id: p.id,
    name: p.name,
    kind: p.type,
    config: p.config ?? {},
    interval_seconds: p.interval_seconds ?? 60,
    failures_to_open: p.failures_to_open,
    successes_to_resolve: p.successes_to_resolve,
    enabled: p.enabled,
    state: p.state,
    last_status: p.last_status,
    last_checked_at: isoOrNull(p.last_checked_at),
    created_at: iso(p.created_at),
  }));
}

export async function readProbe(tx: Queryable, orgId: string, probeId: string): Promise<ProbeItem> {
  const [probe] = await selectProbes(tx, orgId, tx`and m.id = ${probeId}`);
  if (!probe) throw new AppError("NOT_FOUND", `probe ${probeId} not found`, { field: "probe_id" });
  return probe;
}
