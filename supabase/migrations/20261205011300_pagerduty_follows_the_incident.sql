-- A PagerDuty channel mirrors the incident, not just its pages: the alert its DOWN opened is
-- acknowledged when the incident is acknowledged here (by a member, an acknowledge link, or an
-- agent-signed link) and resolved when the incident resolves, whatever the alert rule says about
-- recovery notices (notify_restored only decides whether people get a RESTORED message; an alert
-- left open in PagerDuty keeps paging its on-call rotation).
--
-- A trigger on incidents, so every path that acknowledges or resolves (private.acknowledge_incident,
-- the engine's resolve_subject, the acknowledge-link verbs) is covered without each naming
-- PagerDuty. It queues one 'acknowledged' or 'restored' row per PagerDuty channel that has this
-- incident's DOWN or FLAPPING row (any status but dead: a page the agent sent itself to the same
-- integration key left the backend's row suppressed, and its PagerDuty alert still needs the
-- follow-up). The outbox's uniqueness (incident, channel, event, sequence) makes it once only;
-- the engine's own 'restored' row for the same channel then conflicts and is not added. The
-- dispatcher holds an 'acknowledged' row until its DOWN has gone, as it does a 'restored' one.

alter table public.notification_outbox drop constraint notification_outbox_event_check;
alter table public.notification_outbox add constraint notification_outbox_event_check
  check (event in ('down', 'restored', 'escalation', 'repeat', 'flapping', 'acknowledged', 'test'));

create function private.queue_pagerduty_follow_ups() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  v_event text;
begin
  if new.status = 'acknowledged' and old.status = 'open' then
    v_event := 'acknowledged';
  elsif new.status = 'resolved' and old.status <> 'resolved' then
    v_event := 'restored';
  else
    return null;
  end if;
  insert into public.notification_outbox
    (org_id, incident_id, channel_id, event, sequence, payload, status, next_attempt_at)
  select distinct new.org_id, new.id, o.channel_id, v_event, 0, '{}'::jsonb,
         'pending'::public.outbox_status, now()
    from public.notification_outbox o
    join public.channels c on c.id = o.channel_id
   where o.incident_id = new.id and o.event in ('down', 'flapping') and o.status <> 'dead'
     and c.kind = 'pagerduty' and c.enabled
  on conflict (incident_id, channel_id, event, sequence) where incident_id is not null do nothing;
  return null;
end
$$;

create trigger incidents_pagerduty_follow_ups
  after update of status on public.incidents
  for each row when (old.status is distinct from new.status)
  execute function private.queue_pagerduty_follow_ups();

-- trigger functions cannot be called directly; keep them off every API role regardless
revoke all on function private.queue_pagerduty_follow_ups() from public, anon, authenticated;
