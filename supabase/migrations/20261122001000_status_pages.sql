-- Public status pages: an organization publishes chosen monitors under a slug. Members read the
-- page definitions, admins manage them. Anonymous visitors never query tables: they call
-- published.status_page(slug), a security definer function that returns only the page's title
-- and, per chosen monitor of the page's own organization, its name, current status and 90 daily
-- bars. RLS is not opened to `anon` anywhere.

create table public.status_pages (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$'),
  title text not null check (length(title) between 1 and 200),
  -- in display order; monitors of other organizations are ignored by the public function
  monitor_ids uuid[] not null default '{}' check (cardinality(monitor_ids) <= 100),
  enabled boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index status_pages_org_id_idx on public.status_pages (org_id);

alter table public.status_pages enable row level security;
create policy "members read status pages" on public.status_pages
  for select to authenticated using (org_id in (select private.user_org_ids()));
create policy "admins manage status pages" on public.status_pages
  for all to authenticated
  using (org_id in (select private.user_org_ids_with_role('admin')))
  with check (org_id in (select private.user_org_ids_with_role('admin')));

-- A schema of its own for the one function anonymous callers may run: not `public` (PostgREST
-- exposes that as RPC) and not `private` (which holds functions anon must never reach).
create schema if not exists published;
revoke all on schema published from public;
grant usage on schema published to anon, authenticated, service_role;

-- Uptime per bar = (ok + degraded) / (ok + degraded + down): degraded means slow, not unavailable.
-- Days are UTC. Hourly check rollups up to checks_through, raw results after it.
create function published.status_page(p_slug text) returns jsonb
language sql stable security definer set search_path = '' as $$
  with page as (
    select p.org_id, p.slug, p.title, p.monitor_ids
    from public.status_pages p
    where p.slug = lower(p_slug) and p.enabled
  ),
  first_day as (
    select (now() at time zone 'utc')::date - 89 as d
  ),
  mon as (
    select m.id, m.name, u.ord,
           case
             when s.status = 'down' then 'unknown'
             when m.last_status in ('ok', 'degraded', 'down') then m.last_status::text
             else 'unknown'
           end as status
    from page
    cross join lateral unnest(page.monitor_ids) with ordinality as u(id, ord)
    join public.monitors m on m.id = u.id and m.org_id = page.org_id and m.enabled
    left join public.servers s on s.id = m.server_id
  ),
  counts as (
    select r.monitor_id, (r.bucket at time zone 'utc')::date as day,
           r.ok_count as ok, r.degraded_count as degraded, r.down_count as down
    from public.check_rollups_1h r
    where r.monitor_id in (select id from mon)
      and r.bucket >= ((select d from first_day)::timestamp at time zone 'utc')
    union all
    select c.monitor_id, (c.ts at time zone 'utc')::date,
           (c.status = 'ok')::integer, (c.status = 'degraded')::integer, (c.status = 'down')::integer
    from public.check_results c
    where c.monitor_id in (select id from mon)
      and c.ts >= (select w.checks_through from private.rollup_state w where w.id)
      and c.status <> 'unsupported'
  ),
  per_day as (
    select monitor_id, day, sum(ok) as ok, sum(degraded) as degraded, sum(down) as down
    from counts group by 1, 2
  ),
  bars as (
    select mon.id, mon.ord, mon.name, mon.status,
           jsonb_agg(
             jsonb_build_object(
               'status', case when pd.down > 0 then 'down' when pd.degraded > 0 then 'degraded'
                              when pd.ok > 0 then 'ok' else 'none' end,
               'uptime_percent', case when coalesce(pd.ok + pd.degraded + pd.down, 0) = 0 then null
                                      else round(100.0 * (pd.ok + pd.degraded) / (pd.ok + pd.degraded + pd.down), 3) end)
             order by days.day) as days,
           sum(pd.ok + pd.degraded) as up_total,
           sum(pd.ok + pd.degraded + pd.down) as all_total
    from mon
    cross join (select ((select d from first_day) + g)::date as day from generate_series(0, 89) g) days
    left join per_day pd on pd.monitor_id = mon.id and pd.day = days.day
    group by mon.id, mon.ord, mon.name, mon.status
  )
  select jsonb_build_object(
    'slug', page.slug,
    'title', page.title,
    'generated_at', to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'status', case
      when not exists (select 1 from bars) then 'unknown'
      when exists (select 1 from bars where status = 'down') then 'outage'
      when exists (select 1 from bars where status = 'degraded') then 'degraded'
      when exists (select 1 from bars where status = 'unknown') then 'unknown'
      else 'operational' end,
    'days', jsonb_build_object('from', to_char((select d from first_day), 'YYYY-MM-DD'), 'count', 90),
    'monitors', coalesce((
      select jsonb_agg(jsonb_build_object(
               'name', b.name,
               'status', b.status,
               'uptime_percent', case when coalesce(b.all_total, 0) = 0 then null
                                      else round(100.0 * b.up_total / b.all_total, 3) end,
               'days', b.days) order by b.ord)
      from bars b), '[]'::jsonb))
  from page
$$;

revoke all on function published.status_page(text) from public;
grant execute on function published.status_page(text) to anon, authenticated, service_role;
