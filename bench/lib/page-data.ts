/**
 * The dashboard benchmark's data for the pages beyond the overview (monitor page, server page,
 * incident timeline), written with SQL as the refresh and the ingest path would leave it:
 *
 * - 3 agent monitors per server; every monitor has its last 72 hourly check rollups (the server
 *   page's bars). `deep` of them (default 300) have 365 days of hourly rollups with response
 *   times (latency aggregates), bucket-major like the refresh writes them, so each monitor's
 *   hours sit on separate heap pages as in production; the oldest `unmeasuredDays` of those
 *   have no latency aggregates (hours counted before the latency rollup existed).
 * - `raw` of the deep monitors (default 20) also have 30 days of raw check results, one a
 *   minute, time-major; their rollups are computed from those results, so raw and rollups agree,
 *   and the rollup watermark is set just after the last result.
 * - 13 organization-wide maintenance windows of 2 hours (one a month, one in the last 72 hours).
 * - `incidents` resolved incidents of the deep monitors, 3 notes each (the timeline).
 *
 * Raw results and rollups skip their triggers (session_replication_role = replica): the late-
 * results backlog would otherwise count them a second time.
 */
import type postgres from "postgres";

export interface PageData {
  monitors: number;
  deepMonitorIds: string[];
  rawMonitorIds: string[];
  incidentIds: string[];
  checkRollups: number;
  checkResults: number;
  maintenanceWindows: number;
  incidentNotes: number;
  sizes: string;
  seconds: number;
}

export async function loadPageData(
  sql: postgres.Sql,
  orgId: string,
  opts: { deep: number; raw: number; incidents: number; unmeasuredDays: number },
  log: (line: string) => void,
): Promise<PageData> {
  const t0 = performance.now();
  await sql`
    insert into public.monitors (org_id, server_id, source, name, type, last_status, last_checked_at)
    select s.org_id, s.id, 'agent', m.name, m.type, 'ok', now() - interval '20 seconds'
    from public.servers s
    cross join (values ('http:site', 'http'), ('postgres', 'postgres'), ('smart:sda', 'smart')) as m(name, type)
    where s.org_id = ${orgId}`;
  const monitors = await sql<{ id: string }[]>`
    select m.id from public.monitors m join public.servers s on s.id = m.server_id
    where m.org_id = ${orgId} order by s.name, m.name`;
  // the first monitor of each of the first servers: spread over the fleet's first servers
  const deep = monitors
    .filter((_, i) => i % 3 === 0)
    .slice(0, opts.deep)
    .map((m) => m.id);
  const raw = deep.slice(0, opts.raw);
  const deepOnly = deep.slice(opts.raw);
  const all = monitors.map((m) => m.id);

  const [grid] = await sql<{ h: Date; t: Date }[]>`
    select private.bucket_1h(now()) as h, private.bucket_1m(now()) - interval '1 minute' as t`;
  const { h, t } = grid as { h: Date; t: Date };
  log(
    `page data: ${all.length} monitors; ${deep.length} with 365 days of rollups, ${raw.length} with 30 days raw`,
  );

  await sql`select private.ensure_daily_partitions('public.check_results', 31, 1)`;
  await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    // raw: one result a minute for 30 days, 0.5 % down (no latency then), latencies 20-80 ms
    await tx`
      insert into public.check_results (ts, org_id, server_id, monitor_id, status, latency_ms, message)
      select g.ts, m.org_id, m.server_id, m.id,
             (case when r.x < 0.005 then 'down' else 'ok' end)::public.check_status,
             case when r.x < 0.005 then null else (20 + 60 * r.y)::real end,
             case when r.x < 0.005 then 'connection refused' else null end
      from generate_series(${t}::timestamptz - interval '30 days', ${t}::timestamptz - interval '1 second',
                           interval '1 minute') as g(ts)
      cross join public.monitors m
      -- the lateral names both sides, so random() is drawn per result, not per minute
      cross join lateral (select random() + 0 * extract(epoch from g.ts) + 0 * length(m.id::text) as x,
                                 random() as y) r
      where m.id = any (${raw}::uuid[])
      order by g.ts, m.id`;
    // their hourly rollups from those results, exactly as the refresh would count them
    await tx`
      insert into public.check_rollups_1h (monitor_id, bucket, org_id, ok_count, degraded_count, down_count,
                                           latency_sum_ms, latency_count, latency_min_ms, latency_max_ms)
      select c.monitor_id, private.bucket_1h(c.ts), c.org_id,
             count(*) filter (where c.status = 'ok'), 0, count(*) filter (where c.status = 'down'),
             sum(c.latency_ms::float8), count(c.latency_ms), min(c.latency_ms), max(c.latency_ms)
      from public.check_results c
      where c.monitor_id = any (${raw}::uuid[])
      group by 1, 2, 3
      order by 2, 1`;
    // older hours of the raw monitors and 365 days of the other deep ones: synthetic, hour-major
    await tx`
      insert into public.check_rollups_1h (monitor_id, bucket, org_id, ok_count, degraded_count, down_count,
                                           latency_sum_ms, latency_count, latency_min_ms, latency_max_ms)
      select m.id, b.t, m.org_id, 60 - d.down, 0, d.down,
             case when measured then (60 - d.down) * d.avg end,
             case when measured then 60 - d.down end,
             case when measured then d.avg * 0.6 end,
             case when measured then d.avg * 2.5 end
      from generate_series(8759, 0, -1) as g(k)
      cross join lateral (select ${h}::timestamptz - g.k * interval '1 hour' as t) b
      cross join public.monitors m
      cross join lateral (select (random() + 0 * length(m.id::text) < 0.003)::int * 3 as down,
                                 30 + 20 * sin(extract(epoch from b.t) / 86400 * 2 * pi()) + 10 * random() as avg,
                                 g.k < (365 - ${opts.unmeasuredDays}) * 24 as measured) d
      where (m.id = any (${deepOnly}::uuid[]))
         or (m.id = any (${raw}::uuid[]) and b.t < ${t}::timestamptz - interval '30 days' - interval '1 hour')
      order by b.t, m.id`;
    // the last 72 hours of every other monitor: the server page's bars
    await tx`
      insert into public.check_rollups_1h (monitor_id, bucket, org_id, ok_count, degraded_count, down_count,
                                           latency_sum_ms, latency_count, latency_min_ms, latency_max_ms)
      select m.id, ${h}::timestamptz - g.k * interval '1 hour', m.org_id, 60, 0, (random() < 0.01)::int,
             60 * 35.0, 60, 20, 90
      from generate_series(71, 0, -1) as g(k)
      cross join public.monitors m
      where m.org_id = ${orgId} and not (m.id = any (${deep}::uuid[]))
      order by 2, 1`;
    await tx`update private.rollup_state set checks_through = ${t}`;
  });

  // maintenance: one 2-hour window a month for a year, one two days ago
  await sql`
    insert into public.maintenance_windows (org_id, starts_at, ends_at, reason)
    select ${orgId}::uuid, s, s + interval '2 hours', 'bench: monthly patching'
    from (select ${h}::timestamptz - make_interval(days => 30 * k) - interval '50 hours' as s
          from generate_series(0, 12) as k) w`;

  // incidents of the deep monitors, resolved, 3 notes each
  const incidents = await sql<{ id: string }[]>`
    insert into public.incidents (org_id, server_id, monitor_id, subject_key, kind, severity, status, title, cause,
                                  opened_at, acknowledged_at, resolved_at)
    select m.org_id, m.server_id, m.id, 'monitor:' || m.id, 'agent_check', 'critical', 'resolved',
           m.name || ' is down', 'connection refused',
           ${h}::timestamptz - make_interval(hours => 3 * i), ${h}::timestamptz - make_interval(hours => 3 * i) + interval '4 minutes',
           ${h}::timestamptz - make_interval(hours => 3 * i) + interval '19 minutes'
    from generate_series(1, ${opts.incidents}) as i
    join lateral (select * from public.monitors x where x.id = (${deep}::uuid[])[1 + i % ${deep.length}]) m on true
    returning id`;
  const incidentIds = incidents.map((r) => r.id);
  await sql`
    insert into public.incident_notes (org_id, incident_id, body, created_at)
    select i.org_id, i.id, n.body, i.opened_at + n.after
    from public.incidents i
    cross join (values ('Looking into it: the database refuses connections.', interval '5 minutes'),
                       ('Disk full on the replica; rotated the logs.', interval '12 minutes'),
                       ('Back up; follow-up: alert on disk at 85 %.', interval '20 minutes')) as n(body, after)
    where i.id = any (${incidentIds}::uuid[])`;

  await sql`vacuum (analyze) public.monitors, public.check_rollups_1h, public.check_results, public.incidents,
            public.incident_notes, public.maintenance_windows`;
  const [c] = await sql<
    { rollups: number; results: number; windows: number; notes: number; sizes: string }[]
  >`
    select (select count(*)::int from public.check_rollups_1h) as rollups,
           (select count(*)::int from public.check_results) as results,
           (select count(*)::int from public.maintenance_windows) as windows,
           (select count(*)::int from public.incident_notes) as notes,
           'check_rollups_1h ' || pg_size_pretty(pg_table_size('public.check_rollups_1h')) || ', check_results '
             || pg_size_pretty((select sum(pg_table_size(i.inhrelid)) from pg_inherits i
                                where i.inhparent = 'public.check_results'::regclass)) as sizes`;
  const cc = c as NonNullable<typeof c>;
  const seconds = (performance.now() - t0) / 1000;
  log(`page data loaded in ${seconds.toFixed(0)} s: ${JSON.stringify(cc)}`);
  return {
    monitors: all.length,
    deepMonitorIds: deep,
    rawMonitorIds: raw,
    incidentIds,
    checkRollups: cc.rollups,
    checkResults: cc.results,
    maintenanceWindows: cc.windows,
    incidentNotes: cc.notes,
    sizes: cc.sizes,
    seconds,
  };
}
