import { isAgentAckToken, parseAgentAck, verifyAgentAck } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { ApiKeysRow, IncidentsRow } from "../db/rows.ts";
import { ACK_TOKEN_RE, hashAckToken } from "./ack-token.ts";

/** Either kind of link token: the backend's stored one or one an agent signed (@custos/protocol ack-link). */
export const AckLinkInput = z.strictObject({
  token: z.string().refine((token) => ACK_TOKEN_RE.test(token) || isAgentAckToken(token)),
});
export type AckLinkInput = z.input<typeof AckLinkInput>;

/** Whether a path segment has the shape of a link token (the route forwards only those). */
export const isAckLinkToken = (token: string) => ACK_TOKEN_RE.test(token) || isAgentAckToken(token);

/**
 * What a link can do or why it cannot. Not AppErrors: the route answers a person with a page
 * for each (and 410 for "expired", which the API's error codes do not have). "not_received": an
 * agent's link whose incident the backend does not have yet (the agent paged while it could not
 * reach the backend).
 */
export type AckLinkOutcome =
  | { outcome: "ready"; incident: AckLinkIncident }
  | { outcome: "acknowledged"; incident: AckLinkIncident; acknowledged_at: Date; via: string }
  | { outcome: "already_acknowledged"; incident: AckLinkIncident; acknowledged_at: Date | null }
  | { outcome: "resolved"; incident: AckLinkIncident }
  | { outcome: "expired"; incident: AckLinkIncident }
  | { outcome: "not_received"; expired: boolean }
  | { outcome: "invalid" };

export interface AckLinkIncident {
  id: string;
  title: string;
}

type LinkRow = Pick<IncidentsRow, "title" | "status" | "acknowledged_at"> & {
  incident_id: string;
  expired: boolean;
  /** How the incident's acknowledged_via reads when this link acknowledges it. */
  via: string;
};

type Found = LinkRow | { outcome: "invalid" } | { outcome: "not_received"; expired: boolean };

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The incident a backend token was made for (private.ack_links). */
async function findStoredLink(ctx: Pick<Ctx, "sql">, token: string): Promise<Found> {
  const [link] = await ctx.sql<LinkRow[]>`
    select i.id as incident_id, i.title, i.status::text as status, i.acknowledged_at,
           l.expires_at <= now() as expired,
           'link in ' || l.channel_kind::text || ' notification' as via
    from private.ack_links l join public.incidents i on i.id = l.incident_id
    where l.token_hash = ${await hashAckToken(token)}`;
  return link ?? { outcome: "invalid" };
}

/**
 * The incident an agent-signed token names: signed by a live agent key of the org that owns the
 * server, and the agent-check incident of that monitor whose window holds the agent's start (the
 * rule backend-pages.ts uses: both date it from the agent's check timestamps).
 */
async function findAgentLink(ctx: Pick<Ctx, "sql">, token: string): Promise<Found> {
  const signed = parseAgentAck(token);
  if (!signed || !UUID_RE.test(signed.claim.serverId)) return { outcome: "invalid" };
  const { claim } = signed;
  const keys = await ctx.sql<(Pick<ApiKeysRow, "id" | "org_id" | "secret_hash"> & { own: boolean | null })[]>`
    select id, org_id, secret_hash, max_servers = 1 as own from public.api_keys
    where prefix = ${claim.keyPrefix} and revoked_at is null and scope = 'agent'`;
  let signer: (typeof keys)[number] | undefined;
  for (const key of keys) {
    if (await verifyAgentAck(signed, key.secret_hash)) signer = key;
  }
  if (!signer) return { outcome: "invalid" };
  const orgId = signer.org_id;
  // a server's own key signs only for its server
  const ownKeyOf = signer.own ? signer.id : null;
  const expiresAt = new Date(claim.expiresAt).toISOString();
  const [link] = await ctx.sql<LinkRow[]>`
    select i.id as incident_id, i.title, i.status::text as status, i.acknowledged_at,
           ${expiresAt}::timestamptz <= now() as expired,
           ${`link in ${claim.channel} notification from the agent`} as via
    from public.monitors m
    join public.incidents i on i.org_id = m.org_id and i.monitor_id = m.id and i.kind = 'agent_check'
      and ${new Date(claim.startedAt).toISOString()}::timestamptz >= i.started_at - interval '1 second'
      and ${new Date(claim.startedAt).toISOString()}::timestamptz <= coalesce(i.resolved_at, now())
    where m.org_id = ${orgId} and m.server_id = ${claim.serverId} and m.name = ${claim.monitor}
      and (${ownKeyOf}::uuid is null or exists (
        select 1 from public.servers s where s.id = m.server_id and s.registered_with_key = ${ownKeyOf}::uuid))
    order by i.started_at desc
    limit 1`;
  return link ?? { outcome: "not_received", expired: claim.expiresAt <= Date.now() };
}

async function findLink(ctx: Pick<Ctx, "sql">, input: AckLinkInput): Promise<Found> {
  const parsed = AckLinkInput.safeParse(input);
  if (!parsed.success) return { outcome: "invalid" };
  const { token } = parsed.data;
  return ACK_TOKEN_RE.test(token) ? findStoredLink(ctx, token) : findAgentLink(ctx, token);
}

function outcomeOf(link: Found): AckLinkOutcome {
  if ("outcome" in link) return link;
  const incident = { id: link.incident_id, title: link.title };
  // the incident's state first: "already resolved" tells more than "expired"
  if (link.status === "resolved") return { outcome: "resolved", incident };
  if (link.status === "acknowledged")
    return { outcome: "already_acknowledged", incident, acknowledged_at: link.acknowledged_at };
  if (link.expired) return { outcome: "expired", incident };
  return { outcome: "ready", incident };
}

/** What following the link would do, without doing it (GET: a link preview must not acknowledge). */
export async function viewAckLink({
  ctx,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  input: AckLinkInput;
}): Promise<AckLinkOutcome> {
  return outcomeOf(await findLink(ctx, input));
}

/**
 * Acknowledges the link's incident, as the dashboard's acknowledge does (escalations and repeats
 * stop: the engine only escalates open incidents, the dispatcher drops queued ones), recording
 * "link in <channel kind> notification" instead of a user. The update only takes an open
 * incident, so two clicks at once acknowledge once and the other is told it was already done.
 */
export async function acknowledgeByLink({
  ctx,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  input: AckLinkInput;
}): Promise<AckLinkOutcome> {
  const link = await findLink(ctx, input);
  const before = outcomeOf(link);
  if (before.outcome !== "ready" || "outcome" in link) return before;
  const [done] = await ctx.sql<
    (Pick<IncidentsRow, "id" | "title"> & { acknowledged_at: Date; via: string })[]
  >`
    update public.incidents
       set status = 'acknowledged', acknowledged_at = now(), acknowledged_via = ${link.via}
     where id = ${link.incident_id} and status = 'open'
    returning id, title, acknowledged_at, acknowledged_via as via`;
  if (!done) return viewAckLink({ ctx, input });
  return {
    outcome: "acknowledged",
    incident: { id: done.id, title: done.title },
    acknowledged_at: done.acknowledged_at,
    via: done.via,
  };
}
