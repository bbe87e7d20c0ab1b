import type { AgentAlert, AlertsBatch, IngestResponse } from "@custos/protocol";
import type { AuthenticatedKey } from "../api-keys/schemas.ts";
import type { Ctx } from "../context.ts";
import { requireApprovedServer } from "../servers/access.ts";
import { batchSeen } from "./batch-id.ts";
import { checkTimestamps } from "./timestamps.ts";
import { translateIngestError } from "./translate-error.ts";

/**
 * One row per (incident_key, state): PostgreSQL refuses an INSERT ... ON CONFLICT DO UPDATE that
 * meets the same key twice ("cannot affect row a second time"), and an agent that retried a page
 * can list it twice. Duplicates merge: the union of channels, the latest sending (its sent_at and
 * message), the earliest started_at.
 */
export function mergeDuplicateAlerts(alerts: readonly AgentAlert[]): AgentAlert[] {
  const merged = new Map<string, AgentAlert>();
  for (const alert of alerts) {
    const key = JSON.stringify([alert.incident_key, alert.state]);
    const seen = merged.get(key);
    if (!seen) {
      merged.set(key, alert);
      continue;
    }
    const latest = alert.sent_at.getTime() >= seen.sent_at.getTime() ? alert : seen;
    merged.set(key, {
      ...latest,
      started_at: alert.started_at.getTime() < seen.started_at.getTime() ? alert.started_at : seen.started_at,
      channels: [...new Set([...seen.channels, ...alert.channels])],
      ...(seen.destinations || alert.destinations
        ? { destinations: [...new Set([...(seen.destinations ?? []), ...(alert.destinations ?? [])])] }
        : {}),
    });
  }
  return [...merged.values()];
}

/** Records what the agent already paged for, so the backend does not page the same channel again. */
export async function ingestAlerts({
  ctx,
  auth,
  input,
}: {
  ctx: Ctx;
  auth: AuthenticatedKey;
  input: AlertsBatch;
}): Promise<IngestResponse> {
  checkTimestamps(input.alerts, "alerts", ctx.now(), "sent_at");
  await requireApprovedServer(ctx, auth, input.server_id);
  const a = mergeDuplicateAlerts(input.alerts);
  try {
    const result = await ctx.sql`
      with batch as (
        insert into public.ingest_batches (server_id, batch_id, org_id, kind, item_count)
        values (${input.server_id}, ${input.batch_id}, ${auth.orgId}, 'alerts', ${input.alerts.length})
        on conflict do nothing
        returning 1
      )
      insert into public.agent_alerts
        (org_id, server_id, incident_key, monitor, state, channels, destinations, message, started_at, sent_at)
      select ${auth.orgId}, ${input.server_id}, u.k, u.m, u.s, u.c::public.channel_kind[], u.d::text[], u.msg,
             to_timestamp(u.started / 1000.0), to_timestamp(u.sent / 1000.0)
      from unnest(${a.map((x) => x.incident_key)}::text[], ${a.map((x) => x.monitor)}::text[], ${a.map((x) => x.state)}::text[],
                  ${a.map((x) => `{${x.channels.join(",")}}`)}::text[],
                  ${a.map((x) => `{${(x.destinations ?? []).join(",")}}`)}::text[],
                  ${a.map((x) => x.message ?? null)}::text[],
                  ${a.map((x) => x.started_at.getTime())}::float8[], ${a.map((x) => x.sent_at.getTime())}::float8[])
           as u(k, m, s, c, d, msg, started, sent)
      where exists (select 1 from batch)
      on conflict (server_id, incident_key, state) do update
        set channels = (select array_agg(distinct x) from unnest(agent_alerts.channels || excluded.channels) x),
            destinations = (select coalesce(array_agg(distinct x), '{}')
                            from unnest(agent_alerts.destinations || excluded.destinations) x)`;
    if (result.count === 0) await batchSeen(ctx.sql, input.server_id, input.batch_id, "alerts");
    return { ok: true, batch_id: input.batch_id, stored: result.count > 0, accepted: input.alerts.length };
  } catch (error) {
    throw translateIngestError(error, input.server_id);
  }
}
