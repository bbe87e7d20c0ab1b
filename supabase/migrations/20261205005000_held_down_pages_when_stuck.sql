-- A monitor that flapped and then went down for good is paged.
--
-- Before: while a monitor flapped, one FLAPPING notice went out and the DOWNs of the incidents
-- that followed were held; an incident that then stayed down was never paged (only its end was
-- noticed, and its RESTORED suppressed because no down notice went out). Now a held down is paged
-- once the monitor is stuck down (see the comment in the function). The function is otherwise
-- unchanged from 20261205001600_severity_follows_worst_state.sql.
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

  -- A down held while the monitor flapped (its incident is open and flapping, and neither a down
  -- nor a flapping notice was queued for it) is paged once the monitor is stuck down: after
  -- failures_to_open x (flap_threshold + 1) failures in a row, or once the state changes have
  -- fallen out of the flapping window. The agent's state machine does the same
  -- (@custos/protocol heldDownPagesAfter).
  if not changed and m.state = 'failing' and failing
     and (m.consecutive_failures >= m.failures_to_open * (m.flap_threshold + 1)
          or (select count(*) from unnest(m.recent_changes) t
              where t > now() - make_interval(mins => m.flap_window_minutes)) <= m.flap_threshold) then
    select i.id into incident
      from public.incidents i
     where i.subject_key = 'monitor:' || m.id and i.resolved_at is null and i.flapping
       and not exists (select 1 from public.notification_outbox o
                       where o.incident_id = i.id and o.event in ('down', 'flapping'));
    if incident is not null then
      perform private.enqueue_notifications(incident, 'down');
    end if;
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
