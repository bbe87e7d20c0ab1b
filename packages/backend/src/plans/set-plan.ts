import { z } from "zod";
import type { Queryable } from "../db/queryable.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";

export const PlanId = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,39}$/, "a plan id: lower-case letters, digits, - and _");

export const SetPlanInput = z.strictObject({ org_id: z.uuid(), plan_id: PlanId });
export type SetPlanInput = z.input<typeof SetPlanInput>;

export interface SetPlanResult {
  org_id: string;
  org_name: string;
  plan_id: string;
  previous_plan_id: string;
  changed: boolean;
}

/**
 * Puts an organization on a plan, with service access (the operator command, the billing hook).
 * Nothing is deleted: usage above the new limits stays and keeps working, and new creations are
 * refused until it is under them (docs/plans.md). Unknown plan or organization: 404 naming it.
 */
export async function setOrganizationPlan({
  ctx,
  input,
}: {
  ctx: { sql: Queryable };
  input: SetPlanInput;
}): Promise<SetPlanResult> {
  const { org_id, plan_id } = parseInput(SetPlanInput, input);
  const [plan] = await ctx.sql`select id from public.plans where id = ${plan_id}`;
  if (!plan) throw new AppError("NOT_FOUND", `no plan "${plan_id}"`, { field: "plan_id" });
  const [row] = await ctx.sql<{ name: string; previous: string }[]>`
    update public.organizations o set plan_id = ${plan_id}
    from (select id, plan_id as previous from public.organizations where id = ${org_id} for update) prev
    where o.id = prev.id
    returning o.name, prev.previous`;
  if (!row) throw new AppError("NOT_FOUND", `organization ${org_id} not found`, { field: "org_id" });
  return {
    org_id,
    org_name: row.name,
    plan_id,
    previous_plan_id: row.previous,
    changed: row.previous !== plan_id,
  };
}

/** Every plan with its limits, for the operator (`custos-server admin plans`). */
export async function listPlans({ ctx }: { ctx: { sql: Queryable } }) {
  return ctx.sql<
    {
      id: string;
      name: string;
      is_default: boolean;
      max_servers: number | null;
      max_members: number | null;
      max_probes: number | null;
      channel_limits: Record<string, number>;
      retention_raw_days: number;
      retention_1m_days: number;
      retention_5m_days: number;
      retention_1h_days: number;
      organizations: number;
    }[]
  >`
    select p.id, p.name, p.is_default, p.max_servers, p.max_members, p.max_probes, p.channel_limits,
           p.retention_raw_days, p.retention_1m_days, p.retention_5m_days, p.retention_1h_days,
           (select count(*)::int from public.organizations o where o.plan_id = p.id) as organizations
    from public.plans p
    order by p.max_servers nulls last, p.id`;
}
