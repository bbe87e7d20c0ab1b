-- A FLAPPING notice of an agent check waits agent_dedup_seconds for the agent's own report, as
-- a DOWN does. It used to go out at once, so when the agent's report of its own FLAPPING page
-- arrived a second after the backend's notice (a loaded machine, a push interval), the same
-- destination was paged twice, and its RESTORED too (found by the chaos suite's flapping
-- scenario). Only the hold changes; the rest restates private.enqueue_notifications as it was
-- (20261122000600_incident_engine.sql).

create or replace function private.enqueue_notifications(
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

  if inc.kind = 'agent_check' and p_event in ('down', 'flapping') then
    -- give the agent's own alert report time to arrive (see dispatcher's dedup); a FLAPPING
    -- notice pages like a DOWN, so it waits the same
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

