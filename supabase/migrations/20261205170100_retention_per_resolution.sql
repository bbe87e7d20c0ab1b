-- Retention per resolution (issue 16, decision 0043). Each tier is kept per organization by its
-- effective retention, from the organization's plan (public.plans, 20261205170000):
--   metric_samples, check_results   raw: least(organizations.raw_retention_days, plan.retention_raw_days)
--   metric_rollups_1m               plan.retention_1m_days
--   metric_rollups_5m               plan.retention_5m_days
--   metric_rollups_1h               plan.retention_1h_days
--   check_rollups_1h                plan.retention_1h_days (the status bars' and uptime's tier)
-- Before this, one setting (raw_retention_days) also bounded every rollup, and the rollup tiers had
-- fixed windows (1m 8 days, 5m 35, 1h 400). The 'unlimited' plan (custos-server's default) keeps
-- 1m 8 and 5m 35 days and raw per the organization as before; its 1-hour rollups are now kept
-- 3650 days instead of min(400, raw_retention_days): nothing an existing installation had is lost.
--
-- Partitioned tiers (raw, 1m, 5m: daily partitions shared by all organizations) drop whole days
-- past the LONGEST retention any organization has for that tier; inside what remains, the rows of
-- organizations with a shorter retention are deleted, one statement per distinct retention value,
-- with constant bounds [lower, cutoff) so partition pruning and BRIN reach only the rows that
-- expired since the previous run (metric_samples has no index by series: an unbounded delete
-- would read every older partition each hour). `lower` is the previous run's cutoff for that
-- value, since everything older was deleted then — except rows that may have been written since
-- (ingest accepts samples up to 7 days old; the refresh rebuilds rollups up to 8 days back, in
-- buckets that start up to an hour earlier), so `lower` is at most the previous run - 7 days 1 h
-- for raw rows and - 8 days 2 h for rollups. An organization whose retention got shorter
-- since the previous run (a downgrade: Pro -> Free, or a smaller raw_retention_days) has its
-- rows between its old and new cutoffs deleted once, by its own statement.

create table private.retention_runs (
  tier text primary key,
  ran_at timestamptz not null,
  -- the longest retention of the tier at that run: everything older was deleted then
  longest_days integer not null
);
-- the retention each organization had at the last run per tier, to see downgrades
create table private.retention_applied (
  org_id uuid not null references public.organizations (id) on delete cascade,
  tier text not null,
  days integer not null,
  primary key (org_id, tier)
);
alter table private.retention_runs enable row level security;
alter table private.retention_applied enable row level security;
revoke all on private.retention_runs, private.retention_applied from public, anon, authenticated;

-- Days an organization keeps raw samples and check results: its own setting within its plan's.
-- Not security definer: the dashboard calls it as the caller (RLS: their organizations only), to
-- read the hourly rollups where raw rows are gone (monitors/response-times.ts).
create function private.raw_retention_days(p_org uuid) returns integer
language sql stable set search_path = '' as $$
  select least(o.raw_retention_days, p.retention_raw_days)
  from public.organizations o join public.plans p on p.id = o.plan_id
  where o.id = p_org
$$;

-- Days each organization keeps a resolution ('raw', '1m', '5m', '1h').
create function private.retention_days(p_resolution text) returns table (org_id uuid, days integer)
language sql stable set search_path = '' as $$
  select o.id,
         case p_resolution
           when 'raw' then private.raw_retention_days(o.id)
           when '1m' then p.retention_1m_days
           when '5m' then p.retention_5m_days
           when '1h' then p.retention_1h_days
         end
  from public.organizations o join public.plans p on p.id = o.plan_id
$$;

-- Applies one resolution's retention to one table (see the header). Returns
-- {"dropped": partitions dropped, "deleted": rows deleted}.
create function private.enforce_retention(
  p_table regclass, p_resolution text, p_time_column text, p_by_series boolean
) returns jsonb language plpgsql set search_path = '' as $$
declare
  today date := (now() at time zone 'utc')::date;
  run record;
  -- everything written since the previous run is newer than this: ingest takes samples up to
  -- 7 days old; the refresh rebuilds rollups from the start of the day 7 days back (up to 8 days)
  -- into buckets that start up to an hour before their first sample
  late_floor timestamptz;
  longest integer;
  g record;
  n bigint;
  dropped integer := 0;
  deleted bigint := 0;
  by_org text := format(
    'delete from %s t where t.%I >= $1 and t.%I < $2 and ', p_table, p_time_column, p_time_column
  ) || case when p_by_series
         then 't.series_id in (select s.id from public.metric_series s where s.org_id = any ($3))'
         else 't.org_id = any ($3)' end;
begin
  if p_resolution is null or p_resolution not in ('raw', '1m', '5m', '1h') then
    raise exception 'unknown resolution %', p_resolution using errcode = '22023';
  end if;
  select r.ran_at, r.longest_days into run from private.retention_runs r where r.tier = p_table::text;
  late_floor := run.ran_at - case when p_resolution = 'raw' then interval '7 days 1 hour' else interval '8 days 2 hours' end;
  -- never below the 8 days that ingest and the refresh write into
  longest := greatest(8, coalesce((select max(r.days) from private.retention_days(p_resolution) r), 8));

  if exists (select 1 from pg_catalog.pg_partitioned_table t where t.partrelid = p_table) then
    dropped := private.drop_daily_partitions_before(p_table, today - longest);
  end if;
  -- rows past every organization's retention, including orphans of deleted series, monitors and
  -- organizations (an unpartitioned table has no other way to lose them)
  execute format('delete from %s t where t.%I >= $1 and t.%I < $2', p_table, p_time_column, p_time_column)
    using coalesce(least(run.ran_at - make_interval(days => run.longest_days), late_floor), '-infinity'),
          now() - make_interval(days => longest);
  get diagnostics n = row_count; deleted := deleted + n;

  -- downgrades since the previous run: each such organization's rows between its two cutoffs
  for g in
    select r.org_id, r.days, a.days as was
    from private.retention_days(p_resolution) r
    join private.retention_applied a on a.org_id = r.org_id and a.tier = p_table::text
    where r.days < a.days
  loop
    execute by_org using coalesce(least(run.ran_at - make_interval(days => g.was), late_floor), '-infinity'),
                         now() - make_interval(days => g.days), array[g.org_id];
    get diagnostics n = row_count; deleted := deleted + n;
  end loop;

  -- every retention value shorter than the longest: what expired since the previous run
  for g in
    select r.days, array_agg(r.org_id) as orgs
    from private.retention_days(p_resolution) r where r.days < longest group by r.days
  loop
    execute by_org using coalesce(least(run.ran_at - make_interval(days => g.days), late_floor), '-infinity'),
                         now() - make_interval(days => g.days), g.orgs;
    get diagnostics n = row_count; deleted := deleted + n;
  end loop;

  insert into private.retention_applied as a (org_id, tier, days)
  select r.org_id, p_table::text, r.days from private.retention_days(p_resolution) r
  on conflict (org_id, tier) do update set days = excluded.days where a.days <> excluded.days;
  insert into private.retention_runs as x (tier, ran_at, longest_days) values (p_table::text, now(), longest)
  on conflict (tier) do update set ran_at = excluded.ran_at, longest_days = excluded.longest_days;
  return jsonb_build_object('dropped', dropped, 'deleted', deleted);
end
$$;

-- Same signature and result as before (maintain-partitions.ts, the job table, pg_cron).
-- Partitions for the last 8 days always exist, so any timestamp ingest accepts has one.
create or replace function private.maintain_partitions(days_ahead integer default 3)
returns jsonb language plpgsql set search_path = '' as $$
declare
  created integer;
  samples jsonb;
  checks jsonb;
begin
  -- one maintenance at a time: the retention state is read, then written
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('custos.maintain_partitions'));
  created := private.ensure_daily_partitions('public.metric_samples', 8, days_ahead)
           + private.ensure_daily_partitions('public.check_results', 8, days_ahead);
  samples := private.enforce_retention('public.metric_samples', 'raw', 'ts', true);
  checks := private.enforce_retention('public.check_results', 'raw', 'ts', false);

  -- batch ids only need to outlive the oldest batch an agent may still replay
  delete from public.ingest_batches b where b.received_at < now() - interval '8 days';

  return jsonb_build_object(
    'created', created,
    'dropped', (samples ->> 'dropped')::integer + (checks ->> 'dropped')::integer,
    'deleted_rows', (samples ->> 'deleted')::bigint + (checks ->> 'deleted')::bigint);
end
$$;

-- Same signature and result as before (maintain-rollups.ts, the job table, pg_cron). The 1m/5m
-- partitions are created 8 days back (what the refresh may still write) and kept as long as the
-- longest plan in use says (e.g. 365 days of 5m for Enterprise).
create or replace function private.maintain_rollups(days_ahead integer default 3) returns jsonb
language plpgsql set search_path = '' as $$
declare
  created integer;
  r jsonb;
  dropped integer := 0;
  deleted bigint := 0;
  n bigint;
begin
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('custos.maintain_rollups'));
  created := private.ensure_daily_partitions('public.metric_rollups_1m', 8, days_ahead)
           + private.ensure_daily_partitions('public.metric_rollups_5m', 8, days_ahead);
  foreach r in array array[
    private.enforce_retention('public.metric_rollups_1m', '1m', 'bucket', true),
    private.enforce_retention('public.metric_rollups_5m', '5m', 'bucket', true),
    private.enforce_retention('public.metric_rollups_1h', '1h', 'bucket', true),
    private.enforce_retention('public.check_rollups_1h', '1h', 'bucket', false)]
  loop
    dropped := dropped + (r ->> 'dropped')::integer;
    deleted := deleted + (r ->> 'deleted')::bigint;
  end loop;

  -- latest values and vitals of deleted servers (small tables)
  delete from public.metric_latest l where not exists (select 1 from public.metric_series s where s.id = l.series_id);
  get diagnostics n = row_count; deleted := deleted + n;
  delete from public.server_vitals v where not exists (select 1 from public.servers s where s.id = v.server_id);
  get diagnostics n = row_count; deleted := deleted + n;

  return jsonb_build_object('created', created, 'dropped', dropped, 'deleted_rows', deleted);
end
$$;

revoke all on function private.raw_retention_days(uuid) from public, anon;
grant execute on function private.raw_retention_days(uuid) to authenticated, service_role;
revoke all on function private.retention_days(text) from public, anon, authenticated;
revoke all on function private.enforce_retention(regclass, text, text, boolean) from public, anon, authenticated;
revoke all on function private.maintain_partitions(integer) from public, anon, authenticated;
revoke all on function private.maintain_rollups(integer) from public, anon, authenticated;
