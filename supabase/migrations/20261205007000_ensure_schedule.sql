-- The cloud's schedule, (re)made on demand. Until now only one-time `do` blocks scheduled it
-- (20261122000400, 000700, 000900, 20261205002000), each checking the extensions at `db push`
-- time: a project that enabled pg_cron and pg_net after `db push` got no schedule, silently.
-- private.ensure_schedule() makes the schedule the latest migrations define, whenever it is
-- called (idempotent: pg_cron's cron.schedule replaces a job of the same name), and says what it
-- scheduled and what is missing. This migration calls it once; after enabling the extensions
-- later, run it yourself in the SQL Editor:
--   select private.ensure_schedule();
--
-- What it schedules (the same jobs, schedules and commands as before):
--   - pg_cron and pg_net (net.http_post): `custos-tick` every 15 s, posting to the function's
--     /api/cron/tick with the URL and secret from Vault (20261205002000_one_job_table.sql); the
--     tick runs every job, so the pure-SQL jobs of older migrations are unscheduled;
--   - pg_cron alone: the pure-SQL jobs `custos-maintain-partitions` (hourly),
--     `custos-refresh-rollups` (30 s), `custos-maintain-rollups` (hourly) — without pg_net nothing
--     runs the sweep, probes, escalations or notification dispatch, and the answer says so;
--   - no pg_cron (custos-server, tests): nothing; custos-server's scheduler runs the jobs itself.
-- Any other `custos-*` job it finds is unscheduled. pg_net is recognised by the function the
-- tick calls (net.http_post), not by the extension's name: what is checked is what the job
-- needs (and a stand-in serves, as in apps/server/test/pg-cron.test.ts). pg_cron before 1.5 (Debian 12 packages 1.4.2) knows no
-- second schedules ('15 seconds'): there a 15-s or 30-s job runs every minute instead and the
-- answer says so; for the tick that is listed as missing, since the api function sweeps
-- expecting 15-s ticks (Supabase runs a newer pg_cron).
create function private.ensure_schedule()
returns jsonb
language plpgsql security definer set search_path = '' as $fn$
declare
  tick_command constant text := $job$
      select net.http_post(
        url := (select decrypted_secret from vault.decrypted_secrets where name = 'custos_tick_url'),
        headers := jsonb_build_object(
          'Authorization', 'Bearer ' || (select decrypted_secret from vault.decrypted_secrets where name = 'custos_cron_secret'),
          'Content-Type', 'application/json'),
        body := '{}'::jsonb,
        timeout_milliseconds := 120000)
      where exists (select 1 from vault.decrypted_secrets where name = 'custos_tick_url')
    $job$;
  has_net boolean;
  wanted_jobs jsonb;
  cron_version text;
  wanted record;
  stale record;
  used_schedule text;
  secret_found boolean;
  secret_name text;
  scheduled jsonb := '[]'::jsonb;
  unscheduled jsonb := '[]'::jsonb;
  missing jsonb := '[]'::jsonb;
  notes jsonb := '[]'::jsonb;
begin
  select extversion into cron_version from pg_catalog.pg_extension where extname = 'pg_cron';
  if cron_version is null then
    return jsonb_build_object(
      'scheduled', scheduled,
      'unscheduled', unscheduled,
      'missing', jsonb_build_array(
        'pg_cron missing: nothing scheduled (custos-server runs its jobs itself; on Supabase enable pg_cron and pg_net, then run select private.ensure_schedule())'),
      'notes', notes);
  end if;
  has_net := exists (
    select 1 from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'net' and p.proname = 'http_post');

  -- the jobs this database should have; every other custos-* job goes
  if has_net then
    wanted_jobs := jsonb_build_array(
      jsonb_build_object('name', 'custos-tick', 'schedule', '15 seconds', 'command', tick_command));
  else
    wanted_jobs := jsonb_build_array(
      jsonb_build_object('name', 'custos-maintain-partitions', 'schedule', '7 * * * *',
        'command', 'select private.maintain_partitions()'),
      jsonb_build_object('name', 'custos-refresh-rollups', 'schedule', '30 seconds',
        'command', 'select private.refresh_rollups()'),
      jsonb_build_object('name', 'custos-maintain-rollups', 'schedule', '17 * * * *',
        'command', 'select private.maintain_rollups()'));
    missing := missing || jsonb_build_array(
      'pg_net missing: custos-tick not scheduled, so nothing runs the sweep, probes, escalations or notification dispatch (enable pg_net, then run select private.ensure_schedule() again)');
  end if;

  for stale in
    select j.jobid, j.jobname from cron.job j
    where j.jobname like 'custos-%'
      and not exists (select 1 from jsonb_array_elements(wanted_jobs) w where w ->> 'name' = j.jobname)
    order by j.jobname
  loop
    perform cron.unschedule(stale.jobid);
    unscheduled := unscheduled || jsonb_build_array(stale.jobname);
  end loop;

  for wanted in
    select w ->> 'name' as name, w ->> 'schedule' as schedule, w ->> 'command' as command
    from jsonb_array_elements(wanted_jobs) w
  loop
    used_schedule := wanted.schedule;
    begin
      perform cron.schedule(wanted.name, wanted.schedule, wanted.command);
    exception when invalid_parameter_value then
      -- "invalid schedule: 15 seconds": pg_cron before 1.5
      if sqlerrm not like 'invalid schedule%' or wanted.schedule !~ '^[0-9]+ seconds$' then
        raise;
      end if;
      used_schedule := '* * * * *';
      perform cron.schedule(wanted.name, used_schedule, wanted.command);
      if wanted.name = 'custos-tick' then
        -- runs, but the api function sweeps expecting a tick every 15 s: a minute between two
        -- sweeps is a gap to it (a backend outage), after which every server gets a full timeout
        missing := missing || jsonb_build_array(format(
          'pg_cron %s rejects ''%s'' (second schedules need pg_cron 1.5 or newer): custos-tick runs every minute instead, and the api function, which sweeps expecting a tick every 15 s, then takes every tick for a gap and never pages a silent server (upgrade pg_cron, then run select private.ensure_schedule() again)',
          cron_version, wanted.schedule));
      else
        notes := notes || jsonb_build_array(format(
          'pg_cron %s rejects ''%s'' (second schedules need pg_cron 1.5 or newer): %s runs every minute instead',
          cron_version, wanted.schedule, wanted.name));
      end if;
    end;
    scheduled := scheduled || jsonb_build_array(jsonb_build_object('job', wanted.name, 'schedule', used_schedule));
  end loop;

  -- what the tick reads when it runs: the job sends nothing without the URL, and the function
  -- answers 401 without the secret
  if has_net then
    if pg_catalog.to_regclass('vault.decrypted_secrets') is null then
      missing := missing || jsonb_build_array(
        'vault missing (vault.decrypted_secrets): custos-tick sends nothing (enable supabase_vault, create the secrets custos_tick_url and custos_cron_secret)');
    else
      foreach secret_name in array array['custos_tick_url', 'custos_cron_secret'] loop
        begin
          execute 'select exists (select 1 from vault.decrypted_secrets where name = $1)' into secret_found using secret_name;
          if not secret_found then
            missing := missing || jsonb_build_array(format('vault secret %s missing: %s', secret_name,
              case secret_name
                when 'custos_tick_url' then 'custos-tick sends nothing until it exists'
                else 'the function refuses the tick (401) until it exists'
              end));
          end if;
        exception when insufficient_privilege then
          missing := missing || jsonb_build_array(format('vault not readable by %s: %s', current_user, sqlerrm));
          exit;
        end;
      end loop;
    end if;
  end if;

  return jsonb_build_object('scheduled', scheduled, 'unscheduled', unscheduled, 'missing', missing, 'notes', notes);
end
$fn$;

revoke all on function private.ensure_schedule() from public, anon, authenticated;

-- `db push` after enabling the extensions schedules as the older migrations did; without them
-- this reports what is missing and changes nothing
select private.ensure_schedule();
