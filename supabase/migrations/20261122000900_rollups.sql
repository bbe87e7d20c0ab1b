-- Rollups: what the dashboard reads instead of raw data.
--   metric_rollups_1m / _5m / _1h  per series and bucket: sum, count, min, max (avg = sum / count)
--   metric_latest                  the newest 1-minute average of the few series the overview shows
--   server_vitals                  per server: cpu / memory / fullest disk / load now and a 2-hour cpu
--                                  trend (24 x 5 min), so the overview of 1,000 servers reads 1,000 rows
--   check_rollups_1h               per monitor and hour: ok / degraded / down counts (status bars, uptime)
-- maintained incrementally by private.refresh_rollups() (custos-server's scheduler every 30 s,
-- pg_cron in the cloud) and kept within retention by private.maintain_rollups() (hourly).
--
-- Retention and layout (1,000 servers x 30 series = 30,000 series):
--   1m  8 days    ~43 M rows/day  daily partitions, dropped whole; serves the 1 h chart, and is
--                                 the source of 5m; 8 days covers the oldest sample ingest accepts.
--   5m  35 days   ~8.6 M rows/day daily partitions; 24 h chart, overview trend, source of 1h.
--   1h  400 days  ~0.7 M rows/day one table, old rows deleted hourly (a few thousand rows per run);
--                                 7 d / 30 d charts read <= 720 rows per series by primary key.
-- An organization's raw_retention_days still applies: its rollups older than that are deleted,
-- so a rollup never outlives the data retention the organization chose.
-- Like metric_samples, rollups carry no org_id and no foreign key (row size; no FK checks on the
-- write path); RLS reaches the organization through metric_series. Orphans of deleted series stay
-- invisible and leave with their partition / retention. Decision record: docs/decisions/0013.

create table public.metric_rollups_1m (
  series_id integer not null,
  bucket timestamptz not null,
  sum_value double precision not null,
  sample_count integer not null,
  min_value double precision not null,
  max_value double precision not null,
  primary key (series_id, bucket)
) partition by range (bucket);
-- refresh reads "every series, recent buckets": BRIN on the append-ordered bucket
create index metric_rollups_1m_bucket_brin on public.metric_rollups_1m using brin (bucket) with (pages_per_range = 16);

create table public.metric_rollups_5m (
  series_id integer not null,
  bucket timestamptz not null,
  sum_value double precision not null,
  sample_count integer not null,
  min_value double precision not null,
  max_value double precision not null,
  primary key (series_id, bucket)
) partition by range (bucket);
create index metric_rollups_5m_bucket_brin on public.metric_rollups_5m using brin (bucket) with (pages_per_range = 16);

create table public.metric_rollups_1h (
  series_id integer not null,
  bucket timestamptz not null,
  sum_value double precision not null,
  sample_count integer not null,
  min_value double precision not null,
  max_value double precision not null,
  primary key (series_id, bucket)
);
create index metric_rollups_1h_bucket_brin on public.metric_rollups_1h using brin (bucket);

-- One row per overview series (cpu.percent, memory.used_percent, disk.used_percent, load.1): its
-- newest 1-minute average (ts = that minute); the source of server_vitals.
create table public.metric_latest (
  series_id integer primary key,
  ts timestamptz not null,
  value double precision not null
);

-- What the servers overview shows per server, kept by the refresh for servers that reported in its
-- window. cpu_trend[i] is the 5-minute cpu.percent average at trend_from + i * 5 min (null: no
-- data); readers shift it to their own grid. No foreign key (rows of deleted servers are invisible
-- behind the join to servers and removed by maintain_rollups).
create table public.server_vitals (
  server_id uuid primary key,
  org_id uuid not null,
  cpu_percent double precision,
  memory_used_percent double precision,
  disk_used_percent double precision,
  load_1 double precision,
  metrics_at timestamptz,
  trend_from timestamptz not null,
  cpu_trend real[] not null,
  updated_at timestamptz not null default now()
);
create index server_vitals_org_id_idx on public.server_vitals (org_id);

create table public.check_rollups_1h (
  monitor_id uuid not null,
  bucket timestamptz not null,
  org_id uuid not null,
  ok_count integer not null default 0,
  degraded_count integer not null default 0,
  down_count integer not null default 0,
  primary key (monitor_id, bucket)
);
create index check_rollups_1h_org_id_idx on public.check_rollups_1h (org_id);
create index check_rollups_1h_bucket_brin on public.check_rollups_1h using brin (bucket);

-- The refresh reads "check results since the watermark" for every monitor: without this BRIN
-- that is a scan of the whole day's partition every 30 s. (Adds an index to the spine's table.)
create index check_results_ts_brin on public.check_results using brin (ts) with (pages_per_range = 32);
-- The overview finds an org's cpu/memory/disk series by name.
create index metric_series_org_name_idx on public.metric_series (org_id, name);

-- Rollup policies go through metric_series per row (an index probe for each row read) rather than
-- `series_id in (all series of the caller's organizations)`, which hashes every series of the
-- organization on each query: a chart reads a few hundred rows of an organization with 30,000+
-- series. (The overview reads server_vitals, which carries org_id.)
alter table public.metric_rollups_1m enable row level security;
alter table public.metric_rollups_5m enable row level security;
alter table public.metric_rollups_1h enable row level security;
alter table public.metric_latest enable row level security;
alter table public.server_vitals enable row level security;
alter table public.check_rollups_1h enable row level security;

create policy "members read 1-minute rollups" on public.metric_rollups_1m
  for select to authenticated using (
    exists (select 1 from public.metric_series s where s.id = series_id and s.org_id in (select private.user_org_ids()))
  );
create policy "members read 5-minute rollups" on public.metric_rollups_5m
  for select to authenticated using (
    exists (select 1 from public.metric_series s where s.id = series_id and s.org_id in (select private.user_org_ids()))
  );
create policy "members read 1-hour rollups" on public.metric_rollups_1h
  for select to authenticated using (
    exists (select 1 from public.metric_series s where s.id = series_id and s.org_id in (select private.user_org_ids()))
  );
create policy "members read latest metric values" on public.metric_latest
  for select to authenticated using (
    exists (select 1 from public.metric_series s where s.id = series_id and s.org_id in (select private.user_org_ids()))
  );
create policy "members read server vitals" on public.server_vitals
  for select to authenticated using (org_id in (select private.user_org_ids()));
create policy "members read check rollups" on public.check_rollups_1h
  for select to authenticated using (org_id in (select private.user_org_ids()));

-- Where the refresh stands (one row).
--   metrics_through  1m buckets are recomputed from raw from (metrics_through - late) on each run
--   hours_through    1h buckets before this are built from final 5m buckets; newer hours are
--                    read from 5m by the chart query (see metrics/series.ts)
--   checks_through   check results with ts before this are counted in check_rollups_1h
create table private.rollup_state (
  id boolean primary key default true check (id),
  metrics_through timestamptz not null,
  hours_through timestamptz not null,
  checks_through timestamptz not null,
  last_run_at timestamptz
);
-- A new installation starts 3 minutes back (older samples arrive through the backlog; newer ones
-- that the trigger does not take, up to 90 s old, must lie after the watermark); one that already
-- holds data starts 7 days back, the oldest the 1-minute tier keeps, and catches up.
insert into private.rollup_state (metrics_through, hours_through, checks_through)
select start, date_bin('1 hour', start, timestamptz '2000-01-01 00:00:00+00'), start
from (
  select case
    when exists (select 1 from public.metric_samples) or exists (select 1 from public.check_results)
      then date_trunc('day', now() at time zone 'utc') at time zone 'utc' - interval '7 days'
    else date_bin('1 minute', now() - interval '3 minutes', timestamptz '2000-01-01 00:00:00+00')
  end as start
) s;

-- Samples and results that arrive late (an agent replaying its buffer after an outage) fall
-- outside the refresh's window. A statement trigger aggregates just those rows (older than
-- 90 s: normal pushes are 15-45 s old, so the common batch writes nothing here) into a backlog
-- the next refresh merges. The refresh consumes the backlog and reads raw rows in ONE statement
-- (one snapshot), so every late row is counted exactly once: either by the window or by the backlog.
create table private.metric_rollup_backlog (
  series_id integer not null,
  bucket timestamptz not null,
  sum_value double precision not null,
  sample_count integer not null,
  min_value double precision not null,
  max_value double precision not null
);
create table private.check_rollup_backlog (
  monitor_id uuid not null,
  org_id uuid not null,
  minute timestamptz not null,
  ok_count integer not null,
  degraded_count integer not null,
  down_count integer not null
);

create function private.capture_late_samples() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  insert into private.metric_rollup_backlog (series_id, bucket, sum_value, sample_count, min_value, max_value)
  select n.series_id, private.bucket_1m(n.ts), sum(n.value), count(*), min(n.value), max(n.value)
  from new_samples n
  where n.ts < now() - interval '90 seconds'
  group by 1, 2;
  return null;
end
$$;
create trigger metric_samples_capture_late after insert on public.metric_samples
  referencing new table as new_samples for each statement execute function private.capture_late_samples();

create function private.capture_late_checks() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  insert into private.check_rollup_backlog (monitor_id, org_id, minute, ok_count, degraded_count, down_count)
  select n.monitor_id, n.org_id, private.bucket_1m(n.ts),
         count(*) filter (where n.status = 'ok'), count(*) filter (where n.status = 'degraded'),
         count(*) filter (where n.status = 'down')
  from new_results n
  where n.ts < now() - interval '90 seconds' and n.status <> 'unsupported'
  group by 1, 2, 3;
  return null;
end
$$;
create trigger check_results_capture_late after insert on public.check_results
  referencing new table as new_results for each statement execute function private.capture_late_checks();

-- Buckets are aligned in UTC whatever the session's TimeZone (date_trunc on timestamptz is not).
create function private.bucket_1m(ts timestamptz) returns timestamptz
language sql immutable parallel safe set search_path = '' as $$
  select pg_catalog.date_bin('1 minute', ts, timestamptz '2000-01-01 00:00:00+00')
$$;
create function private.bucket_5m(ts timestamptz) returns timestamptz
language sql immutable parallel safe set search_path = '' as $$
  select pg_catalog.date_bin('5 minutes', ts, timestamptz '2000-01-01 00:00:00+00')
$$;
create function private.bucket_1h(ts timestamptz) returns timestamptz
language sql immutable parallel safe set search_path = '' as $$
  select pg_catalog.date_bin('1 hour', ts, timestamptz '2000-01-01 00:00:00+00')
$$;

-- The incremental refresh. Each pass handles the window [metrics_through - late, ...):
--   1m:  the window's raw samples are aggregated ONCE; only buckets whose aggregate differs from
--        the stored one are written (replace: samples arriving within `late` simply become part of
--        the next recomputation); backlog rows older than the window are added to their buckets.
--   5m:  exactly the 5-minute buckets containing a 1m bucket written above, recomputed from 1m.
--   1h:  hours the window can no longer change (before hours_through) are built once from 5m; a
--        backlog row in such an hour recomputes that hour.
--   vitals: the newest 1-minute average of the overview series (from the same aggregate) and the
--        cpu trend, for the servers that reported.
--   checks: results in [checks_through, now - late) are added to their hours, the backlog's older
--        ones too, in one statement; results newer than checks_through are read raw by the
--        dashboard (at most a couple of minutes of rows per monitor).
-- Exactly once: the trigger sends rows older than 90 s to the backlog, the window starts 120 s
-- before the previous run's watermark, and backlog and raw are read in one statement (one
-- snapshot) — so a row is counted by the window or by the backlog, never both, never neither
-- (as long as an ingest transaction commits within 30 s of its insert).
-- Catching up (first run, or after downtime) goes in spans of p_max_span until p_budget is used;
-- the next call continues. Concurrent calls serialise on the state row.
create function private.refresh_rollups(
  p_late interval default interval '2 minutes',
  p_max_span interval default interval '1 hour',
  p_budget interval default interval '20 seconds'
) returns jsonb language plpgsql set search_path = '' as $$
declare
  st record;
  started timestamptz := clock_timestamp();
  -- the oldest bucket that has a 1m/5m partition (maintain_rollups keeps 8 days)
  floor_ts timestamptz := date_trunc('day', now() at time zone 'utc') at time zone 'utc' - interval '7 days';
  latest_names text[] := array['cpu.percent', 'memory.used_percent', 'disk.used_percent', 'load.1'];
  w_from timestamptz;
  w_to timestamptz;
  next_w timestamptz;
  hours_target timestamptz;
  c_from timestamptz;
  c_to timestamptz;
  c_target timestamptz;
  touched_series integer[];
  touched_buckets timestamptz[];
  touched_servers uuid[];
  trend_from timestamptz;
  n bigint;
  n_1m bigint := 0;
  n_late bigint := 0;
  n_5m bigint := 0;
  n_1h bigint := 0;
  n_vitals bigint := 0;
  n_checks bigint := 0;
  passes integer := 0;
begin
  select * into st from private.rollup_state where id for update;
  -- the window's aggregate is ~3 buckets per series: keep it in memory
  perform pg_catalog.set_config('work_mem', '64MB', true);
  perform private.ensure_daily_partitions('public.metric_rollups_1m', 0, 1);
  perform private.ensure_daily_partitions('public.metric_rollups_5m', 0, 1);

  loop
    passes := passes + 1;
    w_from := greatest(st.metrics_through - p_late, floor_ts);
    if st.metrics_through + p_max_span < now() then
      w_to := greatest(st.metrics_through, floor_ts) + p_max_span;
      next_w := w_to;
    else
      w_to := 'infinity';
      next_w := private.bucket_1m(now());
    end if;

    -- 1m, latest values: one snapshot for backlog and raw (see above)
    with taken as (
      delete from private.metric_rollup_backlog returning *
    ),
    late_rows as (
      select t.series_id, t.bucket, sum(t.sum_value) as s, sum(t.sample_count)::integer as c,
             min(t.min_value) as lo, max(t.max_value) as hi
      from taken t
      where t.bucket < w_from and t.bucket >= floor_ts
      group by 1, 2
    ),
    merged as (
      insert into public.metric_rollups_1m as r (series_id, bucket, sum_value, sample_count, min_value, max_value)
      select series_id, bucket, s, c, lo, hi from late_rows
      on conflict (series_id, bucket) do update set
        sum_value = r.sum_value + excluded.sum_value,
        sample_count = r.sample_count + excluded.sample_count,
        min_value = least(r.min_value, excluded.min_value),
        max_value = greatest(r.max_value, excluded.max_value)
      returning r.series_id, r.bucket
    ),
    agg as materialized (
      select m.series_id, private.bucket_1m(m.ts) as bucket, sum(m.value) as s, count(*)::integer as c,
             min(m.value) as lo, max(m.value) as hi
      from public.metric_samples m
      where m.ts >= w_from and m.ts < w_to
      group by 1, 2
    ),
    changed as (
      select a.* from agg a
      left join public.metric_rollups_1m r
        on r.series_id = a.series_id and r.bucket = a.bucket and r.bucket >= w_from
      where r.series_id is null
         or (r.sum_value, r.sample_count, r.min_value, r.max_value) is distinct from (a.s, a.c, a.lo, a.hi)
    ),
    fresh as (
      insert into public.metric_rollups_1m as r (series_id, bucket, sum_value, sample_count, min_value, max_value)
      select series_id, bucket, s, c, lo, hi from changed
      on conflict (series_id, bucket) do update set
        sum_value = excluded.sum_value, sample_count = excluded.sample_count,
        min_value = excluded.min_value, max_value = excluded.max_value
      returning r.series_id, r.bucket
    ),
    latest as (
      insert into public.metric_latest as l (series_id, ts, value)
      select distinct on (a.series_id) a.series_id, a.bucket, a.s / a.c
      from agg a join public.metric_series ms on ms.id = a.series_id and ms.name = any (latest_names)
      order by a.series_id, a.bucket desc
      on conflict (series_id) do update set ts = excluded.ts, value = excluded.value
      where excluded.ts >= l.ts and excluded.value is distinct from l.value
      returning l.series_id
    ),
    touched as (
      select series_id, bucket from merged union all select series_id, bucket from fresh
    )
    select (select array_agg(series_id) from touched), (select array_agg(bucket) from touched),
           (select count(*) from fresh), (select count(*) from merged),
           (select array_agg(distinct ms.server_id) from latest join public.metric_series ms on ms.id = latest.series_id)
      into touched_series, touched_buckets, n, n_late, touched_servers;
    n_1m := n_1m + n;

    if touched_series is not null then
      -- 5m buckets holding a written 1m bucket, recomputed from 1m
      with k as (
        select distinct u.s, private.bucket_5m(u.b) as b5 from unnest(touched_series, touched_buckets) as u(s, b)
      )
      insert into public.metric_rollups_5m as r (series_id, bucket, sum_value, sample_count, min_value, max_value)
      select o.series_id, k.b5, sum(o.sum_value), sum(o.sample_count), min(o.min_value), max(o.max_value)
      from k join public.metric_rollups_1m o
        on o.series_id = k.s and o.bucket >= k.b5 and o.bucket < k.b5 + interval '5 minutes'
      where o.bucket >= (select min(b5) from k)
      group by 1, 2
      on conflict (series_id, bucket) do update set
        sum_value = excluded.sum_value, sample_count = excluded.sample_count,
        min_value = excluded.min_value, max_value = excluded.max_value;
      get diagnostics n = row_count;
      n_5m := n_5m + n;

      -- settled hours the backlog touched, recomputed from 5m
      with k as (
        select distinct u.s, private.bucket_1h(u.b) as h from unnest(touched_series, touched_buckets) as u(s, b)
        where u.b < st.hours_through
      )
      insert into public.metric_rollups_1h as r (series_id, bucket, sum_value, sample_count, min_value, max_value)
      select o.series_id, k.h, sum(o.sum_value), sum(o.sample_count), min(o.min_value), max(o.max_value)
      from k join public.metric_rollups_5m o
        on o.series_id = k.s and o.bucket >= k.h and o.bucket < k.h + interval '1 hour'
      group by 1, 2
      on conflict (series_id, bucket) do update set
        sum_value = excluded.sum_value, sample_count = excluded.sample_count,
        min_value = excluded.min_value, max_value = excluded.max_value;
    end if;

    if touched_servers is not null then
      trend_from := private.bucket_5m(now()) - interval '115 minutes';
      with srv as (
        select s.id, s.org_id from public.servers s where s.id = any (touched_servers)
      ),
      now_values as (
        select ms.server_id,
               avg(l.value) filter (where ms.name = 'cpu.percent') as cpu,
               avg(l.value) filter (where ms.name = 'memory.used_percent') as mem,
               max(l.value) filter (where ms.name = 'disk.used_percent') as disk,
               avg(l.value) filter (where ms.name = 'load.1') as load_1,
               max(l.ts) as metrics_at
        from public.metric_series ms join public.metric_latest l on l.series_id = ms.id
        where ms.server_id = any (touched_servers) and ms.name = any (latest_names)
        group by 1
      ),
      cpu5 as (
        select ms.server_id, r.bucket, sum(r.sum_value) / nullif(sum(r.sample_count), 0) as avg
        from public.metric_series ms join public.metric_rollups_5m r on r.series_id = ms.id
        where ms.server_id = any (touched_servers) and ms.name = 'cpu.percent' and r.bucket >= trend_from
        group by 1, 2
      ),
      trend as (
        select srv.id as server_id, array_agg(cpu5.avg::real order by g.i) as cpu_trend
        from srv cross join generate_series(0, 23) as g(i)
        left join cpu5 on cpu5.server_id = srv.id and cpu5.bucket = trend_from + g.i * interval '5 minutes'
        group by 1
      )
      insert into public.server_vitals as v (server_id, org_id, cpu_percent, memory_used_percent, disk_used_percent,
                                             load_1, metrics_at, trend_from, cpu_trend, updated_at)
      select srv.id, srv.org_id, nv.cpu, nv.mem, nv.disk, nv.load_1, nv.metrics_at, trend_from, trend.cpu_trend, now()
      from srv
      left join now_values nv on nv.server_id = srv.id
      join trend on trend.server_id = srv.id
      on conflict (server_id) do update set
        cpu_percent = excluded.cpu_percent, memory_used_percent = excluded.memory_used_percent,
        disk_used_percent = excluded.disk_used_percent, load_1 = excluded.load_1, metrics_at = excluded.metrics_at,
        trend_from = excluded.trend_from, cpu_trend = excluded.cpu_trend, updated_at = excluded.updated_at;
      n_vitals := n_vitals + cardinality(touched_servers);
    end if;

    st.metrics_through := next_w;

    -- 1h: hours whose 5m buckets the window can no longer change
    hours_target := private.bucket_1h(greatest(st.metrics_through - p_late, floor_ts));
    if hours_target > st.hours_through then
      insert into public.metric_rollups_1h as r (series_id, bucket, sum_value, sample_count, min_value, max_value)
      select o.series_id, private.bucket_1h(o.bucket), sum(o.sum_value), sum(o.sample_count),
             min(o.min_value), max(o.max_value)
      from public.metric_rollups_5m o
      where o.bucket >= greatest(st.hours_through, floor_ts) and o.bucket < hours_target
      group by 1, 2
      on conflict (series_id, bucket) do update set
        sum_value = excluded.sum_value, sample_count = excluded.sample_count,
        min_value = excluded.min_value, max_value = excluded.max_value;
      get diagnostics n = row_count;
      n_1h := n_1h + n;
      st.hours_through := hours_target;
    end if;

    -- checks: backlog (before checks_through) and results in [checks_through, c_to), one snapshot;
    -- runs even when no minute completed since the last pass, so late results still get merged
    c_target := private.bucket_1m(now() - p_late);
    c_from := st.checks_through;
    c_to := greatest(c_from, least(c_target, c_from + p_max_span));
    with taken as (
      delete from private.check_rollup_backlog returning *
    ),
    counted as (
      select t.monitor_id, private.bucket_1h(t.minute) as bucket, t.org_id,
             t.ok_count as ok, t.degraded_count as degraded, t.down_count as down
      from taken t where t.minute < c_from
      union all
      select c.monitor_id, private.bucket_1h(c.ts), c.org_id,
             (c.status = 'ok')::integer, (c.status = 'degraded')::integer, (c.status = 'down')::integer
      from public.check_results c
      where c.ts >= c_from and c.ts < c_to and c.status <> 'unsupported'
    )
    insert into public.check_rollups_1h as r (monitor_id, bucket, org_id, ok_count, degraded_count, down_count)
    select monitor_id, bucket, org_id, sum(ok), sum(degraded), sum(down)
    from counted
    group by 1, 2, 3
    on conflict (monitor_id, bucket) do update set
      ok_count = r.ok_count + excluded.ok_count,
      degraded_count = r.degraded_count + excluded.degraded_count,
      down_count = r.down_count + excluded.down_count;
    get diagnostics n = row_count;
    n_checks := n_checks + n;
    st.checks_through := c_to;

    exit when w_to = 'infinity' and st.checks_through >= c_target;
    exit when clock_timestamp() - started > p_budget;
  end loop;

  update private.rollup_state set
    metrics_through = st.metrics_through,
    hours_through = st.hours_through,
    checks_through = st.checks_through,
    last_run_at = now()
  where id;

  return jsonb_build_object(
    'passes', passes,
    'rollups_1m', n_1m, 'late_1m', n_late, 'rollups_5m', n_5m, 'rollups_1h', n_1h,
    'vitals', n_vitals, 'check_hours', n_checks,
    'metrics_through', st.metrics_through, 'checks_through', st.checks_through,
    'caught_up', w_to = 'infinity' and st.checks_through >= c_target);
end
$$;

-- Partitions ahead, tiers within their windows, organizations within their retention.
-- Per-organization deletes run once per distinct retention value with a constant time bound, so
-- BRIN and partition pruning limit them to rows past that bound (in steady state: the last hour's).
create function private.maintain_rollups(days_ahead integer default 3) returns jsonb
language plpgsql set search_path = '' as $$
declare
  today date := (now() at time zone 'utc')::date;
  created integer;
  dropped integer;
  deleted bigint := 0;
  n bigint;
  keep_days integer;
  cutoff timestamptz;
begin
  created := private.ensure_daily_partitions('public.metric_rollups_1m', 8, days_ahead)
           + private.ensure_daily_partitions('public.metric_rollups_5m', 8, days_ahead);
  dropped := private.drop_daily_partitions_before('public.metric_rollups_1m', today - 8)
           + private.drop_daily_partitions_before('public.metric_rollups_5m', today - 35);

  delete from public.metric_rollups_1h where bucket < now() - interval '400 days';
  get diagnostics n = row_count; deleted := deleted + n;
  delete from public.check_rollups_1h where bucket < now() - interval '400 days';
  get diagnostics n = row_count; deleted := deleted + n;

  for keep_days in select distinct o.raw_retention_days from public.organizations o where o.raw_retention_days < 400 loop
    cutoff := now() - make_interval(days => keep_days);
    if keep_days < 8 then
      delete from public.metric_rollups_1m r
      where r.bucket < cutoff and r.series_id in (
        select s.id from public.metric_series s join public.organizations o on o.id = s.org_id
        where o.raw_retention_days = keep_days);
      get diagnostics n = row_count; deleted := deleted + n;
    end if;
    if keep_days < 35 then
      delete from public.metric_rollups_5m r
      where r.bucket < cutoff and r.series_id in (
        select s.id from public.metric_series s join public.organizations o on o.id = s.org_id
        where o.raw_retention_days = keep_days);
      get diagnostics n = row_count; deleted := deleted + n;
    end if;
    delete from public.metric_rollups_1h r
    where r.bucket < cutoff and r.series_id in (
      select s.id from public.metric_series s join public.organizations o on o.id = s.org_id
      where o.raw_retention_days = keep_days);
    get diagnostics n = row_count; deleted := deleted + n;
    delete from public.check_rollups_1h r
    where r.bucket < cutoff and r.org_id in (select o.id from public.organizations o where o.raw_retention_days = keep_days);
    get diagnostics n = row_count; deleted := deleted + n;
  end loop;

  -- latest values and vitals of deleted servers (small tables)
  delete from public.metric_latest l where not exists (select 1 from public.metric_series s where s.id = l.series_id);
  get diagnostics n = row_count; deleted := deleted + n;
  delete from public.server_vitals v where not exists (select 1 from public.servers s where s.id = v.server_id);
  get diagnostics n = row_count; deleted := deleted + n;

  return jsonb_build_object('created', created, 'dropped', dropped, 'deleted_rows', deleted);
end
$$;

-- Watermarks the dashboard's queries need to add the newest raw rows (not security-sensitive).
create function private.rollup_watermarks() returns table (hours_through timestamptz, checks_through timestamptz)
language sql stable security definer set search_path = '' as $$
  select s.hours_through, s.checks_through from private.rollup_state s where s.id
$$;

revoke all on function private.capture_late_samples() from public, anon, authenticated;
revoke all on function private.capture_late_checks() from public, anon, authenticated;
revoke all on function private.refresh_rollups(interval, interval, interval) from public, anon, authenticated;
revoke all on function private.maintain_rollups(integer) from public, anon, authenticated;
revoke all on function private.rollup_watermarks() from public, anon;
grant execute on function private.rollup_watermarks() to authenticated, service_role;
grant execute on function private.bucket_1m(timestamptz) to authenticated, service_role;
grant execute on function private.bucket_5m(timestamptz) to authenticated, service_role;
grant execute on function private.bucket_1h(timestamptz) to authenticated, service_role;

select private.maintain_rollups();

-- Cloud: pg_cron runs the refresh every 30 s and the retention hourly; no-op without pg_cron
-- (custos-server's scheduler runs both).
do $cron$
begin
  if exists (select 1 from pg_extension where extname = 'pg_cron') then
    perform cron.schedule('custos-refresh-rollups', '30 seconds', 'select private.refresh_rollups()');
    perform cron.schedule('custos-maintain-rollups', '17 * * * *', 'select private.maintain_rollups()');
  end if;
end
$cron$;
