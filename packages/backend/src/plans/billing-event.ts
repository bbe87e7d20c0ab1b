import { z } from "zod";
import type { Ctx } from "../context.ts";
import { parseInput } from "../http/body.ts";
import { PlanId, setOrganizationPlan } from "./set-plan.ts";

/** What the billing hook carries: the provider's event id (idempotency), the organization, its plan. */
export const BillingEvent = z.strictObject({
  event_id: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9_.:-]+$/, "letters, digits and _ . : - only"),
  org_id: z.uuid(),
  plan_id: PlanId,
});
export type BillingEvent = z.input<typeof BillingEvent>;

export interface BillingEventResult {
  event_id: string;
  org_id: string;
  plan_id: string;
  previous_plan_id: string | null;
  /** true when this event id had been applied before: nothing changed this time */
  duplicate: boolean;
}

/**
 * Applies one billing event once: the event id and the plan change commit together, so a
 * delivery retried after a 2xx changes nothing, and one that failed (unknown organization or
 * plan: 404 naming it) leaves no trace and may be retried. Decision 0042.
 */
export async function applyBillingEvent({
  ctx,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  input: BillingEvent;
}): Promise<BillingEventResult> {
  const event = parseInput(BillingEvent, input);
  return ctx.sql.begin(async (tx) => {
    const [fresh] = await tx<{ event_id: string }[]>`
      insert into private.billing_events (event_id, org_id, plan_id)
      values (${event.event_id}, ${event.org_id}, ${event.plan_id})
      on conflict (event_id) do nothing
      returning event_id`;
    if (!fresh) {
      const [seen] = await tx<{ org_id: string; plan_id: string; previous_plan_id: string | null }[]>`
        select org_id, plan_id, previous_plan_id from private.billing_events where event_id = ${event.event_id}`;
      return {
        event_id: event.event_id,
        org_id: seen?.org_id ?? event.org_id,
        plan_id: seen?.plan_id ?? event.plan_id,
        previous_plan_id: seen?.previous_plan_id ?? null,
        duplicate: true,
      };
    }
    const set = await setOrganizationPlan({
      ctx: { sql: tx },
      input: { org_id: event.org_id, plan_id: event.plan_id },
    });
    await tx`update private.billing_events set previous_plan_id = ${set.previous_plan_id}
             where event_id = ${event.event_id}`;
    return {
      event_id: event.event_id,
      org_id: set.org_id,
      plan_id: set.plan_id,
      previous_plan_id: set.previous_plan_id,
      duplicate: false,
    };
  }) as Promise<BillingEventResult>;
}
