import { limitState, type PlanUsage } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import type { Queryable } from "../db/queryable.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { inOrg } from "../orgs/access.ts";
import { channelLimit, channelLimitKey, type PlanLimits } from "./limits.ts";

export const GetPlanUsageInput = z.strictObject({ org_id: z.uuid() });
export type GetPlanUsageInput = z.input<typeof GetPlanUsageInput>;

/**
 * Any member sees the plan and the usage against it. The counts are read with service access
 * after the membership check: max_members counts pending invitations, which only admins may read
 * row by row, and a count of them reveals no address.
 */
export async function getPlanUsage({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: GetPlanUsageInput;
}): Promise<PlanUsage> {
  const { org_id } = parseInput(GetPlanUsageInput, input);
  await inOrg(ctx, caller, org_id, "viewer", async () => undefined);
  return readPlanUsage(ctx.sql, org_id);
}

/** The organization's plan and usage, with service access (also the operator command's view). */
export async function readPlanUsage(sql: Queryable, orgId: string): Promise<PlanUsage> {
  const [row] = await sql<
    (PlanLimits & {
      servers: number;
      members: number;
      pending: number;
      probes: number;
      channels: Record<string, number>;
      org_raw_days: number;
    })[]
  >`
    select p.id, p.name, p.max_servers, p.max_members, p.max_probes, p.channel_limits,
           p.retention_raw_days, p.retention_1m_days, p.retention_5m_days, p.retention_1h_days,
           o.raw_retention_days as org_raw_days,
           (select count(*)::int from public.servers where org_id = o.id) as servers,
           (select count(*)::int from public.memberships where org_id = o.id) as members,
           (select count(*)::int from public.invitations
            where org_id = o.id and accepted_at is null and expires_at > now()) as pending,
           (select count(*)::int from public.monitors where org_id = o.id and source = 'probe') as probes,
           (select coalesce(jsonb_object_agg(kind, n), '{}') from
              (select kind::text, count(*)::int as n from public.channels where org_id = o.id group by kind) c) as channels
    from public.organizations o join public.plans p on p.id = o.plan_id
    where o.id = ${orgId}`;
  if (!row) throw new AppError("NOT_FOUND", `organization ${orgId} not found`, { field: "org_id" });
  const usage = (field: string, limit: number | null, used: number) => ({
    field,
    limit,
    used,
    state: limitState(limit, used),
  });
  // every kind in use, and every kind the plan names (so "slack: not included" shows too)
  const kinds = [...new Set([...Object.keys(row.channel_limits), ...Object.keys(row.channels)])]
    .filter((kind) => kind !== "*")
    .sort();
  return {
    plan: { id: row.id, name: row.name },
    servers: usage("plan.max_servers", row.max_servers, row.servers),
    members: {
      ...usage("plan.max_members", row.max_members, row.members + row.pending),
      members: row.members,
      pending_invitations: row.pending,
    },
    probes: usage("plan.max_probes", row.max_probes, row.probes),
    channels: kinds.map((kind) => ({
      kind,
      ...usage(
        `plan.channel_limits.${channelLimitKey(row.channel_limits, kind)}`,
        channelLimit(row.channel_limits, kind),
        row.channels[kind] ?? 0,
      ),
    })),
    other_channel_kinds_limit: row.channel_limits["*"] ?? null,
    retention: {
      raw_days: row.retention_raw_days,
      rollup_1m_days: row.retention_1m_days,
      rollup_5m_days: row.retention_5m_days,
      rollup_1h_days: row.retention_1h_days,
      organization_raw_days: row.org_raw_days,
      effective_raw_days: Math.min(row.org_raw_days, row.retention_raw_days),
    },
  };
}
