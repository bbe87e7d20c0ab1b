import { z } from "zod";
import type { Ctx } from "../context.ts";
import { ACK_TOKEN_RE, hashAckToken } from "./ack-token.ts";

export const AckLinkInput = z.strictObject({ token: z.string().regex(ACK_TOKEN_RE) });
export type AckLinkInput = z.input<typeof AckLinkInput>;

/**
 * What a link can do or why it cannot. Not AppErrors: the route answers a person with a page
 * for each (and 410 for "expired", which the API's error codes do not have).
 */
export type AckLinkOutcome =
  | { outcome: "ready"; incident: AckLinkIncident }
  | { outcome: "acknowledged"; incident: AckLinkIncident; acknowledged_at: Date; via: string }
  | { outcome: "already_acknowledged"; incident: AckLinkIncident; acknowledged_at: Date | null }
  | { outcome: "resolved"; incident: AckLinkIncident }
  | { outcome: "expired"; incident: AckLinkIncident }
  | { outcome: "invalid" };

export interface AckLinkIncident {
  id: string;
  title: string;
}

interface LinkRow {
  incident_id: string;
  title: string;
  status: "open" | "acknowledged" | "resolved";
  acknowledged_at: Date | null;
  expired: boolean;
}

/** What following the link would do, without doing it (GET: a link preview must not acknowledge). */
export async function viewAckLink({
  ctx,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  input: AckLinkInput;
}): Promise<AckLinkOutcome> {
  const parsed = AckLinkInput.safeParse(input);
  if (!parsed.success) return { outcome: "invalid" };
  const [link] = await ctx.sql<LinkRow[]>`
    select i.id as incident_id, i.title, i.status::text as status, i.acknowledged_at,
           l.expires_at <= now() as expired
    from private.ack_links l join public.incidents i on i.id = l.incident_id
    where l.token_hash = ${await hashAckToken(parsed.data.token)}`;
  if (!link) return { outcome: "invalid" };
  const incident = { id: link.incident_id, title: link.title };
  // the incident's state first: "already resolved" tells more than "expired"
  if (link.status === "resolved") return { outcome: "resolved", incident };
  if (link.status === "acknowledged")
    return { outcome: "already_acknowledged", incident, acknowledged_at: link.acknowledged_at };
  if (link.expired) return { outcome: "expired", incident };
  return { outcome: "ready", incident };
}

/**
 * Acknowledges the link's incident, as the dashboard's acknowledge does (escalations and repeats
 * stop: the engine only escalates open incidents, the dispatcher drops queued ones), recording
 * "link in <channel kind> notification" instead of a user. One statement, so two clicks at once
 * acknowledge once and the other is told it was already done.
 */
export async function acknowledgeByLink({
  ctx,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  input: AckLinkInput;
}): Promise<AckLinkOutcome> {
  const parsed = AckLinkInput.safeParse(input);
  if (!parsed.success) return { outcome: "invalid" };
  const hash = await hashAckToken(parsed.data.token);
  const [done] = await ctx.sql<{ id: string; title: string; acknowledged_at: Date; via: string }[]>`
    with link as (
      select incident_id, channel_kind from private.ack_links
      where token_hash = ${hash} and expires_at > now()
    )
    update public.incidents i
       set status = 'acknowledged', acknowledged_at = now(),
           acknowledged_via = 'link in ' || link.channel_kind::text || ' notification'
      from link
     where i.id = link.incident_id and i.status = 'open'
    returning i.id, i.title, i.acknowledged_at, i.acknowledged_via as via`;
  if (done) {
    return {
      outcome: "acknowledged",
      incident: { id: done.id, title: done.title },
      acknowledged_at: done.acknowledged_at,
      via: done.via,
    };
  }
  return viewAckLink({ ctx, input: parsed.data });
}
