import type { BarStatus, MonitorDetail, ServerDetail } from "@custos/protocol";
import type { TransactionSql } from "postgres";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import type { MetricSeriesRow, MonitorsRow, ServerVitalsRow } from "../db/rows.ts";
import { parseInput } from "../http/body.ts";
import { selectIncidents } from "../incidents/view.ts";
import { hourlyMaintenanceSeconds } from "../monitors/maintenance.ts";
import { inOrg, iso, isoOrNull } from "../orgs/access.ts";
import { readServer, toServerInfo } from "./view.ts";

export const GetServerInput = z.strictObject({ org_id: z.uuid(), server_id: z.uuid() });
export type GetServerInput = z.input<typeof GetServerInput>;

export const BAR_HOURS = 72;

/**
 * A server's page: its fields, latest values, monitors with their last result and a 72-hour
 * status bar (hourly check rollups, plus the raw results newer than the rollup's watermark, and
 * each hour's seconds in maintenance),
 * open incidents, and the metric series it has.
 */
export async function getServerDetail({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: GetServerInput;
}): Promise<ServerDetail> {
  const { org_id, server_id } = parseInput(GetServerInput, input);
  return inOrg(ctx, caller, org_id, "viewer", async (tx) => {
    const server = await readServer(tx, org_id, server_id);
    const [grid] = await tx<{ from: Date }[]>`
      select private.bucket_1h(now()) - ${`${BAR_HOURS - 1} hours`}::interval as from`;
    const from = (grid as { from: Date }).from;

    const [latest] = await tx<
      (Pick<ServerVitalsRow, "metrics_at"> & {
        cpu: number | null;
        mem: number | null;
        disk: number | null;
      })[]
    >`
      select v.cpu_percent as cpu, v.memory_used_percent as mem, v.disk_used_percent as disk, v.metrics_at
      from public.server_vitals v
      where v.server_id = ${server_id} and v.org_id = ${org_id} and v.metrics_at > now() - interval '15 minutes'`;

    const monitors = await tx<
      (Pick<
        MonitorsRow,
        "id" | "name" | "type" | "source" | "enabled" | "state" | "last_status" | "last_checked_at"
      > & { last_message: string | null; last_latency_ms: number | null })[]
    >`
      select m.id, m.name, m.type, m.source, m.enabled, m.state, m.last_status, m.last_checked_at,
             lr.message as last_message, lr.latency_ms as last_latency_ms
      from public.monitors m
      left join lateral (
        select c.message, c.latency_ms from public.check_results c
        where c.monitor_id = m.id and c.ts >= m.last_checked_at - interval '1 minute' and c.ts <= m.last_checked_at
        order by c.ts desc limit 1
      ) lr on true
      where m.server_id = ${server_id} and m.org_id = ${org_id}
      order by lower(m.name), m.id`;

    const bars = await hourlyBars(
      tx,
      monitors.map((m) => m.id),
      from,
    );
    const maintenance = await hourlyMaintenanceSeconds(
      tx,
      { orgId: org_id, serverId: server_id, monitorIds: monitors.map((m) => m.id) },
      from,
      BAR_HOURS,
    );
    const openIncidents = await selectIncidents(
      tx,
      org_id,
      tx`and i.server_id = ${server_id} and i.resolved_at is null`,
      100,
    );
    const series = await tx<(Pick<MetricSeriesRow, "name"> & { labels: Record<string, string> })[]>`
      select name, labels from public.metric_series
      where server_id = ${server_id} and org_id = ${org_id} order by name, labels::text`;

    const round = (v: number | null | undefined) =>
      v === null || v === undefined ? null : Math.round(v * 10) / 10;
    return {
      server: toServerInfo(server),
      latest: {
        cpu_percent: round(latest?.cpu),
        memory_used_percent: round(latest?.mem),
        disk_used_percent: round(latest?.disk),
        metrics_at: isoOrNull(latest?.metrics_at),
      },
      status_bar: { from: iso(from), step_seconds: 3600, buckets: BAR_HOURS },
      monitors: monitors.map(
        (m): MonitorDetail => ({
          id: m.id,
          name: m.name,
          type: m.type,
          source: m.source,
          enabled: m.enabled,
          state: m.state,
          last_status: m.last_status,
          last_checked_at: isoOrNull(m.last_checked_at),
          last_message: m.last_message,
          last_latency_ms: m.last_latency_ms,
          ...(bars.get(m.id) ?? emptyBars()),
          maintenance_seconds: maintenance.get(m.id) ?? new Array<number>(BAR_HOURS).fill(0),
        }),
      ),
      open_incidents: openIncidents,
      metrics: series.map((s) => ({ name: s.name, labels: s.labels ?? {} })),
    };
  });
}

function emptyBars(): { bars: BarStatus[]; uptime_percent: number | null } {
  return { bars: new Array<BarStatus>(BAR_HOURS).fill("none"), uptime_percent: null };
}

/** Worst status per hour and uptime over the window, per monitor. */
async function hourlyBars(
  tx: TransactionSql,
  monitorIds: string[],
  from: Date,
): Promise<Map<string, { bars: BarStatus[]; uptime_percent: number | null }>> {
  const result = new Map<string, { bars: BarStatus[]; uptime_percent: number | null }>();
  if (monitorIds.length === 0) return result;
  const rows = await tx<{ monitor_id: string; at: Date; ok: number; degraded: number; down: number }[]>`
    with counts as (
      select r.monitor_id, r.bucket, r.ok_count as ok, r.degraded_count as degraded, r.down_count as down
      from public.check_rollups_1h r
      where r.monitor_id = any (${monitorIds}::uuid[]) and r.bucket >= ${from}
      union all
      select c.monitor_id, private.bucket_1h(c.ts), (c.status = 'ok')::int, (c.status = 'degraded')::int,
             (c.status = 'down')::int
      from public.check_results c
      where c.monitor_id = any (${monitorIds}::uuid[])
        and c.ts >= greatest(${from}::timestamptz, (select w.checks_through from private.rollup_watermarks() w))
        and c.status <> 'unsupported'
    )
    select monitor_id, bucket as at, sum(ok)::int as ok, sum(degraded)::int as degraded, sum(down)::int as down
    from counts group by 1, 2`;
  const totals = new Map<string, { up: number; all: number }>();
  for (const row of rows) {
    const entry = result.get(row.monitor_id) ?? emptyBars();
    result.set(row.monitor_id, entry);
    const slot = Math.round((row.at.getTime() - from.getTime()) / 3_600_000);
    if (slot >= 0 && slot < BAR_HOURS) entry.bars[slot] = worst(row);
    const t = totals.get(row.monitor_id) ?? { up: 0, all: 0 };
    t.up += row.ok + row.degraded;
    t.all += row.ok + row.degraded + row.down;
    totals.set(row.monitor_id, t);
  }
  for (const [id, t] of totals) {
    const entry = result.get(id);
    if (entry && t.all > 0) entry.uptime_percent = Math.round((100_000 * t.up) / t.all) / 1000;
  }
  return result;
}

export function worst(c: { ok: number; degraded: number; down: number }): BarStatus {
  if (c.down > 0) return "down";
  if (c.degraded > 0) return "degraded";
  if (c.ok > 0) return "ok";
  return "none";
}
