-- Central monitor configuration (decision 0037): monitors and thresholds for the whole
-- organization, for the servers carrying a tag, or for one server. The backend merges them
-- (org < tag < server, by monitor name) into one versioned document per server that its agent
-- fetches, validates and applies; local agent.yaml monitors win on the agent.
--
-- Who: every member reads (the entries hold no secrets: credentials are ${VAR} references the
-- agent resolves, refused in clear by the API), admins and owners write. The agent's report of
-- what it applied or refused is written by the agent routes with service access; members read it.

-- Tags group servers for configuration; set by admins in the dashboard.
alter table public.servers
  add column tags text[] not null default '{}'
    check (cardinality(tags) <= 20 and array_to_string(tags, ',') ~ '^([a-z0-9][a-z0-9_-]{0,63}(,|$))*$');
create index servers_tags_idx on public.servers using gin (tags);
grant update (tags) on public.servers to authenticated;

create table public.monitor_configs (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  scope text not null check (scope in ('org', 'tag', 'server')),
  tag text check (tag ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
  server_id uuid references public.servers (id) on delete cascade,
  -- as written and validated by the API (central-config.ts): durations and ${VAR} kept as text
  monitors jsonb not null default '[]' check (jsonb_typeof(monitors) = 'array' and jsonb_array_length(monitors) <= 200),
  thresholds jsonb not null default '[]' check (jsonb_typeof(thresholds) = 'array' and jsonb_array_length(thresholds) <= 100),
  updated_by uuid references auth.users (id) on delete set null,
  updated_at timestamptz not null default now(),
  check (
    (scope = 'org' and tag is null and server_id is null)
    or (scope = 'tag' and tag is not null and server_id is null)
    or (scope = 'server' and tag is null and server_id is not null)
  )
);
create index monitor_configs_org_id_idx on public.monitor_configs (org_id);
create unique index monitor_configs_org_idx on public.monitor_configs (org_id) where scope = 'org';
create unique index monitor_configs_tag_idx on public.monitor_configs (org_id, tag) where scope = 'tag';
create unique index monitor_configs_server_idx on public.monitor_configs (server_id) where scope = 'server';

-- A server entry belongs to the server's organization (a policy checks the org, this the pair).
create function private.monitor_config_server_in_org() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.server_id is not null and not exists (
    select 1 from public.servers s where s.id = new.server_id and s.org_id = new.org_id
  ) then
    raise exception 'server % is not in organization %', new.server_id, new.org_id
      using errcode = '23503';
  end if;
  return new;
end
$$;
revoke all on function private.monitor_config_server_in_org() from public, anon, authenticated;
create trigger monitor_configs_server_in_org before insert or update on public.monitor_configs
  for each row execute function private.monitor_config_server_in_org();

alter table public.monitor_configs enable row level security;
create policy "members read monitor configuration" on public.monitor_configs
  for select to authenticated using (org_id in (select private.user_org_ids()));
create policy "admins manage monitor configuration" on public.monitor_configs
  for all to authenticated
  using (org_id in (select private.user_org_ids_with_role('admin')))
  -- an entry names its editor, and only the caller: nobody writes in another user's name
  with check (
    org_id in (select private.user_org_ids_with_role('admin'))
    and (updated_by is null or updated_by = (select auth.uid()))
  );

grant select, delete on public.monitor_configs to authenticated;
grant insert (org_id, scope, tag, server_id, monitors, thresholds, updated_by, updated_at),
  update (monitors, thresholds, updated_by, updated_at)
  on public.monitor_configs to authenticated;

-- What each server's agent last reported: the version it runs, the last one it refused and why,
-- and the monitors its agent.yaml defines (shown as "local" in the dashboard).
create table public.server_config_reports (
  server_id uuid primary key references public.servers (id) on delete cascade,
  org_id uuid not null references public.organizations (id) on delete cascade,
  applied_version text check (applied_version ~ '^[0-9a-f]{64}$'),
  refused_version text check (refused_version ~ '^[0-9a-f]{64}$'),
  refused_reason text check (length(refused_reason) <= 2000),
  local_monitors text[] not null default '{}' check (cardinality(local_monitors) <= 200),
  reported_at timestamptz not null default now()
);
create index server_config_reports_org_id_idx on public.server_config_reports (org_id);

alter table public.server_config_reports enable row level security;
create policy "members read configuration reports" on public.server_config_reports
  for select to authenticated using (org_id in (select private.user_org_ids()));
grant select on public.server_config_reports to authenticated;
