-- Servers (one per machine running custos-agent) and monitors (one per configured plugin
-- instance on a server, or per backend probe).

create type public.server_status as enum ('unknown', 'up', 'down');
create type public.server_approval as enum ('pending', 'approved');
create type public.check_status as enum ('ok', 'degraded', 'down', 'unsupported');

-- Heartbeats update one row per server every minute: a low fillfactor and no index on
-- last_heartbeat_at keep those updates HOT (no index churn); the sweep reads by seq scan.
create table public.servers (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  name text not null check (length(name) between 1 and 255),
  hostname text not null check (length(hostname) between 1 and 255),
  -- machine-id when the agent could read it, else the hostname: re-registering finds the row
  identity_key text not null,
  agent_version text,
  os text,
  arch text,
  status public.server_status not null default 'unknown',
  approval public.server_approval not null default 'approved',
  last_heartbeat_at timestamptz,
  -- agent clock minus backend clock at the last heartbeat
  clock_skew_ms integer,
  heartbeat_timeout_seconds integer not null default 120 check (heartbeat_timeout_seconds between 10 and 86400),
  -- reachable address the backend probes when heartbeats stop (host:port or URL)
  public_endpoint text,
  registered_with_key uuid references public.api_keys (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (org_id, identity_key)
) with (fillfactor = 70);

create table public.monitors (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  server_id uuid references public.servers (id) on delete cascade,
  -- 'agent': reported by custos-agent; 'probe': checked by the backend
  source text not null default 'agent' check (source in ('agent', 'probe')),
  name text not null check (length(name) between 1 and 200),
  type text not null check (length(type) between 1 and 64),
  config jsonb not null default '{}',
  enabled boolean not null default true,
  last_status public.check_status,
  last_checked_at timestamptz,
  created_at timestamptz not null default now(),
  check (source = 'probe' or server_id is not null)
);
create unique index monitors_server_name_key on public.monitors (server_id, name) where server_id is not null;
create index monitors_org_id_idx on public.monitors (org_id);

alter table public.servers enable row level security;
alter table public.monitors enable row level security;

create policy "members read servers" on public.servers
  for select to authenticated using (org_id in (select private.user_org_ids()));
create policy "admins manage servers" on public.servers
  for update to authenticated
  using (org_id in (select private.user_org_ids_with_role('admin')))
  with check (org_id in (select private.user_org_ids_with_role('admin')));
create policy "admins delete servers" on public.servers
  for delete to authenticated using (org_id in (select private.user_org_ids_with_role('admin')));

create policy "members read monitors" on public.monitors
  for select to authenticated using (org_id in (select private.user_org_ids()));
create policy "members manage monitors" on public.monitors
  for all to authenticated
  using (org_id in (select private.user_org_ids_with_role('member')))
  with check (org_id in (select private.user_org_ids_with_role('member')));
