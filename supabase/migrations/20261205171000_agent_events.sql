-- The outage log: events the agents report (internet outage started / ended, reboot), listed
-- and exported by the dashboard. Seed 000 asks for a daily CSV of internet outages with start,
-- end and duration; the agent measures them (monotonic clock) and buffers them through the
-- outage, so they arrive when connectivity is back.
-- Decision record: docs/decisions/0044-outage-log.md.

create table public.agent_events (
  org_id uuid not null references public.organizations (id) on delete cascade,
  server_id uuid not null,
  -- drawn by the agent when it recorded the event: a replay stores nothing twice
  id uuid not null,
  kind text not null check (kind in ('outage_started', 'outage_ended', 'reboot')),
  monitor text not null check (char_length(monitor) between 1 and 200),
  occurred_at timestamptz not null,
  started_at timestamptz,
  ended_at timestamptz,
  duration_ms bigint check (duration_ms >= 0),
  -- the API allows 500; this is the last line of defence
  message text not null check (char_length(message) between 1 and 500),
  data jsonb,
  received_at timestamptz not null default now(),
  primary key (server_id, id),
  -- a server of the same organization only (decision 0018)
  constraint agent_events_server_id_fkey foreign key (org_id, server_id)
    references public.servers (org_id, id) on delete cascade
);
-- the org-wide log and the server's log, newest first, keyset-paged on (occurred_at, id)
create index agent_events_org_recent_idx on public.agent_events (org_id, occurred_at desc, id desc);
create index agent_events_server_recent_idx on public.agent_events (server_id, occurred_at desc, id desc);

alter table public.agent_events enable row level security;

create policy "members read agent events" on public.agent_events
  for select to authenticated using (org_id in (select private.user_org_ids()));

-- Read by the dashboard as the caller (RLS filters the rows); written only by ingest with service
-- access, so no insert, update or delete for the API roles (20261205000400_data_api_grants.sql).
grant select on public.agent_events to authenticated;

-- An events batch is an ingest batch like the others: stored once per (server, batch id).
alter table public.ingest_batches drop constraint ingest_batches_kind_check;
alter table public.ingest_batches add constraint ingest_batches_kind_check
  check (kind in ('metrics', 'checks', 'alerts', 'events'));

-- Kept 400 days, then deleted by the backend's `prune-agent-events` job (packages/backend/src/
-- jobs/table.ts: hourly in custos-server, by the cron tick in the cloud). A function of its own,
-- not part of private.maintain_partitions: this table is not partitioned and its bound is a
-- time, not the organization's raw retention. Deletes at most `batch` rows a run, oldest first
-- (the org index has them last), so one run never holds a long lock after a long pause.
create function private.prune_agent_events(keep_days integer default 400, batch integer default 10000)
returns bigint
language sql security definer set search_path = '' as $fn$
  with old as (
    select server_id, id from public.agent_events
    where occurred_at < now() - make_interval(days => keep_days)
    limit batch
  ), gone as (
    delete from public.agent_events e using old
    where e.server_id = old.server_id and e.id = old.id
    returning 1
  )
  select count(*) from gone
$fn$;

revoke all on function private.prune_agent_events(integer, integer) from public, anon, authenticated;
