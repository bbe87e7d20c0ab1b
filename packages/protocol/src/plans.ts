import { z } from "zod";

/**
 * An organization's plan and its usage against it (GET /v1/orgs/:org_id/plan; docs/plans.md).
 * Plans are rows an operator edits (public.plans), so the dashboard shows what they say rather
 * than a copy of the tiers.
 */

/** One limit and its usage, ready to show: null `limit` = no limit. */
export const PlanLimitUsage = z.object({
  /** The limit's field as a 402 PLAN_LIMIT names it: `plan.max_servers`, `plan.channel_limits.sms`. */
  field: z.string(),
  limit: z.number().int().nullable(),
  used: z.number().int(),
  /**
   * under | at_limit (new ones are refused) | over_limit (a downgrade left more than allowed:
   * everything keeps working, new ones are refused) | not_included (limit 0, none in use).
   */
  state: z.enum(["unlimited", "under", "at_limit", "over_limit", "not_included"]),
});
export type PlanLimitUsage = z.infer<typeof PlanLimitUsage>;

export const PlanUsage = z.object({
  plan: z.object({ id: z.string(), name: z.string() }),
  servers: PlanLimitUsage,
  /** members and pending invitations together, as max_members counts them */
  members: PlanLimitUsage.extend({ members: z.number().int(), pending_invitations: z.number().int() }),
  probes: PlanLimitUsage,
  /** per channel kind the organization uses or the plan names */
  channels: z.array(PlanLimitUsage.extend({ kind: z.string() })),
  /** the limit for each kind not listed (the plan's "*"; null = no limit) */
  other_channel_kinds_limit: z.number().int().nullable(),
  /** days each resolution is kept under the plan */
  retention: z.object({
    raw_days: z.number().int(),
    rollup_1m_days: z.number().int(),
    rollup_5m_days: z.number().int(),
    rollup_1h_days: z.number().int(),
    /** the organization's own setting and what applies (the smaller of it and the plan's) */
    organization_raw_days: z.number().int(),
    effective_raw_days: z.number().int(),
  }),
});
export type PlanUsage = z.infer<typeof PlanUsage>;

/** How a limit and its usage compare. */
export function limitState(limit: number | null, used: number): PlanLimitUsage["state"] {
  if (limit === null) return "unlimited";
  if (used > limit) return "over_limit";
  if (limit === 0) return "not_included";
  return used === limit ? "at_limit" : "under";
}
