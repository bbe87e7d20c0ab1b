-- Testing an agent monitor before saving it (decision 0045). An admin asks for one run of a
-- monitor (as central configuration writes it, validated by the API) on one server; the server's
-- agent learns from its heartbeat answer that a test waits, claims it, runs it once and posts the
-- result. Nothing here is a check result or an alert: the row is the whole story.
--
-- Who: every member reads their organization's runs (they hold no secrets: credentials are
-- ${VAR} references, refused in clear by the API, and the agent redacts what it reports); admins
-- and owners create them, naming only themselves; the agent routes claim them and write the
-- result with service access. Bounded: a few pending per server (trigger), and the API deletes a
-- server's runs older than a day (and all but its newest 100) whenever one is created.

create table public.monitor_test_runs (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  server_id uuid not null references public.servers (id) on delete cascade,
  -- as written and validated by the API (CentralMonitor): durations and ${VAR} kept as text
  monitor jsonb not null check (jsonb_typeof(monitor) = 'object' and pg_column_size(monitor) <= 65536),
  status text not null default 'pending'
    check (status in ('pending', 'running', 'done', 'failed', 'expired')),
  -- the agent's outcome (MonitorTestOutcome), or {reason} when it expired
  result jsonb check (result is null or (jsonb_typeof(result) = 'object' and pg_column_size(result) <= 65536)),
  requested_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  claimed_at timestamptz,
  finished_at timestamptz
);
create index monitor_test_runs_org_id_idx on public.monitor_test_runs (org_id);
create index monitor_test_runs_server_idx on public.monitor_test_runs (server_id, created_at);
-- every heartbeat asks whether its server has one waiting: a tiny partial index answers
create index monitor_test_runs_pending_idx on public.monitor_test_runs (server_id) where status = 'pending';

-- The server must be in the run's organization (the same check as a server's configuration entry).
create trigger monitor_test_runs_server_in_org before insert or update on public.monitor_test_runs
  for each row execute function private.monitor_config_server_in_org();

-- A few waiting per server: a script cannot queue thousands of runs for one agent to claim.
create function private.monitor_test_runs_pending_limit() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  -- one insert at a time per server, so two concurrent ones cannot both see room for one
  perform pg_advisory_xact_lock(hashtextextended('monitor_test_runs:' || new.server_id::text, 0));
  if (select count(*) from public.monitor_test_runs
      where server_id = new.server_id and status = 'pending'
        and created_at > now() - interval '2 minutes') >= 5 then
    raise exception 'at most 5 monitor tests may wait for one server''s agent'
      using errcode = 'P0001', hint = 'monitor_test_runs_pending_limit';
  end if;
  return new;
end
$$;
revoke all on function private.monitor_test_runs_pending_limit() from public, anon, authenticated;
create trigger monitor_test_runs_pending_limit before insert on public.monitor_test_runs
  for each row execute function private.monitor_test_runs_pending_limit();

alter table public.monitor_test_runs enable row level security;
create policy "members read monitor tests" on public.monitor_test_runs
  for select to authenticated using (org_id in (select private.user_org_ids()));
create policy "admins request monitor tests" on public.monitor_test_runs
  for insert to authenticated
  with check (
    org_id in (select private.user_org_ids_with_role('admin'))
    and requested_by = (select auth.uid())
    and status = 'pending' and result is null and claimed_at is null and finished_at is null
  );

-- Callers read, and create with the columns a request has; status, result and the times are the
-- agent routes' (service access).
grant select on public.monitor_test_runs to authenticated;
grant insert (org_id, server_id, monitor, requested_by) on public.monitor_test_runs to authenticated;
