import type { Sql } from "postgres";
import { BATCH_SAMPLES, makeBatch, SERIES_PER_SERVER, seriesFor, seriesKey } from "./workload.ts";

/**
 * The series ids the backend created for each server (in `seriesFor` order), read back after the
 * warm-up, so the ceiling writes exactly the rows HTTP ingest writes, with ids pre-resolved.
 */
export async function loadSeriesIds(sql: Sql, serverIds: string[]): Promise<number[][]> {
  const rows = await sql<{ server_id: string; name: string; labels: Record<string, string>; id: number }[]>`
    select server_id, name, labels, id from public.metric_series`;
  const byServer = new Map<string, Map<string, number>>();
  for (const r of rows) {
    let m = byServer.get(r.server_id);
    if (!m) {
      m = new Map();
      byServer.set(r.server_id, m);
    }
    m.set(seriesKey(r.name, r.labels), r.id);
  }
  return serverIds.map((serverId, index) => {
    const m = byServer.get(serverId);
    const ids = seriesFor(index).map((s) => m?.get(seriesKey(s.name, s.labels)));
    if (ids.some((id) => id === undefined))
      throw new Error(`series of server ${index} were not created by the warm-up`);
    const perSeries = ids as number[];
    // sample i belongs to series i mod SERIES_PER_SERVER
    return Array.from({ length: BATCH_SAMPLES }, (_, i) => perSeries[i % SERIES_PER_SERVER] as number);
  });
}

/**
 * One batch written the way packages/backend/src/ingest/metrics.ts writes it: the batch-id row
 * and the samples in one data-modifying-CTE statement, arrays bound as float8[]/float8[]/int4[].
 */
export async function writeBatchDirect(
  sql: Sql,
  serverIndex: number,
  serverId: string,
  orgId: string,
  seriesIds: number[],
): Promise<string | undefined> {
  const b = makeBatch(serverIndex, serverId);
  const n = b.ms.length;
  const result = await sql`
    with batch as (
      insert into public.ingest_batches (server_id, batch_id, org_id, kind, item_count)
      values (${serverId}, ${b.batchId}, ${orgId}, 'metrics', ${n})
      on conflict do nothing
      returning 1
    )
    insert into public.metric_samples (ts, value, series_id)
    select to_timestamp(t.ms / 1000.0), t.v, t.s
    from unnest(${b.ms}::float8[], ${b.values}::float8[], ${seriesIds}::int4[]) as t(ms, v, s)
    where exists (select 1 from batch)`;
  return result.count === n ? undefined : `stored ${result.count} of ${n} rows`;
}

/** The heartbeat statement of packages/backend/src/servers/heartbeat.ts, without HTTP. */
export async function heartbeatDirect(
  sql: Sql,
  serverId: string,
  orgId: string,
): Promise<string | undefined> {
  const sentAt = new Date();
  const rows = await sql`
    update public.servers set
      last_heartbeat_at = now(),
      clock_skew_ms = greatest(-2147483647, least(2147483647,
        round(extract(epoch from (${sentAt}::timestamptz - now())) * 1000)))::int,
      agent_version = coalesce(${null}, agent_version),
      status = case when status = 'unknown' then 'up'::public.server_status else status end
    where id = ${serverId} and org_id = ${orgId}
    returning approval, now() as server_time, clock_skew_ms as skew`;
  return rows.length === 1 ? undefined : "server not found";
}
