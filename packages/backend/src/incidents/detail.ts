import type { IncidentDetail, NotificationChannelKind, TimelineEntry } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import type { NotificationOutboxRow } from "../db/rows.ts";
import { AppError } from "../errors.ts";
import { parseInput } from "../http/body.ts";
import { inOrg, iso, isoOrNull } from "../orgs/access.ts";
import { selectNotes } from "./notes.ts";
import { selectIncidents } from "./view.ts";

export const GetIncidentInput = z.strictObject({ org_id: z.uuid(), incident_id: z.uuid() });
export type GetIncidentInput = z.input<typeof GetIncidentInput>;

/**
 * One incident and its timeline: opened, every notification (where, which event, delivered /
 * suppressed with the reason / dead with the error / still pending), acknowledged by whom,
 * resolved (by whom, or automatically) with the outage's duration, and members' notes among them.
 */
export async function getIncident({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: GetIncidentInput;
}): Promise<IncidentDetail> {
  const { org_id, incident_id } = parseInput(GetIncidentInput, input);
  return inOrg(ctx, caller, org_id, "viewer", async (tx) => {
    const [incident] = await selectIncidents(tx, org_id, tx`and i.id = ${incident_id}`, 1);
    if (!incident)
      throw new AppError("NOT_FOUND", `incident ${incident_id} not found`, { field: "incident_id" });
    const notifications = await tx<
      (Pick<
        NotificationOutboxRow,
        "created_at" | "event" | "status" | "suppressed_reason" | "last_error" | "attempts" | "delivered_at"
      > & {
        channel_id: string | null;
        channel_name: string | null;
        channel_kind: NotificationChannelKind | null;
      })[]
    >`
      select o.created_at, c.id as channel_id, c.name as channel_name, c.kind as channel_kind, o.event,
             o.status, o.suppressed_reason, o.last_error, o.attempts, o.delivered_at
      from public.notification_outbox o
      left join public.channels c on c.id = o.channel_id
      where o.incident_id = ${incident_id} and o.org_id = ${org_id}
      order by o.created_at, o.id`;
    const timeline: TimelineEntry[] = [
      { type: "opened", at: incident.opened_at, started_at: incident.started_at, cause: incident.cause },
      ...notifications.map(
        (n): TimelineEntry => ({
          type: "notification",
          at: iso(n.created_at),
          channel:
            n.channel_id && n.channel_kind
              ? { id: n.channel_id, name: n.channel_name ?? "", kind: n.channel_kind }
              : null,
          event: n.event,
          status: n.status,
          reason: n.suppressed_reason,
          error: n.last_error,
          attempts: n.attempts,
          delivered_at: isoOrNull(n.delivered_at),
        }),
      ),
    ];
    timeline.push(...(await selectNotes(tx, org_id, incident_id)));
    if (incident.acknowledged_at) {
      timeline.push({
        type: "acknowledged",
        at: incident.acknowledged_at,
        by: incident.acknowledged_by,
        via: incident.acknowledged_via,
      });
    }
    if (incident.resolved_at) {
      timeline.push({
        type: "resolved",
        at: incident.resolved_at,
        by: incident.resolved_by,
        duration_seconds: incident.duration_seconds,
      });
    }
    // stable by time; entries at the same instant keep the order above (opened first)
    const order = timeline.map((entry, i) => ({ entry, i, t: Date.parse(entry.at) }));
    order.sort((a, b) => a.t - b.t || a.i - b.i);
    return { incident, timeline: order.map((o) => o.entry) };
  });
}
