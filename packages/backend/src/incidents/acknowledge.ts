import { z } from "zod";
import type { Ctx } from "../context.ts";
import { AppError } from "../errors.ts";

export const IncidentActionInput = z.strictObject({ incident_id: z.uuid(), user_id: z.uuid() });
export type IncidentActionInput = z.input<typeof IncidentActionInput>;

/** Acknowledging stops escalation and repeats; pending ones are suppressed by the dispatcher. */
export async function acknowledgeIncident({
  ctx,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  input: IncidentActionInput;
}) {
  const data = IncidentActionInput.parse(input);
  const rows = await ctx.sql<{ id: string; status: string }[]>`
    update public.incidents set status = 'acknowledged', acknowledged_at = now(), acknowledged_by = ${data.user_id}
    where id = ${data.incident_id} and status = 'open'
    returning id, status`;
  if (rows[0]) return rows[0];
  const [existing] = await ctx.sql<
    { status: string }[]
  >`select status from public.incidents where id = ${data.incident_id}`;
  if (!existing)
    throw new AppError("NOT_FOUND", `incident ${data.incident_id} not found`, { field: "incident_id" });
  throw new AppError("CONFLICT", `incident is already ${existing.status}`, { field: "incident_id" });
}
