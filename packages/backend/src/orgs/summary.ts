import type { OrgSummary } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import type { IncidentsRow, OrganizationsRow } from "../db/rows.ts";
import { parseInput } from "../http/body.ts";
import { readScheduleStaleness } from "../jobs/staleness.ts";
import { inOrg, iso } from "./access.ts";

export const OrgSummaryInput = z.strictObject({ org_id: z.uuid() });
export type OrgSummaryInput = z.input<typeof OrgSummaryInput>;

/**
 * The phone's glance: server counts by state, the newest active incidents, and whether alerting's
 * schedule runs (the dashboard's banner). Three small queries; the schedule's is read with the
 * backend's own connection once membership is checked (private.job_state is no caller's to read)
 * and left out when it fails, as by a backend that predates it.
 */
export async function getOrgSummary({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql"> & Partial<Pick<Ctx, "config" | "log">>;
  caller: CallerClaims;
  input: OrgSummaryInput;
}): Promise<OrgSummary> {
  const { org_id } = parseInput(OrgSummaryInput, input);
  const summary = await orgGlance(ctx, caller, org_id);
  try {
    return { ...summary, schedule: await readScheduleStaleness({ ctx }) };
  } catch (error) {
    ctx.log?.warn("summary: the schedule's state could not be read", {
      error: error instanceof Error ? error.message : String(error),
    });
    return summary;
  }
}

function orgGlance(ctx: Pick<Ctx, "sql">, caller: CallerClaims, org_id: string): Promise<OrgSummary> {
  return inOrg(ctx, caller, org_id, "viewer", async (tx) => {
    const [counts] = await tx<
      (Pick<OrganizationsRow, "name"> & {
        now: Date;
        total: number;
        up: number;
        down: number;
        pending: number;
        unknown: number;
        active: number;
        unacknowledged: number;
      })[]
    >`
      select o.name, now() as now, c.*, i.*
      from public.organizations o,
      lateral (
        select count(*)::int as total,
               count(*) filter (where s.approval = 'approved' and s.status = 'up')::int as up,
               count(*) filter (where s.approval = 'approved' and s.status = 'down')::int as down,
               count(*) filter (where s.approval = 'pending')::int as pending,
               count(*) filter (where s.approval = 'approved' and s.status = 'unknown')::int as unknown
        from public.servers s where s.org_id = o.id
      ) c,
      lateral (
        select count(*)::int as active, count(*) filter (where i.status = 'open')::int as unacknowledged
        from public.incidents i where i.org_id = o.id and i.resolved_at is null
      ) i
      where o.id = ${org_id}`;
    const top = await tx<
      (Pick<IncidentsRow, "id" | "title" | "status" | "severity" | "started_at"> & {
        server_name: string | null;
      })[]
    >`
      select i.id, i.title, i.status, i.severity, i.started_at, s.name as server_name
      from public.incidents i left join public.servers s on s.id = i.server_id
      where i.org_id = ${org_id} and i.resolved_at is null
      order by i.opened_at desc limit 5`;
    const c = counts as NonNullable<typeof counts>;
    return {
      org: { id: org_id, name: c.name },
      generated_at: iso(c.now),
      servers: { total: c.total, up: c.up, down: c.down, pending: c.pending, unknown: c.unknown },
      incidents: {
        active: c.active,
        unacknowledged: c.unacknowledged,
        top: top.map((t) => ({
          id: t.id,
          title: t.title,
          status: t.status,
          severity: t.severity,
          since: iso(t.started_at),
          server_name: t.server_name,
        })),
      },
    };
  });
}
