-- Status pages can show servers, and uptime comes from incident history.
--
-- Before: only monitors could be published, and uptime was the share of ok check results, so a
-- page said "All systems operational, 100 %" through a 13-minute server outage (a silent server
-- sends no failing checks). Now a page lists servers too (their heartbeat state), and
-- published.status_page(slug) returns each subject's incidents of the last 90 days; the backend
-- turns them into days and uptime in TypeScript (packages/backend/src/status-pages/present.ts):
-- downtime is the time covered by critical incidents, a warning incident makes a day degraded.
alter table public.status_pages
  add column server_ids uuid[] not null default '{}' check (cardinality(server_ids) <= 100);

create trigger status_pages_server_ids_in_org
  before insert or update of org_id, server_ids on public.status_pages
  for each row execute function private.check_org_id_arrays('servers', 'server_ids');

create function private.remove_deleted_server_ids() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  update public.status_pages set server_ids = array_remove(server_ids, old.id)
  where org_id = old.org_id and old.id = any (server_ids);
  return old;
end
$$;

create trigger servers_leave_status_pages
  after delete on public.servers
  for each row execute function private.remove_deleted_server_ids();

revoke all on function private.remove_deleted_server_ids() from public, anon, authenticated;

grant insert (server_ids), update (server_ids) on public.status_pages to authenticated;

-- What a page publishes, raw: title, and per chosen server and monitor (servers first, each in
-- the page's order) its name, current state, when it was first seen, and its incidents that
-- overlap the last 90 days (at most 2,000 each: a flapping monitor cannot make the page huge).
drop function published.status_page(text);

create function published.status_page(p_slug text) returns jsonb
language sql stable security definer set search_path = '' as $$
  with page as (
    select p.org_id, p.slug, p.title, p.monitor_ids, p.server_ids
    from public.status_pages p
    where p.slug = lower(p_slug) and p.enabled
  ),
  subjects as (
    select 'server' as kind, s.name, u.ord,
           case when s.approval = 'pending' then 'unknown'
                when s.status = 'up' then 'ok'
                when s.status = 'down' then 'down'
                else 'unknown' end as status,
           s.created_at, 'server:' || s.id as subject_key
    from page
    cross join lateral unnest(page.server_ids) with ordinality as u(id, ord)
    join public.servers s on s.id = u.id and s.org_id = page.org_id
    union all
    select 'monitor', m.name, 1000 + u.ord,
           case
             when s.status = 'down' then 'unknown'
             when m.last_status in ('ok', 'degraded', 'down') then m.last_status::text
             else 'unknown'
           end,
           m.created_at, 'monitor:' || m.id
    from page
    cross join lateral unnest(page.monitor_ids) with ordinality as u(id, ord)
    join public.monitors m on m.id = u.id and m.org_id = page.org_id and m.enabled
    left join public.servers s on s.id = m.server_id
  )
  select jsonb_build_object(
    'slug', page.slug,
    'title', page.title,
    'now', to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'subjects', coalesce((
      select jsonb_agg(jsonb_build_object(
               'kind', x.kind,
               'name', x.name,
               'status', x.status,
               'since', to_char(x.created_at at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
               'incidents', coalesce((
                 select jsonb_agg(jsonb_build_object(
                          'started_at', to_char(i.started_at at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                          'resolved_at', to_char(i.resolved_at at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                          'severity', i.severity) order by i.started_at)
                 from (
                   select i.started_at, i.resolved_at, i.severity
                   from public.incidents i
                   where i.org_id = page.org_id and i.subject_key = x.subject_key
                     and coalesce(i.resolved_at, now()) >= now() - interval '90 days'
                   order by i.started_at desc
                   limit 2000
                 ) i), '[]'::jsonb))
             order by x.ord)
      from subjects x), '[]'::jsonb))
  from page
$$;

revoke all on function published.status_page(text) from public;
grant execute on function published.status_page(text) to anon, authenticated, service_role;

create index if not exists incidents_subject_started_idx on public.incidents (subject_key, started_at);
