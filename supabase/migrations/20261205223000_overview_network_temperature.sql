-- The servers overview shows each server's network rate and hottest sensor beside cpu, memory and
-- disk (issue: "at a glance", as Beszel's list does), from server_vitals like the others.
--
--   net_rx_bytes_per_s / net_tx_bytes_per_s  sum over the server's interfaces of the minute's
--                                            average (the agent leaves out lo by default)
--   temperature_c                            the hottest sensor's average of that minute
--
-- They are each series' newest 1-minute average at or just before the vitals' own metrics_at (the
-- minute the cpu / memory / disk values average), so the row's values belong to that minute: the
-- numbers the server page's "at a glance" row reads as the last point of its 1-hour chart. A trigger sets them whenever the refresh
-- writes metrics_at, so private.refresh_rollups() stays as it is: a few primary-key probes per
-- server that reported (about 7 for 2 interfaces and 3 sensors), in the refresh's transaction.

alter table public.server_vitals
  add column net_rx_bytes_per_s double precision,
  add column net_tx_bytes_per_s double precision,
  add column temperature_c double precision;

create function private.server_vitals_glance() returns trigger
language plpgsql set search_path = '' as $$
begin
  -- each series' newest minute up to the vitals' minute, at most 2 minutes before it (a batch
  -- split across a minute boundary leaves one kind a minute behind the other)
  select sum(x.avg) filter (where ms.name = 'net.rx_bytes_per_s'),
         sum(x.avg) filter (where ms.name = 'net.tx_bytes_per_s'),
         max(x.avg) filter (where ms.name = 'sensors.temperature_c')
    into new.net_rx_bytes_per_s, new.net_tx_bytes_per_s, new.temperature_c
  from public.metric_series ms
  cross join lateral (
    select r.sum_value / r.sample_count as avg
    from public.metric_rollups_1m r
    where r.series_id = ms.id and r.bucket <= new.metrics_at and r.bucket >= new.metrics_at - interval '2 minutes'
    order by r.bucket desc
    limit 1
  ) x
  where ms.server_id = new.server_id
    and ms.name = any (array['net.rx_bytes_per_s', 'net.tx_bytes_per_s', 'sensors.temperature_c']);
  return new;
end
$$;
revoke all on function private.server_vitals_glance() from public, anon, authenticated;

create trigger server_vitals_glance before insert or update of metrics_at on public.server_vitals
  for each row execute function private.server_vitals_glance();

-- rows written before the trigger
update public.server_vitals set metrics_at = metrics_at;
