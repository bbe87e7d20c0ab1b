-- A row of one organization can only reference an object of the same organization.
--
-- RLS decides which rows a caller sees and may write, but a foreign key on `id` alone checks
-- only that the referenced row exists: a member of org A writing as `authenticated` (the Data
-- API in the cloud) could point a monitor, a maintenance window or an incident at org B's
-- server by its id. Every reference between tenant tables becomes a composite foreign key
-- (org_id, x_id) -> (org_id, id), so the database itself refuses the mix, whoever writes.
-- Decision record: docs/decisions/0018-tenancy-in-the-schema.md.

-- The referenced side: (org_id, id) must be unique to be a foreign key target. id is already
-- unique; these indexes are the price of the check (none of their columns is ever updated, so
-- the heartbeat updates of servers stay HOT).
alter table public.servers add constraint servers_org_id_id_key unique (org_id, id);
alter table public.monitors add constraint monitors_org_id_id_key unique (org_id, id);
alter table public.channels add constraint channels_org_id_id_key unique (org_id, id);
alter table public.incidents add constraint incidents_org_id_id_key unique (org_id, id);
alter table public.api_keys add constraint api_keys_org_id_id_key unique (org_id, id);
alter table public.metric_series add constraint metric_series_org_id_id_key unique (org_id, id);

-- Existing data must already respect the rule; if a row does not, stop here and name it rather
-- than silently repointing or deleting someone's data.
do $check$
declare
  ref record;
  bad bigint;
begin
  for ref in
    select * from (values
      ('servers', 'registered_with_key', 'api_keys'),
      ('monitors', 'server_id', 'servers'),
      ('metric_series', 'server_id', 'servers'),
      ('ingest_batches', 'server_id', 'servers'),
      ('incidents', 'server_id', 'servers'),
      ('incidents', 'monitor_id', 'monitors'),
      ('channel_secrets', 'channel_id', 'channels'),
      ('notification_outbox', 'incident_id', 'incidents'),
      ('notification_outbox', 'channel_id', 'channels'),
      ('agent_alerts', 'server_id', 'servers'),
      ('maintenance_windows', 'server_id', 'servers'),
      ('maintenance_windows', 'monitor_id', 'monitors')
    ) as v (tbl, col, target)
  loop
    execute format(
      'select count(*) from public.%I t join public.%I r on r.id = t.%I where r.org_id <> t.org_id',
      ref.tbl, ref.target, ref.col)
      into bad;
    if bad > 0 then
      raise exception 'public.%: % row(s) have a % of another organization (public.%); fix them before this migration',
        ref.tbl, bad, ref.col, ref.target
        using errcode = 'foreign_key_violation';
    end if;
  end loop;
end
$check$;

-- The referencing side: each single-column foreign key is replaced by its composite form with
-- the same delete action. "set null (col)" nulls only the reference, never org_id.
alter table public.servers
  drop constraint servers_registered_with_key_fkey,
  add constraint servers_registered_with_key_fkey foreign key (org_id, registered_with_key)
    references public.api_keys (org_id, id) on delete set null (registered_with_key);

alter table public.monitors
  drop constraint monitors_server_id_fkey,
  add constraint monitors_server_id_fkey foreign key (org_id, server_id)
    references public.servers (org_id, id) on delete cascade;

alter table public.metric_series
  drop constraint metric_series_server_id_fkey,
  add constraint metric_series_server_id_fkey foreign key (org_id, server_id)
    references public.servers (org_id, id) on delete cascade;

alter table public.ingest_batches
  drop constraint ingest_batches_server_id_fkey,
  add constraint ingest_batches_server_id_fkey foreign key (org_id, server_id)
    references public.servers (org_id, id) on delete cascade;

alter table public.incidents
  drop constraint incidents_server_id_fkey,
  add constraint incidents_server_id_fkey foreign key (org_id, server_id)
    references public.servers (org_id, id) on delete cascade,
  drop constraint incidents_monitor_id_fkey,
  add constraint incidents_monitor_id_fkey foreign key (org_id, monitor_id)
    references public.monitors (org_id, id) on delete cascade;

alter table public.channel_secrets
  drop constraint channel_secrets_channel_id_fkey,
  add constraint channel_secrets_channel_id_fkey foreign key (org_id, channel_id)
    references public.channels (org_id, id) on delete cascade;

alter table public.notification_outbox
  drop constraint notification_outbox_incident_id_fkey,
  add constraint notification_outbox_incident_id_fkey foreign key (org_id, incident_id)
    references public.incidents (org_id, id) on delete cascade,
  drop constraint notification_outbox_channel_id_fkey,
  add constraint notification_outbox_channel_id_fkey foreign key (org_id, channel_id)
    references public.channels (org_id, id) on delete cascade;

alter table public.agent_alerts
  drop constraint agent_alerts_server_id_fkey,
  add constraint agent_alerts_server_id_fkey foreign key (org_id, server_id)
    references public.servers (org_id, id) on delete cascade;

alter table public.maintenance_windows
  drop constraint maintenance_windows_server_id_fkey,
  add constraint maintenance_windows_server_id_fkey foreign key (org_id, server_id)
    references public.servers (org_id, id) on delete cascade,
  drop constraint maintenance_windows_monitor_id_fkey,
  add constraint maintenance_windows_monitor_id_fkey foreign key (org_id, monitor_id)
    references public.monitors (org_id, id) on delete cascade;
