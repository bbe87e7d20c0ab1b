import { OVERVIEW_METRICS, type ServersOverview, ServersQuery } from "@custos/protocol";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import type { CallerClaims } from "../db/as-caller.ts";
import { parseInput } from "../http/body.ts";
import { inOrg, iso } from "../orgs/access.ts";
import { type ServerSummaryColumns, serverState } from "./view.ts";

export const ListServersInput = z.strictObject({ org_id: z.uuid(), query: ServersQuery });
export type ListServersInput = z.input<typeof ListServersInput>;

export const TREND_POINTS = 24;
export const TREND_STEP_SECONDS = 300;
/** to_char's format for a UTC timestamp as Date#toISOString() writes it (milliseconds, "Z") */
const ISO_TEXT = 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"';

/**
 * One row as PostgreSQL sends it: timestamps as ISO text (to_char) and the trend as the JSON text
 * server_vitals keeps with it (cpu_trend_json, written with the trend by a trigger), because
 * parsing 1,000 rows of timestamps into Date objects and float arrays with the driver's parsers
 * was a third of the request's CPU. Formatting the timestamps stays in SQL: Node's one thread
 * serves every request, PostgreSQL's backends run side by side (toISOString in Node was 3 ms of
 * each overview); the trend is formatted once per write instead of per read (decision 0050).
 */
type OverviewRow = ServerSummaryColumns & {
  last_heartbeat_at: string | null;
  created_at: string;
  cpu: number | null;
  mem: number | null;
  disk: number | null;
  rx: number | null;
  tx: number | null;
  temp: number | null;
  metrics_at: string | null;
  trend_from_ms: number | null;
  cpu_trend: string | null;
  fresh: boolean | null;
  open_incidents: number;
  tags: string[];
};

/**
 * Every server of the organization with its state, the latest cpu / memory / fullest-disk values,
 * network rates and hottest sensor, and a 2-hour cpu trend. All come from server_vitals, one row
 * per server kept by the rollup refresh, so the list is one set-based statement over servers (plus
 * one for the counts) that reads one row per server whatever the number of series: no query per
 * server, no scan of rollups.
 */
export async function listServers({
  ctx,
  caller,
  input,
}: {
  ctx: Pick<Ctx, "sql">;
  caller: CallerClaims;
  input: ListServersInput;
}): Promise<ServersOverview> {
  const { org_id, query } = parseInput(ListServersInput, input);
  return inOrg(ctx, caller, org_id, "viewer", async (tx) => {
    const pattern = query.q ? `%${query.q.replace(/[\\%_]/g, "\\$&")}%` : null;
    const [grid] = await tx<{ now: Date; from: Date }[]>`
      select now() as now, private.bucket_5m(now()) - ${`${(TREND_POINTS - 1) * TREND_STEP_SECONDS} seconds`}::interval as from`;
    const { now, from } = grid as { now: Date; from: Date };
    const rows = await tx<OverviewRow[]>`
      with inc as (
        select i.server_id, count(*)::int as n
        from public.incidents i
        where i.org_id = ${org_id} and i.resolved_at is null and i.server_id is not null
        group by 1
      )
      select s.id, s.name, s.hostname, s.status, s.approval,
             to_char(s.last_heartbeat_at at time zone 'UTC', ${ISO_TEXT}) as last_heartbeat_at,
             s.agent_version, s.os, s.arch, s.heartbeat_timeout_seconds,
             to_char(s.created_at at time zone 'UTC', ${ISO_TEXT}) as created_at,
             v.cpu_percent as cpu, v.memory_used_percent as mem, v.disk_used_percent as disk,
             v.net_rx_bytes_per_s as rx, v.net_tx_bytes_per_s as tx, v.temperature_c as temp,
             to_char(v.metrics_at at time zone 'UTC', ${ISO_TEXT}) as metrics_at,
             (extract(epoch from v.trend_from) * 1000)::float8 as trend_from_ms,
             v.cpu_trend_json as cpu_trend, v.metrics_at > now() - interval '15 minutes' as fresh,
             coalesce(inc.n, 0) as open_incidents, s.tags
      from public.servers s
      left join public.server_vitals v on v.server_id = s.id
      left join inc on inc.server_id = s.id
      where s.org_id = ${org_id}
        and (${pattern}::text is null or s.name ilike ${pattern} or s.hostname ilike ${pattern})
        and (${query.status ?? null}::text is null
             or case when s.approval = 'pending' then 'pending' else s.status::text end = ${query.status ?? null})
      order by lower(s.name), s.id`;
    const [counts] = await tx<ServersOverview["counts"][]>`
      select count(*)::int as total,
             count(*) filter (where approval = 'approved' and status = 'up')::int as up,
             count(*) filter (where approval = 'approved' and status = 'down')::int as down,
             count(*) filter (where approval = 'pending')::int as pending,
             count(*) filter (where approval = 'approved' and status = 'unknown')::int as unknown
      from public.servers where org_id = ${org_id}`;
    return {
      generated_at: iso(now),
      counts: counts as ServersOverview["counts"],
      trend: {
        metric: OVERVIEW_METRICS.cpu,
        from: iso(from),
        step_seconds: TREND_STEP_SECONDS,
        points: TREND_POINTS,
      },
      servers: rows.map((r) => {
        const trend = shiftTrend(
          parseTrend(r.cpu_trend),
          r.trend_from_ms === null ? null : new Date(r.trend_from_ms),
          from,
        );
        // the latest values only while fresh: a server that stopped reporting shows none
        const latest = (value: number | null) => (r.fresh ? roundOrNull(value) : null);
        return {
          id: r.id,
          name: r.name,
          hostname: r.hostname,
          status: serverState(r),
          last_heartbeat_at: r.last_heartbeat_at,
          agent_version: r.agent_version,
          os: r.os,
          arch: r.arch,
          heartbeat_timeout_seconds: r.heartbeat_timeout_seconds,
          created_at: r.created_at,
          cpu_percent: latest(r.cpu),
          memory_used_percent: latest(r.mem),
          disk_used_percent: latest(r.disk),
          metrics_at: r.metrics_at,
          net_rx_bytes_per_s: latest(r.rx),
          net_tx_bytes_per_s: latest(r.tx),
          temperature_c: latest(r.temp),
          cpu_trend: trend,
          open_incidents: r.open_incidents,
          tags: r.tags,
        };
      }),
    };
  });
}

/**
 * The stored trend starts at its own trend_from (when the refresh last saw the server); move it
 * onto this answer's grid, so a server that stopped reporting has its points roll off.
 */
export function shiftTrend(
  stored: (number | null)[] | null,
  storedFrom: Date | null,
  from: Date,
): (number | null)[] {
  const trend: (number | null)[] = new Array(TREND_POINTS).fill(null);
  if (!stored || !storedFrom) return trend;
  const shift = Math.round((from.getTime() - storedFrom.getTime()) / (TREND_STEP_SECONDS * 1000));
  for (let i = 0; i < TREND_POINTS; i++) {
    const value = stored[i + shift];
    if (value !== undefined && value !== null) trend[i] = round1(value);
  }
  return trend;
}

/** One decimal is all a percentage on a list needs (and keeps 1,000 rows small). */
function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function roundOrNull(value: number | null): number | null {
  return value === null ? null : round1(value);
}

function parseTrend(json: string | null): (number | null)[] | null {
  if (json === null) return null;
  try {
    return JSON.parse(json) as (number | null)[];
  } catch {
    return null;
  }
}
