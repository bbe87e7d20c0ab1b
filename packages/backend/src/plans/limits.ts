import { AppError } from "../errors.ts";

/** An organization's plan as the limit checks read it (public.plans; null = no limit). */
export interface PlanLimits {
  id: string;
  name: string;
  max_servers: number | null;
  max_members: number | null;
  max_probes: number | null;
  /** per channel kind; "*" for kinds not named; absent with no "*" = unlimited; 0 = not in the plan */
  channel_limits: Record<string, number>;
  retention_raw_days: number;
  retention_1m_days: number;
  retention_5m_days: number;
  retention_1h_days: number;
}

/** The most channels of `kind` the plan allows, or null for no limit. */
export function channelLimit(limits: Record<string, number>, kind: string): number | null {
  if (Object.hasOwn(limits, kind)) return limits[kind] ?? null;
  if (Object.hasOwn(limits, "*")) return limits["*"] ?? null;
  return null;
}

/** Which key of channel_limits decides `kind` ("*" when the kind is not named). */
export function channelLimitKey(limits: Record<string, number>, kind: string): string {
  return Object.hasOwn(limits, kind) ? kind : "*";
}

function count(n: number, singular: string, plural: string): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/**
 * The 402 for a creation the plan has no room for. The message names the plan, the limit and the
 * usage, and says what the user can do; `field` names the limit (`plan.max_servers`).
 */
export function planLimitError(
  plan: Pick<PlanLimits, "name">,
  what: { singular: string; plural: string; field: string; remedy: string },
  limit: number,
  used: number,
  usedDetail?: string,
): AppError {
  const message =
    limit === 0
      ? `the ${plan.name} plan does not include ${what.plural}: change the plan`
      : `the ${plan.name} plan allows ${count(limit, what.singular, what.plural)} and this organization has ${used}${usedDetail ? ` (${usedDetail})` : ""}: ${what.remedy} or change the plan`;
  return new AppError("PLAN_LIMIT", message, { field: what.field });
}
