-- Response times in the hourly check rollups (decision 0046): per monitor and hour the sum, count,
-- minimum and maximum of the results' latency_ms, so the monitor page charts 90 and 365 days from
-- at most 8,760 rollup rows instead of raw results (which a 60-s probe writes 525,600 of a year).
--
--   latency_count   results of the hour that carry a latency (ok/degraded/down; `unsupported` is
--                   not counted, as in the status counts). 0: the hour has results, none timed.
--                   NULL: the hour was counted before this migration; it has no response times,
--                   and the chart says so ("no response times before …") instead of drawing zero.
--   latency_sum_ms  double precision: a year of real-valued sums would lose the fraction in a real
--   latency_min_ms / latency_max_ms   real, like check_results.latency_ms; NULL when count is 0
--
-- No backfill: raw results live as long as the rollups, so existing hours could be recomputed,
-- but that is a full read of check_results under the refresh's lock; the charts of 30 days and
-- less read raw results anyway, and older hours say they have no response times.
-- Only the check part of private.refresh_rollups changes (it is redefined whole: plpgsql has no
-- partial replace); the late-results trigger carries latencies into the backlog too.
-- private.maintain_rollups / maintain_partitions (retention) are not touched here.

alter table public.check_rollups_1h
  add column latency_sum_ms double precision,
  add column latency_count integer,
  add column latency_min_ms real,
  add column latency_max_ms real;

-- Backlog rows written before this migration carry no latency: they add 0 timed results.
alter table private.check_rollup_backlog
  add column latency_sum_ms double precision,
  add column latency_count integer not null default 0,
  add column latency_min_ms real,
  add column latency_max_ms real;

create or replace function private.capture_late_checks() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  insert into private.check_rollup_backlog (monitor_id, org_id, minute, ok_count, degraded_count, down_count,
                                            latency_sum_ms, latency_count, latency_min_ms, latency_max_ms)
  select n.monitor_id, n.org_id, private.bucket_1m(n.ts),
         count(*) filter (where n.status = 'ok'), count(*) filter (where n.status = 'degraded'),
         count(*) filter (where n.status = 'down'),
         sum(n.latency_ms::double precision), count(n.latency_ms), min(n.latency_ms), max(n.latency_ms)
  from new_results n
  where n.ts < now() - interval '90 seconds' and n.status <> 'unsupported'
  group by 1, 2, 3;
  return null;
end
$$;

-- The refresh of 20261122000900_rollups.sql with the check part summing latencies (see the
-- comments there for the window, backlog and exactly-once rules).
create or replace function private.refresh_rollups(
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
             t.ok_count as ok, t.degraded_count as degraded, t.down_count as down,
             t.latency_sum_ms as lat_sum, t.latency_count as lat_n, t.latency_min_ms as lat_lo, t.latency_max_ms as lat_hi
      from taken t where t.minute < c_from
      union all
      select c.monitor_id, private.bucket_1h(c.ts), c.org_id,
             (c.status = 'ok')::integer, (c.status = 'degraded')::integer, (c.status = 'down')::integer,
             c.latency_ms::double precision, (c.latency_ms is not null)::integer, c.latency_ms, c.latency_ms
      from public.check_results c
      where c.ts >= c_from and c.ts < c_to and c.status <> 'unsupported'
    )
    insert into public.check_rollups_1h as r (monitor_id, bucket, org_id, ok_count, degraded_count, down_count,
                                              latency_sum_ms, latency_count, latency_min_ms, latency_max_ms)
    select monitor_id, bucket, org_id, sum(ok), sum(degraded), sum(down),
           sum(lat_sum), sum(lat_n), min(lat_lo), max(lat_hi)
    from counted
    group by 1, 2, 3
    on conflict (monitor_id, bucket) do update set
      ok_count = r.ok_count + excluded.ok_count,
      degraded_count = r.degraded_count + excluded.degraded_count,
      down_count = r.down_count + excluded.down_count,
      -- an hour counted before the latency columns existed stays without response times (its
      -- latency_count is null): a part of an hour would pass for the whole hour
      latency_sum_ms = case when r.latency_count is not null
        then coalesce(r.latency_sum_ms + excluded.latency_sum_ms, r.latency_sum_ms, excluded.latency_sum_ms) end,
      latency_count = r.latency_count + excluded.latency_count,
      latency_min_ms = case when r.latency_count is not null then least(r.latency_min_ms, excluded.latency_min_ms) end,
      latency_max_ms = case when r.latency_count is not null then greatest(r.latency_max_ms, excluded.latency_max_ms) end;
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
