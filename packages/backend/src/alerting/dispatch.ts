import { channelDestinationKeys } from "../channels/destination-keys.ts";
import type { Ctx } from "../context.ts";
import type { ChannelKind, IncidentStatus, NotificationOutboxRow, OutboxStatus } from "../db/rows.ts";
import { PAGING_EVENTS } from "../incidents/ack-token.ts";
import { createAckLink } from "../incidents/create-ack-link.ts";
import { ackLinkBase, dashboardLinkBase } from "../links.ts";
import { type Channel, DeliveryError } from "../notify/types.ts";
import { buildMessage, type OutboxContext } from "./message.ts";

/** id: a bigint, so a string (postgres.js); create-ack-link takes it as one. */
interface Claimed extends OutboxContext, Pick<NotificationOutboxRow, "id" | "attempts" | "channel_id"> {
  channel_kind: ChannelKind;
  channel_name: string;
  channel_config: Record<string, unknown>;
  channel_secret: Record<string, unknown> | null;
  incident_status: IncidentStatus | null;
  /** Destinations the agent itself paged for this incident and event (destinations.ts keys). */
  agent_destinations: string[];
  /** for restored: status of the down (or flapping) notice on the same channel */
  down_status: OutboxStatus | null;
}

export interface DispatchResult {
  delivered: number;
  retried: number;
  dead: number;
  suppressed: number;
}

/**
 * Delivers due outbox rows. Rows are claimed with `for update skip locked`, so several
 * dispatchers never send one row twice; a row stuck in `sending` (process died mid-delivery) is
 * released after `claimTimeoutMs`. A failure is retried with exponential backoff and full
 * jitter until `maxAttempts`, then the row is `dead` with the last error kept for the dashboard.
 */
export async function dispatchDue({
  ctx,
  limit = 50,
}: {
  ctx: Ctx;
  limit?: number;
}): Promise<DispatchResult> {
  const result: DispatchResult = { delivered: 0, retried: 0, dead: 0, suppressed: 0 };
  await ctx.sql`
    update public.notification_outbox set status = 'pending'
    where status = 'sending' and claimed_at < now() - ${`${Math.round(ctx.config.claimTimeoutMs / 1000)} seconds`}::interval`;
  const rows = await ctx.sql<Claimed[]>`
    with claimed as (
      update public.notification_outbox o set status = 'sending', attempts = o.attempts + 1, claimed_at = now()
      where o.id in (
        select id from public.notification_outbox
        where status = 'pending' and next_attempt_at <= now()
        order by next_attempt_at
        limit ${limit}
        for update skip locked
      )
      returning o.*
    )
    select c.id, c.attempts, c.event, c.sequence, c.org_id, org.name as org_name,
           c.channel_id, ch.kind as channel_kind, ch.name as channel_name, ch.config as channel_config,
           cs.secret as channel_secret,
           i.id as incident_id, i.subject_key, i.kind, i.severity, i.title as incident_title, i.cause,
           i.started_at, i.opened_at, i.resolved_at, i.acknowledged_at, i.status as incident_status,
           s.id as server_id, s.name as server_name, s.heartbeat_timeout_seconds,
           m.id as monitor_id, m.name as monitor_name,
           -- The agent's pages for THIS incident: its episode of the same monitor began within
           -- the incident's window (both date it from the agent's own check timestamps; the
           -- engine may count a degraded check first, so the agent's start is never earlier).
           -- An earlier incident's page is outside the window and suppresses nothing.
           coalesce((
             select array_agg(distinct d)
             from public.agent_alerts a cross join lateral unnest(a.destinations) d
             where i.kind = 'agent_check' and c.event in ('down', 'flapping', 'restored')
               and a.server_id = i.server_id and a.monitor = m.name
               and case when c.event = 'restored' then a.state = 'restored' else a.state in ('down', 'flapping') end
               and a.started_at >= i.started_at - interval '1 second'
               and a.started_at <= coalesce(i.resolved_at, now())
           ), '{}') as agent_destinations,
           (select d.status::text from public.notification_outbox d
             where d.incident_id = c.incident_id and d.channel_id = c.channel_id and d.event in ('down', 'flapping')
             order by d.id desc limit 1) as down_status
    from claimed c
    join public.organizations org on org.id = c.org_id
    join public.channels ch on ch.id = c.channel_id
    left join public.channel_secrets cs on cs.channel_id = c.channel_id
    left join public.incidents i on i.id = c.incident_id
    left join public.servers s on s.id = i.server_id
    left join public.monitors m on m.id = i.monitor_id`;

  const now = new Date(ctx.now());
  // one channel's messages go out in order (down before restored); channels in parallel
  const byChannel = new Map<string, Claimed[]>();
  for (const row of rows.sort((a, b) => Number(a.id) - Number(b.id))) {
    byChannel.set(row.channel_id, [...(byChannel.get(row.channel_id) ?? []), row]);
  }
  await Promise.all(
    [...byChannel.values()].map(async (queue) => {
      for (const row of queue) await deliverOne(ctx, row, now, result);
    }),
  );
  return result;
}

async function deliverOne(ctx: Ctx, row: Claimed, now: Date, result: DispatchResult): Promise<void> {
  // a PagerDuty acknowledgement (migration 20261205011300) follows its DOWN, never overtakes it;
  // it goes whatever became of the DOWN otherwise (the agent may have opened the alert itself)
  if (row.event === "acknowledged" && (row.down_status === "pending" || row.down_status === "sending")) {
    await ctx.sql`
      update public.notification_outbox set status = 'pending', attempts = attempts - 1,
        next_attempt_at = now() + interval '5 seconds' where id = ${row.id}`;
    return;
  }
  if (row.event === "restored" && row.down_status !== "delivered") {
    if (row.down_status === "pending" || row.down_status === "sending") {
      // its down notice has not gone out yet: wait for it
      await ctx.sql`
        update public.notification_outbox set status = 'pending', attempts = attempts - 1,
          next_attempt_at = now() + interval '5 seconds' where id = ${row.id}`;
      return;
    }
    await ctx.sql`update public.notification_outbox set status = 'suppressed',
      suppressed_reason = 'its down notice was not sent' where id = ${row.id}`;
    result.suppressed++;
    return;
  }
  const skip = suppressionReason(row, await rowDestinationKeys(row));
  if (skip) {
    await ctx.sql`update public.notification_outbox set status = 'suppressed', suppressed_reason = ${skip} where id = ${row.id}`;
    result.suppressed++;
    return;
  }
  const channel: Channel = {
    id: row.channel_id,
    kind: row.channel_kind,
    name: row.channel_name,
    config: row.channel_config,
    secret: row.channel_secret ?? {},
  };
  const ackUrl = await ackUrlFor(ctx, row).catch((error: unknown) => {
    // the link could not be made (database hiccup): the page matters more than its button
    ctx.log.warn("acknowledge link not made", {
      outbox_id: row.id,
      error: error instanceof Error ? error.message : String(error),
    });
    return undefined;
  });
  const message = {
    ...buildMessage(row, now, dashboardLinkBase(ctx.config), ackUrl),
    // the same on every retry of this row (Matrix's txnId)
    notification_id: `outbox:${row.id}`,
  };
  try {
    await ctx.notify.deliver(channel, message);
    await ctx.sql`
      update public.notification_outbox set status = 'delivered', delivered_at = now(), last_error = null,
        payload = ${ctx.sql.json({ title: message.title, text: message.text })}
      where id = ${row.id}`;
    result.delivered++;
  } catch (error) {
    const retryable = !(error instanceof DeliveryError) || error.retryable;
    const text = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
    if (!retryable || row.attempts >= ctx.config.maxDeliveryAttempts) {
      await ctx.sql`update public.notification_outbox set status = 'dead', last_error = ${text} where id = ${row.id}`;
      ctx.log.warn("notification dead", {
        outbox_id: row.id,
        channel: row.channel_name,
        attempts: row.attempts,
        error: text,
      });
      result.dead++;
    } else {
      const delay = backoffMs(row.attempts, ctx.config.retryBaseMs, ctx.config.retryCapMs);
      await ctx.sql`
        update public.notification_outbox set status = 'pending', last_error = ${text},
          next_attempt_at = now() + ${`${delay} milliseconds`}::interval
        where id = ${row.id}`;
      result.retried++;
    }
  }
}

/** A fresh acknowledge link for a page of an open incident; undefined for anything else. */
async function ackUrlFor(ctx: Ctx, row: Claimed): Promise<string | undefined> {
  const base = ackLinkBase(ctx.config);
  if (!base || !row.incident_id || row.incident_status !== "open" || !PAGING_EVENTS.has(row.event)) {
    return undefined;
  }
  const token = await createAckLink({
    ctx,
    input: { incident_id: row.incident_id, outbox_id: row.id, channel_kind: row.channel_kind },
  });
  return `${base}${token}`;
}

/** The destination keys of the channel a row goes to (several for email and SMS recipients). */
async function rowDestinationKeys(row: Claimed): Promise<string[]> {
  // nothing to compare with: most pages (no agent page for the incident) skip the hashing
  if (row.agent_destinations.length === 0) return [];
  return channelDestinationKeys(row.channel_kind, row.channel_config, row.channel_secret);
}

function suppressionReason(row: Claimed, destinations: readonly string[]): string | null {
  // only when the agent reached every destination of this channel: a person the agent did not
  // reach still gets the page, and an agent that reported no destinations suppresses nothing
  if (destinations.length > 0 && destinations.every((d) => row.agent_destinations.includes(d))) {
    return `the agent already paged ${destinations.length === 1 ? "this destination" : "these destinations"} for this incident`;
  }
  if ((row.event === "escalation" || row.event === "repeat") && row.incident_status !== "open") {
    return `incident ${row.incident_status ?? "gone"}`;
  }
  if (row.event === "down" && row.incident_status === "resolved") return "resolved before it was sent";
  return null;
}

/** Full jitter: uniform in [base, min(cap, base * 2^(attempt-1))]. */
export function backoffMs(attempt: number, baseMs: number, capMs: number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(baseMs + Math.random() * Math.max(0, ceiling - baseMs));
}
