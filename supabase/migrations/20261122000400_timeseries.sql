-- Time series: metric series (name + labels per server), raw samples and check results in
-- daily range partitions, batch ids for idempotent ingest, and the partition maintenance.

create table public.metric_series (
  id integer generated always as identity primary key,
  org_id uuid not null references public.organizations (id) on delete cascade,
  server_id uuid not null references public.servers (id) on delete cascade,
  name text not null,
  labels jsonb not null default '{}',
  created_at timestamptz not null default now(),
  unique (server_id, name, labels)
);
create index metric_series_org_id_idx on public.metric_series (org_id);

-- Raw samples: 20 bytes of data per row (ts, value, series_id), no per-row org or text, and only
-- a BRIN index on ts, so a sample costs about 52 bytes on disk. Charts read rollups, not this.
-- No foreign key: samples are written only by the ingest verb, which resolves series ids itself.
create table public.metric_samples (
  ts timestamptz not null,
  value double precision not null,
  series_id integer not null
) partition by range (ts);
create index metric_samples_ts_brin on public.metric_samples using brin (ts) with (pages_per_range = 32);

create table public.check_results (
  ts timestamptz not null,
  org_id uuid not null,
  -- null for backend probes, which belong to the organization rather than a server
  server_id uuid,
  monitor_id uuid not null,
  status public.check_status not null,
  latency_ms real,
  message text
) partition by range (ts);
create index check_results_monitor_ts_idx on public.check_results (monitor_id, ts);
create index check_results_org_id_idx on public.check_results (org_id);

-- One row per accepted batch: a replayed batch id is acknowledged and not stored again.
create table public.ingest_batches (
  server_id uuid not null references public.servers (id) on delete cascade,
  batch_id uuid not null,
  org_id uuid not null,
  kind text not null check (kind in ('metrics', 'checks', 'alerts')),
  item_count integer not null,
  received_at timestamptz not null default now(),
  primary key (server_id, batch_id)
);
create index ingest_batches_org_id_idx on public.ingest_batches (org_id);
create index ingest_batches_received_at_brin on public.ingest_batches using brin (received_at);

alter table public.metric_series enable row level security;
alter table public.metric_samples enable row level security;
alter table public.check_results enable row level security;
alter table public.ingest_batches enable row level security;

create policy "members read metric series" on public.metric_series
  for select to authenticated using (org_id in (select private.user_org_ids()));
create policy "members read metric samples" on public.metric_samples
  for select to authenticated using (
    series_id in (select s.id from public.metric_series s where s.org_id in (select private.user_org_ids()))
  );
create policy "members read check results" on public.check_results
  for select to authenticated using (org_id in (select private.user_org_ids()));
create policy "members read ingest batches" on public.ingest_batches
  for select to authenticated using (org_id in (select private.user_org_ids()));

-- Partition names carry their UTC day: <table>_pYYYYMMDD.
create function private.ensure_daily_partitions(parent regclass, days_behind integer, days_ahead integer)
returns integer language plpgsql set search_path = '' as $$
declare
  today date := (now() at time zone 'utc')::date;
  day date;
  part text;
  created integer := 0;
  parent_name text := (select c.relname from pg_catalog.pg_class c where c.oid = parent);
  parent_schema text := (select n.nspname from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace where c.oid = parent);
begin
  for day in select d::date from generate_series(today - days_behind, today + days_ahead, interval '1 day') d loop
    part := parent_name || '_p' || to_char(day, 'YYYYMMDD');
    if not exists (
      select 1 from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where c.relname = part and n.nspname = parent_schema
    ) then
      execute format(
        'create table %I.%I partition of %s for values from (%L) to (%L)',
        parent_schema, part, parent,
        (day::timestamp at time zone 'utc'), ((day + 1)::timestamp at time zone 'utc')
      );
      -- A partition does not inherit RLS from its parent and would get the API roles' default
      -- grants: reading a partition directly must not bypass the parent's policies.
      execute format('alter table %I.%I enable row level security', parent_schema, part);
      execute format('revoke all on %I.%I from anon, authenticated', parent_schema, part);
      created := created + 1;
    end if;
  end loop;
  return created;
end
$$;

-- Drops every partition of `parent` whose whole day lies before `keep_from` (a UTC date).
create function private.drop_daily_partitions_before(parent regclass, keep_from date)
returns integer language plpgsql set search_path = '' as $$
declare
  part record;
  dropped integer := 0;
begin
  for part in
    select n.nspname as schema_name, c.relname as name,
           to_date(substring(c.relname from '_p(\d{8})$'), 'YYYYMMDD') as day
    from pg_catalog.pg_inherits i
    join pg_catalog.pg_class c on c.oid = i.inhrelid
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where i.inhparent = parent and c.relname ~ '_p\d{8}$'
  loop
    if part.day < keep_from then
      execute format('drop table %I.%I', part.schema_name, part.name);
      dropped := dropped + 1;
    end if;
  end loop;
  return dropped;
end
$$;

-- The one maintenance entry point (scheduler in custos-server, pg_cron in the cloud).
-- Partitions are shared by all orgs: whole days older than the longest retention of any org
-- are dropped; orgs with a shorter retention have their older rows deleted inside the
-- partitions that remain. Partitions for the last 8 days always exist, so any timestamp the
-- ingest API accepts (at most 7 days old, 10 minutes ahead) has a partition.
create function private.maintain_partitions(days_ahead integer default 3)
returns jsonb language plpgsql set search_path = '' as $$
declare
  today date := (now() at time zone 'utc')::date;
  longest integer := greatest(8, coalesce((select max(o.raw_retention_days) from public.organizations o), 90));
  created integer := 0;
  dropped integer := 0;
  deleted bigint := 0;
  n bigint;
begin
  created := private.ensure_daily_partitions('public.metric_samples', 8, days_ahead)
           + private.ensure_daily_partitions('public.check_results', 8, days_ahead);
  dropped := private.drop_daily_partitions_before('public.metric_samples', today - longest)
           + private.drop_daily_partitions_before('public.check_results', today - longest);

  delete from public.metric_samples s
  using public.metric_series ms, public.organizations o
  where s.series_id = ms.id and ms.org_id = o.id and o.raw_retention_days < longest
    and s.ts < now() - make_interval(days => o.raw_retention_days);
  get diagnostics n = row_count;
  deleted := deleted + n;

  delete from public.check_results c
  using public.organizations o
  where c.org_id = o.id and o.raw_retention_days < longest
    and c.ts < now() - make_interval(days => o.raw_retention_days);
  get diagnostics n = row_count;
  deleted := deleted + n;

  -- batch ids only need to outlive the oldest batch an agent may still replay
  delete from public.ingest_batches b where b.received_at < now() - interval '8 days';

  return jsonb_build_object('created', created, 'dropped', dropped, 'deleted_rows', deleted);
end
$$;

revoke all on function private.ensure_daily_partitions(regclass, integer, integer) from public, authenticated;
revoke all on function private.drop_daily_partitions_before(regclass, date) from public, authenticated;
revoke all on function private.maintain_partitions(integer) from public, authenticated;

select private.maintain_partitions();

-- Cloud: where pg_cron is installed (Supabase), schedule maintenance hourly. No-op elsewhere;
-- custos-server runs the same function from its scheduler.
do $cron$
begin
  if exists (select 1 from pg_extension where extname = 'pg_cron') then
    perform cron.schedule('custos-maintain-partitions', '7 * * * *', 'select private.maintain_partitions()');
  end if;
end
$cron$;
