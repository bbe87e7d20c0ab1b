import type { Ctx } from "../context.ts";
import { AppError } from "../errors.ts";
import { IncidentActionInput } from "./acknowledge.ts";

/** Resolves by hand (e.g. a decommissioned server); queues "restored" like an automatic one. */
export async function resolveIncident({ ctx, input }: { ctx: Pick<Ctx, "sql">; input: IncidentActionInput }) {
  const data = IncidentActionInput.parse(input);
  return ctx.sql.begin(async (tx) => {
    const [row] = await tx<{ id: string; subject_key: string; resolved_at: Date | null }[]>`
      select id, subject_key, resolved_at from public.incidents where id = ${data.incident_id} for update`;
    if (!row)
      throw new AppError("NOT_FOUND", `incident ${data.incident_id} not found`, { field: "incident_id" });
    if (row.resolved_at)
      throw new AppError("CONFLICT", "incident is already resolved", { field: "incident_id" });
    await tx`select private.resolve_subject(${row.subject_key}, ${data.user_id})`;
    await tx`select private.enqueue_notifications(${row.id}, 'restored')`;
    return { id: row.id, status: "resolved" as const };
  }) as Promise<{ id: string; status: "resolved" }>;
}
