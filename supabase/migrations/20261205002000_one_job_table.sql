-- One job table for both runtimes (docs/decisions/0019-one-job-table.md). The jobs and their
-- intervals live in packages/backend/src/jobs/table.ts; custos-server runs them on timers and
-- the cloud's /api/cron/tick runs the ones that are due. pg_cron only calls that tick.

-- What each job did last, in either runtime; the cloud's tick also keeps its schedule here
-- (claimed_at). Not private.job_runs: the sweep keeps its own last run there to find gaps in
-- the sweep itself, and a tick's claim written there would hide exactly such a gap.
create table private.job_state (
  job text primary key,
  -- the interval the last writer ran it at (the table in code is the source, this is a copy to read)
  every_ms integer not null check (every_ms > 0),
  -- cloud: the tick that last found the job due and claimed it
  claimed_at timestamptz,
  started_at timestamptz,
  finished_at timestamptz,
  runs bigint not null default 0,
  last_error text,
  last_error_at timestamptz
);

revoke all on table private.job_state from public, anon, authenticated;

-- Cloud: the tick runs rollups and partition maintenance now, so their SQL schedules go (they
-- would run each twice) — but only where the tick is scheduled (pg_cron and pg_net): with
-- pg_cron alone they stay, or nothing would make partitions any more. Where pg_cron is missing
-- (self-hosted, tests) there is nothing to do. The tick's request may now run every job, probes
-- among them (each bounded by its timeout), so pg_net waits for it longer than the 10 s it had
-- for sweep and dispatch.
do $schedule$
declare
  old_job text;
begin
  if not exists (select 1 from pg_extension where extname = 'pg_cron')
     or not exists (select 1 from pg_extension where extname = 'pg_net') then
    return;
  end if;
  foreach old_job in array array['custos-maintain-partitions', 'custos-refresh-rollups', 'custos-maintain-rollups'] loop
    if exists (select 1 from cron.job where jobname = old_job) then
      perform cron.unschedule(old_job);
    end if;
  end loop;
  -- same name: replaces the schedule of 20261122000700_cloud_schedule.sql
  perform cron.schedule(
    'custos-tick',
    '15 seconds',
    $job$
      select net.http_post(
        url := (select decrypted_secret from vault.decrypted_secrets where name = 'custos_tick_url'),
        headers := jsonb_build_object(
          'Authorization', 'Bearer ' || (select decrypted_secret from vault.decrypted_secrets where name = 'custos_cron_secret'),
          'Content-Type', 'application/json'),
        body := '{}'::jsonb,
        timeout_milliseconds := 120000)
      where exists (select 1 from vault.decrypted_secrets where name = 'custos_tick_url')
    $job$
  );
end
$schedule$;
