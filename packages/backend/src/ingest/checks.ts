import type { ChecksBatch, IngestResponse } from "@custos/protocol";
import type { AuthenticatedKey } from "../api-keys/schemas.ts";
import type { Ctx } from "../context.ts";
import { requireApprovedServer } from "../servers/access.ts";
import { batchSeen } from "./batch-id.ts";
import { checkTimestamps } from "./timestamps.ts";
import { translateIngestError } from "./translate-error.ts";

/**
 * Stores agent check results once per batch id and moves each monitor's last state forward
 * (never backward: an old batch replayed late does not overwrite a newer state).
 */
export async function ingestChecks({
  ctx,
  auth,
  input,
}: {
  ctx: Ctx;
  auth: AuthenticatedKey;
  input: ChecksBatch;
}): Promise<IngestResponse> {
  checkTimestamps(input.results, "results", ctx.now());
  await requireApprovedServer(ctx, auth, input.server_id);
  const results = input.results;
  const names = [...new Set(results.map((r) => r.monitor))];
  const types = names.map(
    (name) => results.find((r) => r.monitor === name)?.type ?? name.split(":")[0] ?? "agent",
  );
  try {
    const stored = await ctx.sql.begin(async (tx) => {
      // the batch id first: a replay (even with other content) creates no monitor and stores nothing
      const claimed = await tx`
        insert into public.ingest_batches (server_id, batch_id, org_id, kind, item_count)
        values (${input.server_id}, ${input.batch_id}, ${auth.orgId}, 'checks', ${results.length})
        on conflict do nothing`;
      if (claimed.count === 0) {
        await batchSeen(tx, input.server_id, input.batch_id, "checks");
        return false;
      }
      await tx`
        insert into public.monitors (org_id, server_id, source, name, type)
        select ${auth.orgId}, ${input.server_id}, 'agent', n, t from unnest(${names}::text[], ${types}::text[]) as u(n, t)
        on conflict (server_id, name) where server_id is not null do nothing`;
      await tx`
        with incoming as (
          select to_timestamp(u.ms / 1000.0) as ts, m.id as monitor_id, u.status::public.check_status as status,
                 u.latency::real as latency_ms, u.message
          from unnest(${results.map((r) => r.ts.getTime())}::float8[], ${results.map((r) => r.monitor)}::text[],
                      ${results.map((r) => r.status)}::text[], ${results.map((r) => r.latency_ms ?? null)}::float8[],
                      ${results.map((r) => r.message ?? null)}::text[]) as u(ms, monitor, status, latency, message)
          join public.monitors m on m.server_id = ${input.server_id} and m.name = u.monitor
        ),
        stored as (
          insert into public.check_results (ts, org_id, server_id, monitor_id, status, latency_ms, message)
          select ts, ${auth.orgId}, ${input.server_id}, monitor_id, status, latency_ms, message from incoming
          returning monitor_id, ts, status
        ),
        latest as (
          select distinct on (monitor_id) monitor_id, ts, status from stored order by monitor_id, ts desc
        )
        update public.monitors m set last_status = latest.status, last_checked_at = latest.ts
        from latest
        where m.id = latest.monitor_id and (m.last_checked_at is null or m.last_checked_at <= latest.ts)`;
      // through the incident state machine, oldest first, in the same transaction
      const ordered = [...results].sort((a, b) => a.ts.getTime() - b.ts.getTime());
      await tx`
        select private.apply_checks(
          array(select m.id from unnest(${ordered.map((r) => r.monitor)}::text[]) with ordinality as u(name, i)
                join public.monitors m on m.server_id = ${input.server_id} and m.name = u.name order by u.i),
          ${ordered.map((r) => r.status)}::public.check_status[],
          ${ordered.map((r) => r.ts.toISOString())}::timestamptz[],
          ${ordered.map((r) => r.message ?? null)}::text[])`;
      return true;
    });
    return { ok: true, batch_id: input.batch_id, stored, accepted: results.length };
  } catch (error) {
    throw translateIngestError(error, input.server_id);
  }
}
