-- The backend never declares a server down for silence it caused itself.
--
-- Before: the restart grace applied only when the previous sweep was older than
-- max(4 x interval, 60 s). A backend outage longer than a server's timeout but shorter than 60 s
-- declared every server down at once (chaos run: 3 DOWN in the same millisecond, then 3 RESTORED,
-- with the cause "agent dead (host answers)").
--
-- Now the grace follows from what the backend itself missed: every server gets a full timeout
-- from the sweep's resumption whenever
--   * the sweep missed a turn (its previous run is older than 2 x its interval: the process was
--     stopped, or in the cloud the cron tick could not reach the function), or
--   * the caller says the backend has just started (custos-server's first sweep after start-up),
--     which covers an outage shorter than one sweep interval.
-- Both only ever delay a page by at most one timeout; neither can cause one.
drop function private.sweep_heartbeats(interval);

create function private.sweep_heartbeats(
  p_sweep_interval interval default interval '15 seconds',
  p_backend_started boolean default false
)
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
  if p_backend_started or run.last_run_at < now() - p_sweep_interval * 2 then
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

revoke all on function private.sweep_heartbeats(interval, boolean) from public, authenticated;
