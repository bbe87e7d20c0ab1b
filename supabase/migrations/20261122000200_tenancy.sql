-- Organizations, memberships, invitations, API keys; the membership helpers every policy uses.

create type public.org_role as enum ('owner', 'admin', 'member', 'viewer');
create type public.api_key_scope as enum ('agent', 'read');

create table public.organizations (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 200),
  require_server_approval boolean not null default false,
  raw_retention_days integer not null default 90 check (raw_retention_days between 1 and 3650),
  created_at timestamptz not null default now()
);

create table public.memberships (
  org_id uuid not null references public.organizations (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role public.org_role not null default 'member',
  created_at timestamptz not null default now(),
  primary key (org_id, user_id)
);
create index memberships_user_id_idx on public.memberships (user_id);

create table public.invitations (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  email text not null check (length(email) between 3 and 320),
  role public.org_role not null default 'member' check (role <> 'owner'),
  token_hash bytea not null unique,
  invited_by uuid references auth.users (id) on delete set null,
  expires_at timestamptz not null default now() + interval '7 days',
  accepted_at timestamptz,
  created_at timestamptz not null default now()
);
create index invitations_org_id_idx on public.invitations (org_id);

-- Only the SHA-256 of a key is stored; `prefix` is the visible start shown in lists.
create table public.api_keys (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  name text not null default 'agent key' check (length(name) between 1 and 100),
  prefix text not null check (length(prefix) between 8 and 32),
  secret_hash bytea not null unique check (length(secret_hash) = 32),
  scope public.api_key_scope not null,
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
create index api_keys_org_id_idx on public.api_keys (org_id);

-- Membership helpers: security definer so policies do not recurse through memberships' own
-- RLS, empty search_path so nothing can be shadowed, in a schema the API does not expose.
create schema if not exists private;
revoke all on schema private from public;
grant usage on schema private to authenticated, service_role;

create function private.user_org_ids() returns setof uuid
language sql stable security definer set search_path = '' as $$
  select m.org_id from public.memberships m where m.user_id = (select auth.uid())
$$;

create function private.user_org_ids_with_role(min_role public.org_role) returns setof uuid
language sql stable security definer set search_path = '' as $$
  -- enum order is owner < admin < member < viewer: "at least admin" means role <= 'admin'
  select m.org_id from public.memberships m
  where m.user_id = (select auth.uid()) and m.role <= min_role
$$;

revoke all on all functions in schema private from public, anon;
grant execute on all functions in schema private to authenticated, service_role;

alter table public.organizations enable row level security;
alter table public.memberships enable row level security;
alter table public.invitations enable row level security;
alter table public.api_keys enable row level security;

create policy "members read their organizations" on public.organizations
  for select to authenticated using (id in (select private.user_org_ids()));
create policy "admins update their organizations" on public.organizations
  for update to authenticated
  using (id in (select private.user_org_ids_with_role('admin')))
  with check (id in (select private.user_org_ids_with_role('admin')));

create policy "members read memberships of their organizations" on public.memberships
  for select to authenticated using (org_id in (select private.user_org_ids()));
create policy "admins manage memberships" on public.memberships
  for all to authenticated
  using (org_id in (select private.user_org_ids_with_role('admin')))
  with check (org_id in (select private.user_org_ids_with_role('admin')));

create policy "admins manage invitations" on public.invitations
  for all to authenticated
  using (org_id in (select private.user_org_ids_with_role('admin')))
  with check (org_id in (select private.user_org_ids_with_role('admin')));

create policy "members read api keys" on public.api_keys
  for select to authenticated using (org_id in (select private.user_org_ids()));
create policy "members and up create api keys" on public.api_keys
  for insert to authenticated with check (org_id in (select private.user_org_ids_with_role('member')));
create policy "members and up revoke api keys" on public.api_keys
  for update to authenticated
  using (org_id in (select private.user_org_ids_with_role('member')))
  with check (org_id in (select private.user_org_ids_with_role('member')));
