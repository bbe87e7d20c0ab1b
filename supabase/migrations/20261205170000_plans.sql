-- Plans as data (issue 16, decision 0042): what an organization may create and how long each
-- resolution of its history is kept. Every organization is on exactly one plan. custos-server's
-- organizations start on 'unlimited' (the row marked is_default); a cloud deployment marks 'free'
-- as the default instead (docs/plans.md). Operators change an organization's plan with
-- `custos-server admin set-plan` or through the billing hook; the limits themselves are rows an
-- operator may edit, not code.
--
-- Limits (null = no limit) are checked where the write happens (registration, invitations,
-- probe and channel creation); lowering them never deletes what exists: a downgrade keeps every
-- server, member, probe and channel, refuses new ones until usage is under the limit, and shortens
-- only the retention below.
--
-- Retention is per resolution, because their costs differ by orders of magnitude (one server,
-- ~40 series every 30 s): a year of raw samples is ~1.4 M rows per series-year, a year of 1-hour
-- rollups 8,760. An organization's own raw_retention_days still chooses within the plan's
-- retention_raw_days (the effective raw retention is the smaller of the two).

create table public.plans (
  id text primary key check (id ~ '^[a-z][a-z0-9_-]{0,39}$'),
  name text not null check (length(name) between 1 and 100),
  is_default boolean not null default false,
  max_servers integer check (max_servers >= 0),
  max_members integer check (max_members >= 1),
  max_probes integer check (max_probes >= 0),
  -- per channel kind, the most channels of that kind; "*" for every kind not named; a kind
  -- absent with no "*" is unlimited; 0 = the kind is not in the plan. {"*": 0, "email": 5}
  channel_limits jsonb not null default '{}'
    check (jsonb_typeof(channel_limits) = 'object'
      and not jsonb_path_exists(channel_limits, '$.* ? (@.type() != "number" || @ < 0 || @ != @.floor())')),
  -- days each resolution is kept; metric_samples/check_results (raw), 1-minute, 5-minute and
  -- 1-hour rollups (check rollups follow the 1-hour tier)
  retention_raw_days integer not null check (retention_raw_days between 1 and 3650),
  retention_1m_days integer not null check (retention_1m_days between 1 and 3650),
  retention_5m_days integer not null check (retention_5m_days between 1 and 3650),
  retention_1h_days integer not null check (retention_1h_days between 1 and 3650),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index plans_one_default_idx on public.plans (is_default) where is_default;

insert into public.plans (id, name, is_default, max_servers, max_members, max_probes, channel_limits,
                          retention_raw_days, retention_1m_days, retention_5m_days, retention_1h_days)
values
  -- the brief's tiers; Pro's "90 days" is the 5-minute tier (charts to 90 days at 5-minute
  -- resolution), raw samples 14 days and 1-hour rollups a year: < 500 MB per server-year
  ('free', 'Free', false, 1, 2, 3, '{"*": 0, "email": 3}', 7, 7, 7, 7),
  ('pro', 'Pro', false, 5, 10, 25, '{"*": 0, "email": 10, "slack": 10, "sms": 5}', 14, 30, 90, 365),
  ('enterprise', 'Enterprise', false, null, null, null, '{}', 90, 90, 365, 1095),
  -- self-hosted: nothing limited; the retention custos-server had before plans existed
  ('unlimited', 'Unlimited (self-hosted)', true, null, null, null, '{}', 3650, 8, 35, 3650);

alter table public.organizations
  add column plan_id text references public.plans (id) on update cascade;
update public.organizations set plan_id = 'unlimited';
alter table public.organizations alter column plan_id set not null;
create index organizations_plan_id_idx on public.organizations (plan_id);

-- New organizations take the default plan unless the inserting code names one.
create function private.organization_default_plan() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.plan_id is null then
    select p.id into new.plan_id from public.plans p where p.is_default;
    if new.plan_id is null then
      raise exception 'no default plan: mark one row of public.plans is_default' using errcode = '23502';
    end if;
  end if;
  return new;
end
$$;
revoke all on function private.organization_default_plan() from public, anon, authenticated;
create trigger organizations_default_plan before insert on public.organizations
  for each row execute function private.organization_default_plan();

-- Members see their plan (the dashboard shows usage against it); nobody but the service
-- (operator command, billing hook) writes plans or an organization's plan_id.
alter table public.plans enable row level security;
create policy "members read their organizations' plans" on public.plans
  for select to authenticated
  using (id in (select o.plan_id from public.organizations o where o.id in (select private.user_org_ids())));
grant select on public.plans to authenticated;
-- organizations.plan_id is not among the columns authenticated may update (data_api_grants).
