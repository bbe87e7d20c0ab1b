import type { AlertsBatch, IngestResponse } from "@custos/protocol";
import type { AuthenticatedKey } from "../api-keys/schemas.ts";
import type { Ctx } from "../context.ts";
import { requireApprovedServer } from "../servers/access.ts";
import { translateIngestError } from "./translate-error.ts";

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
  await requireApprovedServer(ctx, auth.orgId, input.server_id);
  const a = input.alerts;
  try {
    const result = await ctx.sql`
      with batch as (
        insert into public.ingest_batches (server_id, batch_id, org_id, kind, item_count)
        values (${input.server_id}, ${input.batch_id}, ${auth.orgId}, 'alerts', ${a.length})
        on conflict do nothing
        returning 1
      )
      insert into public.agent_alerts (org_id, server_id, incident_key, monitor, state, channels, message, started_at, sent_at)
      select ${auth.orgId}, ${input.server_id}, u.k, u.m, u.s, u.c::public.channel_kind[], u.msg,
             to_timestamp(u.started / 1000.0), to_timestamp(u.sent / 1000.0)
      from unnest(${a.map((x) => x.incident_key)}::text[], ${a.map((x) => x.monitor)}::text[], ${a.map((x) => x.state)}::text[],
                  ${a.map((x) => `{${x.channels.join(",")}}`)}::text[], ${a.map((x) => x.message ?? null)}::text[],
                  ${a.map((x) => x.started_at.getTime())}::float8[], ${a.map((x) => x.sent_at.getTime())}::float8[])
           as u(k, m, s, c, msg, started, sent)
      where exists (select 1 from batch)
      on conflict (server_id, incident_key, state) do update
        set channels = (select array_agg(distinct x) from unnest(agent_alerts.channels || excluded.channels) x)`;
    return { ok: true, batch_id: input.batch_id, stored: result.count > 0, accepted: a.length };
  } catch (error) {
    throw translateIngestError(error, input.server_id);
  }
}
