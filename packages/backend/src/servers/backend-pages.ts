import type { AwaitedPage, BackendPage } from "@custos/protocol";
import { channelDestinationKeys } from "../channels/destination-keys.ts";
import type { Ctx } from "../context.ts";
import type { ChannelsRow } from "../db/rows.ts";

/**
 * Which of the pages an agent is still trying to deliver the backend has delivered itself (its
 * fallback while the agent's channel failed), with the destinations they reached. The agent
 * drops its own late delivery to those destinations: one page per incident and destination.
 *
 * An agent's page belongs to the backend's incident of the same monitor whose window holds the
 * agent's start (the rule dispatch uses the other way round): both date it from the agent's own
 * check timestamps, and the backend may count a degraded check first.
 */
export async function backendPages({
  ctx,
  orgId,
  serverId,
  awaiting,
}: {
  ctx: Pick<Ctx, "sql">;
  orgId: string;
  serverId: string;
  awaiting: readonly AwaitedPage[];
}): Promise<BackendPage[]> {
  if (awaiting.length === 0) return [];
  const rows = await ctx.sql<
    (Pick<ChannelsRow, "kind"> & {
      config: Record<string, unknown>;
      secret: Record<string, unknown> | null;
      // the awaited page's, from unnest
      monitor: string;
      started_at: Date;
      state: BackendPage["state"];
    })[]
  >`
    select distinct on (a.ord, ch.id) a.monitor, a.started_at, a.state, ch.kind, ch.config, cs.secret
    from unnest(${awaiting.map((p) => p.monitor)}::text[],
                ${awaiting.map((p) => p.started_at.toISOString())}::timestamptz[],
                ${awaiting.map((p) => p.state)}::text[]) with ordinality as a(monitor, started_at, state, ord)
    join public.monitors m on m.org_id = ${orgId} and m.server_id = ${serverId} and m.name = a.monitor
    join public.incidents i on i.org_id = ${orgId} and i.monitor_id = m.id and i.kind = 'agent_check'
      and a.started_at >= i.started_at - interval '1 second'
      and a.started_at <= coalesce(i.resolved_at, now())
    join public.notification_outbox o on o.incident_id = i.id and o.status = 'delivered'
      and case when a.state = 'restored' then o.event = 'restored' else o.event in ('down', 'flapping') end
    join public.channels ch on ch.id = o.channel_id
    left join public.channel_secrets cs on cs.channel_id = ch.id`;
  const byPage = new Map<string, BackendPage>();
  for (const row of rows) {
    const startedAt = row.started_at.toISOString();
    const key = `${row.monitor}\n${startedAt}\n${row.state}`;
    const page = byPage.get(key) ?? {
      monitor: row.monitor,
      started_at: startedAt,
      state: row.state,
      destinations: [],
    };
    page.destinations.push(...(await channelDestinationKeys(row.kind, row.config, row.secret)));
    byPage.set(key, page);
  }
  return [...byPage.values()].map((page) => ({ ...page, destinations: [...new Set(page.destinations)] }));
}
