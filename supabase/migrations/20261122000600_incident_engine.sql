-- The incident engine: one state machine for every subject (server heartbeat, backend probe,
-- agent monitor), the heartbeat sweep, routing into the outbox, escalation and repeats.
-- State changes, incidents and outbox rows are written in the same transaction; uniqueness
-- constraints (one open incident per subject, one outbox row per incident/channel/event/seq)
-- make every step safe to run twice or concurrently.

alter table public.organizations
  add column flap_threshold integer not null default 5 check (flap_threshold between 2 and 100),
  add column flap_window_minutes integer not null default 30 check (flap_window_minutes between 1 and 1440),
  -- how long backend pages for agent-reported failures wait for the agent's own alert report
  add column agent_dedup_seconds integer not null default 60 check (agent_dedup_seconds between 0 and 3600);

alter table public.monitors
  add column failures_to_open integer not null default 2 check (failures_to_open between 1 and 100),
  add column successes_to_resolve integer not null default 2 check (successes_to_resolve between 1 and 100),
  add column state text not null default 'ok' check (state in ('ok', 'failing')),
  add column consecutive_failures integer not null default 0,
  add column consecutive_successes integer not null default 0,
  add column failing_since timestamptz,
  add column recent_changes timestamptz[] not null default '{}',
  add column flapping_notified_at timestamptz,
  -- backend probes: when the next check is due (phase spread by a per-monitor offset)
  add column interval_seconds integer check (interval_seconds between 10 and 86400),
  add column next_run_at timestamptz;
create index monitors_probe_due_idx on public.monitors (next_run_at) where source = 'probe' and enabled;

alter table public.incidents
  -- when the failure began (last heartbeat seen / first failed check); opened_at is detection
  add column started_at timestamptz;
update public.incidents set started_at = opened_at where started_at is null;
alter table public.incidents alter column started_at set not null, alter column started_at set default now();

alter table public.notification_outbox
  add column claimed_at timestamptz,
  add column suppressed_reason text;

create table public.maintenance_windows (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  -- both null: the whole organization
  server_id uuid references public.servers (id) on delete cascade,
  monitor_id uuid references public.monitors (id) on delete cascade,
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  reason text,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  check (ends_at > starts_at)
);
create index maintenance_windows_org_id_idx on public.maintenance_windows (org_id, ends_at);
alter table public.maintenance_windows enable row level security;
create policy "members read maintenance windows" on public.maintenance_windows
  for select to authenticated using (org_id in (select private.user_org_ids()));
create policy "members manage maintenance windows" on public.maintenance_windows
  for all to authenticated
  using (org_id in (select private.user_org_ids_with_role('member')))
  with check (org_id in (select private.user_org_ids_with_role('member')));

-- Last run of each periodic job: the sweep's grace after the backend was not running.
create table private.job_runs (
  job text primary key,
  last_run_at timestamptz not null,
  resumed_at timestamptz not null
);

-- Writes one outbox row per channel the org's rules route this event to. Rows that must not be
-- sent (maintenance, dependency, restored without a sent down) are recorded as 'suppressed'
-- with the reason, so the incident timeline can say why nobody was paged.
create function private.enqueue_notifications(
  p_incident uuid, p_event text, p_sequence integer default 0, p_channel_ids uuid[] default null
) returns integer language plpgsql set search_path = '' as $$
declare
  inc record;
  v_reason text;
  hold interval := interval '0';
  n integer;
begin
  select i.*, s.status as server_status, o.agent_dedup_seconds
    into inc
    from public.incidents i
    join public.organizations o on o.id = i.org_id
    left join public.servers s on s.id = i.server_id
   where i.id = p_incident;
  if not found then return 0; end if;

  if exists (
    select 1 from public.maintenance_windows w
    where w.org_id = inc.org_id and now() >= w.starts_at and now() < w.ends_at
      and ((w.server_id is null and w.monitor_id is null)
           or w.server_id = inc.server_id or w.monitor_id = inc.monitor_id)
  ) then
    v_reason := 'maintenance window';
  elsif inc.kind <> 'heartbeat' and inc.server_status = 'down' then
    v_reason := 'server is down: its monitors are not paged separately';
  end if;

  if inc.kind = 'agent_check' and p_event = 'down' then
    -- give the agent's own alert report time to arrive (see dispatcher's dedup)
    hold := make_interval(secs => inc.agent_dedup_seconds);
  end if;

  with routed as (
    select distinct c.id as channel_id
    from public.channels c
    where c.org_id = inc.org_id and c.enabled
      and (
        (p_channel_ids is not null and c.id = any (p_channel_ids))
        or (p_channel_ids is null and exists (
          select 1 from public.alert_rules r
          where r.org_id = inc.org_id and r.enabled and c.id = any (r.channel_ids)
            and inc.severity <= r.min_severity
            and (p_event <> 'down' or r.repeat_mode <> 'none')
            and (p_event <> 'restored' or r.notify_restored)
        ))
      )
  )
  insert into public.notification_outbox
    (org_id, incident_id, channel_id, event, sequence, payload, status, suppressed_reason, next_attempt_at)
  select inc.org_id, p_incident, routed.channel_id, p_event, p_sequence, '{}'::jsonb,
         case when coalesce(v_reason, r2.why) is null then 'pending' else 'suppressed' end::public.outbox_status,
         coalesce(v_reason, r2.why),
         now() + hold
  from routed
  left join lateral (
    -- a restored notice only goes where the down notice went
    select 'no down notification was sent on this channel' as why
    where p_event = 'restored' and not exists (
      select 1 from public.notification_outbox d
      where d.incident_id = p_incident and d.channel_id = routed.channel_id
        and d.event in ('down', 'flapping') and d.status in ('pending', 'sending', 'delivered')
    )
  ) r2 on true
  on conflict (incident_id, channel_id, event, sequence) where incident_id is not null do nothing;
  get diagnostics n = row_count;
  return n;
end
$$;

-- Opens the subject's incident unless one is open; returns the new id or null.
create function private.open_incident(
  p_org uuid, p_server uuid, p_monitor uuid, p_subject text, p_kind text,
  p_severity public.severity, p_title text, p_cause text, p_started_at timestamptz
) returns uuid language plpgsql set search_path = '' as $$
declare
  new_id uuid;
begin
  insert into public.incidents (org_id, server_id, monitor_id, subject_key, kind, severity, title, cause, started_at)
  values (p_org, p_server, p_monitor, p_subject, p_kind, p_severity, p_title, p_cause, p_started_at)
  on conflict (subject_key) where resolved_at is null do nothing
  returning id into new_id;
  return new_id;
end
$$;

-- Resolves the subject's open incident; returns its id or null.
create function private.resolve_subject(p_subject text, p_by uuid default null)
returns uuid language plpgsql set search_path = '' as $$
declare
  resolved uuid;
begin
  update public.incidents set status = 'resolved', resolved_at = now(), resolved_by = p_by
   where subject_key = p_subject and resolved_at is null
  returning id into resolved;
  return resolved;
end
$$;

-- One check result through the monitor's state machine. Opens after failures_to_open
-- consecutive failures, resolves after successes_to_resolve successes; more than
-- flap_threshold state changes within flap_window_minutes is flapping: notified once, and
-- new down notices are held back while it lasts (a restored still closes a sent down).
create function private.apply_check(
  p_monitor uuid, p_status public.check_status, p_ts timestamptz, p_message text
) returns void language plpgsql set search_path = '' as $$
declare
  m record;
  failing boolean := p_status in ('down', 'degraded');
  changed boolean := false;
  flapping boolean;
  incident uuid;
  title text;
begin
  if p_status = 'unsupported' then return; end if;
  select mo.*, o.flap_threshold, o.flap_window_minutes, s.name as server_name
    into m
    from public.monitors mo
    join public.organizations o on o.id = mo.org_id
    left join public.servers s on s.id = mo.server_id
   where mo.id = p_monitor
   for update of mo;
  if not found then return; end if;

  if failing then
    m.consecutive_failures := m.consecutive_failures + 1;
    m.consecutive_successes := 0;
    if m.consecutive_failures = 1 then m.failing_since := p_ts; end if;
  else
    m.consecutive_successes := m.consecutive_successes + 1;
    m.consecutive_failures := 0;
  end if;

  if m.state = 'ok' and failing and m.consecutive_failures >= m.failures_to_open then
    m.state := 'failing';
    changed := true;
  elsif m.state = 'failing' and not failing and m.consecutive_successes >= m.successes_to_resolve then
    m.state := 'ok';
    changed := true;
  end if;

  if changed then
    m.recent_changes := array(
      select t from unnest(m.recent_changes || now()) t
      where t > now() - make_interval(mins => m.flap_window_minutes)
    );
  end if;
  flapping := coalesce(array_length(m.recent_changes, 1), 0) > m.flap_threshold;

  if changed and m.state = 'failing' then
    title := coalesce(m.server_name || ' / ', '') || m.name || ' is ' || p_status::text;
    incident := private.open_incident(
      m.org_id, m.server_id, m.id, 'monitor:' || m.id,
      case when m.source = 'probe' then 'probe' else 'agent_check' end,
      case when p_status = 'down' then 'critical'::public.severity else 'warning'::public.severity end,
      title, p_message, coalesce(m.failing_since, p_ts));
    if incident is not null then
      if flapping then
        update public.incidents set flapping = true where id = incident;
        if m.flapping_notified_at is null
           or m.flapping_notified_at < now() - make_interval(mins => m.flap_window_minutes) then
          perform private.enqueue_notifications(incident, 'flapping');
          m.flapping_notified_at := now();
        end if;
      else
        perform private.enqueue_notifications(incident, 'down');
      end if;
    end if;
  elsif changed and m.state = 'ok' then
    incident := private.resolve_subject('monitor:' || m.id);
    -- restored closes the loop of a down that was sent, flapping or not
    if incident is not null then
      perform private.enqueue_notifications(incident, 'restored');
    end if;
    m.failing_since := null;
  end if;

  update public.monitors set
    state = m.state,
    consecutive_failures = m.consecutive_failures,
    consecutive_successes = m.consecutive_successes,
    failing_since = m.failing_since,
    recent_changes = m.recent_changes,
    flapping_notified_at = m.flapping_notified_at
  where id = m.id;
end
$$;

-- A batch of results, applied in the order given (the caller sorts by time).
create function private.apply_checks(
  p_monitors uuid[], p_statuses public.check_status[], p_ts timestamptz[], p_messages text[]
) returns void language plpgsql set search_path = '' as $$
begin
  for i in 1 .. coalesce(array_length(p_monitors, 1), 0) loop
    perform private.apply_check(p_monitors[i], p_statuses[i], p_ts[i], p_messages[i]);
  end loop;
end
$$;

-- A down server that heartbeats again: up, incident resolved, restored notices queued.
create function private.recover_server(p_server uuid) returns uuid
language plpgsql set search_path = '' as $$
declare
  incident uuid;
begin
  update public.servers set status = 'up', updated_at = now() where id = p_server and status = 'down';
  if not found then return null; end if;
  incident := private.resolve_subject('server:' || p_server);
  if incident is not null then
    perform private.enqueue_notifications(incident, 'restored');
  end if;
  return incident;
end
$$;

-- The dead man's switch, called every 10-15 s. A server whose last heartbeat is older than
-- its timeout goes down and its incident opens. Grace: if the sweep itself had not run for a
-- while (backend stopped), every server gets a full timeout from the sweep's resumption, so a
-- backend restart does not page for the whole fleet.
create function private.sweep_heartbeats(p_sweep_interval interval default interval '15 seconds')
returns table (server_id uuid, incident_id uuid, public_endpoint text)
language plpgsql set search_path = '' as $$
declare
  run record;
  resumed timestamptz;
  srv record;
  new_incident uuid;
begin
  insert into private.job_runs as j (job, last_run_at, resumed_at) values ('sweep', now(), now())
  on conflict (job) do nothing;
  -- serialises concurrent sweeps: the second waits here and then finds nothing left to do
  select * into run from private.job_runs where job = 'sweep' for update;
  resumed := run.resumed_at;
  if run.last_run_at < now() - greatest(p_sweep_interval * 4, interval '60 seconds') then
    resumed := now();
  end if;
  update private.job_runs set last_run_at = now(), resumed_at = resumed where job = 'sweep';

  for srv in
    update public.servers s set status = 'down', updated_at = now()
     where s.approval = 'approved' and s.status <> 'down' and s.last_heartbeat_at is not null
       and greatest(s.last_heartbeat_at, resumed) + make_interval(secs => s.heartbeat_timeout_seconds) < now()
    returning s.id, s.org_id, s.name, s.last_heartbeat_at, s.heartbeat_timeout_seconds, s.public_endpoint
  loop
    new_incident := private.open_incident(
      srv.org_id, srv.id, null, 'server:' || srv.id, 'heartbeat', 'critical',
      srv.name || ' stopped sending heartbeats', null, srv.last_heartbeat_at);
    if new_incident is not null then
      perform private.enqueue_notifications(new_incident, 'down');
    end if;
    server_id := srv.id;
    incident_id := new_incident;
    public_endpoint := srv.public_endpoint;
    return next;
  end loop;

  -- recoveries the heartbeat path did not finish (e.g. the process stopped in between)
  perform private.recover_server(s.id) from public.servers s
   where s.status = 'down' and s.last_heartbeat_at + make_interval(secs => s.heartbeat_timeout_seconds) > now();
end
$$;

-- Escalations and repeats for open (unacknowledged) incidents, per the org's rules.
create function private.escalate_incidents() returns integer
language plpgsql set search_path = '' as $$
declare
  r record;
  n integer := 0;
  seq integer;
begin
  for r in
    select i.id as incident_id, i.opened_at, ru.escalate_after_minutes, ru.escalation_channel_ids,
           ru.repeat_mode, ru.repeat_every_minutes, ru.channel_ids
    from public.incidents i
    join public.alert_rules ru on ru.org_id = i.org_id and ru.enabled and i.severity <= ru.min_severity
    where i.status = 'open' and not i.flapping
  loop
    if r.escalate_after_minutes is not null and cardinality(r.escalation_channel_ids) > 0
       and now() - r.opened_at >= make_interval(mins => r.escalate_after_minutes) then
      n := n + private.enqueue_notifications(r.incident_id, 'escalation', 0, r.escalation_channel_ids);
    end if;
    if r.repeat_mode = 'repeat' and r.repeat_every_minutes is not null then
      seq := floor(extract(epoch from now() - r.opened_at) / (r.repeat_every_minutes * 60))::integer;
      if seq >= 1 then
        n := n + private.enqueue_notifications(r.incident_id, 'repeat', seq, r.channel_ids);
      end if;
    end if;
  end loop;
  return n;
end
$$;

revoke all on function private.enqueue_notifications(uuid, text, integer, uuid[]) from public, authenticated;
revoke all on function private.open_incident(uuid, uuid, uuid, text, text, public.severity, text, text, timestamptz) from public, authenticated;
revoke all on function private.resolve_subject(text, uuid) from public, authenticated;
revoke all on function private.apply_check(uuid, public.check_status, timestamptz, text) from public, authenticated;
revoke all on function private.apply_checks(uuid[], public.check_status[], timestamptz[], text[]) from public, authenticated;
revoke all on function private.recover_server(uuid) from public, authenticated;
revoke all on function private.sweep_heartbeats(interval) from public, authenticated;
revoke all on function private.escalate_incidents() from public, authenticated;
