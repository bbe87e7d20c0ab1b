-- Severity follows the worst state of an open incident.
--
-- Before: an agent check or probe that failed first as `degraded` opened a `warning` incident,
-- and when it then went `down` nothing changed, so a rule routing only critical incidents (an
-- SMS rule) never paged for a real outage that began as degraded. Now the incident becomes
-- critical when the monitor reports down while it is open, and the routing runs again for it.
-- The function is otherwise unchanged from 20261122000600_incident_engine.sql.
create or replace function private.apply_check(
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
  elsif not changed and m.state = 'failing' and p_status = 'down' then
    -- A failure that began as degraded and is now down: the open incident becomes critical,
    -- and the rules that route only critical incidents (the SMS rule) now page for it. A
    -- channel that already had this incident's down notice keeps its one row (unique per
    -- incident, channel and event), so nobody is paged twice for it.
    update public.incidents
       set severity = 'critical',
           title = coalesce(m.server_name || ' / ', '') || m.name || ' is down'
     where subject_key = 'monitor:' || m.id and resolved_at is null and severity <> 'critical'
    returning id into incident;
    if incident is not null and not flapping then
      perform private.enqueue_notifications(incident, 'down');
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
