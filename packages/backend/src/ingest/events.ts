import type { EventsBatch, IngestResponse } from "@custos/protocol";
import type { AuthenticatedKey } from "../api-keys/schemas.ts";
import type { Ctx } from "../context.ts";
import { requireApprovedServer } from "../servers/access.ts";
import { batchSeen } from "./batch-id.ts";
import { checkTimestamps } from "./timestamps.ts";
import { translateIngestError } from "./translate-error.ts";

/**
 * Stores the outage log's events (decision 0044) once per batch id, and each event once per its
 * own id: an event that travelled in two batches (a batch split after 413) is not doubled. The
 * batch claim and the events are one transaction, so a failure stores neither. Only an event's
 * `occurred_at` must lie in the data window; an outage that ended today may have started long
 * before it.
 */
export async function ingestEvents({
  ctx,
  auth,
  input,
}: {
  ctx: Ctx;
  auth: AuthenticatedKey;
  input: EventsBatch;
}): Promise<IngestResponse> {
  checkTimestamps(input.events, "events", ctx.now(), "occurred_at");
  await requireApprovedServer(ctx, auth, input.server_id);
  const e = input.events;
  const time = (d: Date | undefined) => (d ? d.getTime() : null);
  try {
    const stored = await ctx.sql.begin(async (tx) => {
      const claimed = await tx`
        insert into public.ingest_batches (server_id, batch_id, org_id, kind, item_count)
        values (${input.server_id}, ${input.batch_id}, ${auth.orgId}, 'events', ${e.length})
        on conflict do nothing`;
      if (claimed.count === 0) {
        await batchSeen(tx, input.server_id, input.batch_id, "events");
        return false;
      }
      await tx`
        insert into public.agent_events
          (org_id, server_id, id, kind, monitor, occurred_at, started_at, ended_at, duration_ms, message, data)
        select ${auth.orgId}, ${input.server_id}, u.id, u.kind, u.monitor, to_timestamp(u.occurred / 1000.0),
               to_timestamp(u.started / 1000.0), to_timestamp(u.ended / 1000.0), u.duration, u.message, u.data::jsonb
        from unnest(${e.map((x) => x.id)}::uuid[], ${e.map((x) => x.kind)}::text[], ${e.map((x) => x.monitor)}::text[],
                    ${e.map((x) => x.occurred_at.getTime())}::float8[], ${e.map((x) => time(x.started_at))}::float8[],
                    ${e.map((x) => time(x.ended_at))}::float8[], ${e.map((x) => x.duration_ms ?? null)}::bigint[],
                    ${e.map((x) => x.message)}::text[], ${e.map((x) => (x.data ? JSON.stringify(x.data) : null))}::text[])
             as u(id, kind, monitor, occurred, started, ended, duration, message, data)
        on conflict (server_id, id) do nothing`;
      return true;
    });
    return { ok: true, batch_id: input.batch_id, stored, accepted: e.length };
  } catch (error) {
    throw translateIngestError(error, input.server_id);
  }
}
