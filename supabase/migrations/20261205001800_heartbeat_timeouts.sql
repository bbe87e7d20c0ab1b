-- Heartbeat timeouts that cannot page falsely, with an organization-wide default.
--
-- Before: a timeout below the agent's heartbeat interval was accepted without a word (30 s with
-- a 60 s heartbeat: DOWN/RESTORED every minute), and every server had its own copy of 120 s.
-- Now:
--   * the agent reports its heartbeat interval (register and heartbeat);
--   * organizations have a default timeout; a server may override it (null: the default);
--   * servers.heartbeat_timeout_seconds stays the one the sweep uses, derived as
--     greatest(override or default, 2 x the agent's interval): one late heartbeat never pages.
--     The dashboard API refuses an override below that minimum, naming it.
alter table public.organizations
  add column default_heartbeat_timeout_seconds integer not null default 120
    check (default_heartbeat_timeout_seconds between 10 and 86400);

alter table public.servers
  add column heartbeat_interval_seconds integer check (heartbeat_interval_seconds between 1 and 86400),
  add column heartbeat_timeout_override_seconds integer
    check (heartbeat_timeout_override_seconds between 10 and 86400);

-- Timeouts changed from the old default are an admin's choice: keep them as overrides.
update public.servers set heartbeat_timeout_override_seconds = heartbeat_timeout_seconds
 where heartbeat_timeout_seconds <> 120;

-- The timeout the sweep uses for a server.
create function private.derived_heartbeat_timeout(p_override integer, p_default integer, p_interval integer)
returns integer language sql immutable set search_path = '' as $$
  select greatest(coalesce(p_override, p_default, 120), 2 * coalesce(p_interval, 0), 10)
$$;

-- Derived on every insert, and when the override or the agent's interval changes (the WHEN
-- keeps the heartbeat path, which sets the interval each time, free of it otherwise).
create function private.derive_heartbeat_timeout() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  new.heartbeat_timeout_seconds := private.derived_heartbeat_timeout(
    new.heartbeat_timeout_override_seconds,
    (select o.default_heartbeat_timeout_seconds from public.organizations o where o.id = new.org_id),
    new.heartbeat_interval_seconds);
  return new;
end
$$;

create trigger servers_derive_heartbeat_timeout
  before insert on public.servers
  for each row execute function private.derive_heartbeat_timeout();

create trigger servers_rederive_heartbeat_timeout
  before update of heartbeat_timeout_override_seconds, heartbeat_interval_seconds on public.servers
  for each row
  when (old.heartbeat_timeout_override_seconds is distinct from new.heartbeat_timeout_override_seconds
        or old.heartbeat_interval_seconds is distinct from new.heartbeat_interval_seconds)
  execute function private.derive_heartbeat_timeout();

-- A new organization default reaches every server that does not override it.
create function private.apply_default_heartbeat_timeout() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  update public.servers s
     set heartbeat_timeout_seconds = private.derived_heartbeat_timeout(
           s.heartbeat_timeout_override_seconds, new.default_heartbeat_timeout_seconds, s.heartbeat_interval_seconds)
   where s.org_id = new.id;
  return null;
end
$$;

create trigger organizations_apply_default_heartbeat_timeout
  after update of default_heartbeat_timeout_seconds on public.organizations
  for each row
  when (old.default_heartbeat_timeout_seconds is distinct from new.default_heartbeat_timeout_seconds)
  execute function private.apply_default_heartbeat_timeout();

update public.servers s
   set heartbeat_timeout_seconds = private.derived_heartbeat_timeout(
         s.heartbeat_timeout_override_seconds, o.default_heartbeat_timeout_seconds, s.heartbeat_interval_seconds)
  from public.organizations o where o.id = s.org_id;

-- The dashboard sets the override and the default; the derived value is the engine's.
revoke update (heartbeat_timeout_seconds) on public.servers from authenticated;
grant update (heartbeat_timeout_override_seconds) on public.servers to authenticated;
grant update (default_heartbeat_timeout_seconds) on public.organizations to authenticated;

revoke all on function private.derived_heartbeat_timeout(integer, integer, integer) from public, anon, authenticated;
revoke all on function private.derive_heartbeat_timeout() from public, anon, authenticated;
revoke all on function private.apply_default_heartbeat_timeout() from public, anon, authenticated;
