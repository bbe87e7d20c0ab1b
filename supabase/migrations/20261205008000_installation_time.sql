-- When this database was installed (these migrations reached it): where the grace before a job
-- that has never run counts as stale starts (packages/backend/src/jobs/staleness.ts). A cloud
-- deployment whose pg_cron tick never runs has no row in private.job_state, and the function's
-- isolates start and stop all the time, so neither says since when the schedule should have run.
-- One row; a database upgraded to this migration starts its grace at the upgrade.
create table private.installation (
  id boolean primary key default true check (id),
  installed_at timestamptz not null default now()
);
insert into private.installation default values;

revoke all on table private.installation from public, anon, authenticated;
