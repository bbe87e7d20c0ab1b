-- Maintenance windows get a public title, and the public status page says "Under maintenance"
-- (decision 0048, addendum).
--
-- `maintenance_windows.public_title`: what the public reads on status pages for a window ("Database
-- upgrade"). It is its own column because `reason` is a note to the team (the settings form asks
-- for it as "Reason (optional)"; it is shown in the dashboard and in suppressed-notification
-- reasons) that nobody wrote for the public. Null: the page says "Scheduled maintenance". One line
-- of at most 200 characters: the API refuses longer text, control characters (tab, CR, LF, C1),
-- line and paragraph separators and bidi overrides with a 400 naming the field; the CHECK holds
-- the same for anything written through the Data API, whose column grants now include it.
--
-- published.status_page(slug) returns, besides what it returned before:
--   * per page window, `public_title` (never `reason`);
--   * per subject, `in_maintenance`: whether a window covering it is in progress now
--     (starts_at <= now() < ends_at), by the same `covering` pairs the spans come from, so the
--     covering rule stays written once here. The backend (status-pages/present.ts) shows such a
--     subject as "Under maintenance" instead of down, degraded or unknown, and the page's banner
--     as "Under maintenance" when every subject that is not operational is.
-- Same signature and return type, so `create or replace` keeps the function's identity; its
-- grants are restated exactly as the previous definition set them.
alter table public.maintenance_windows
  add column public_title text
    constraint maintenance_windows_public_title_check check (
      char_length(public_title) between 1 and 200
      and public_title !~ '[\u0001-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]'
    );

grant insert (public_title), update (public_title) on public.maintenance_windows to authenticated;

create or replace function published.status_page(p_slug text) returns jsonb
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
           s.created_at, 'server:' || s.id as subject_key,
           s.id as server_id, null::uuid as monitor_id
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
           m.created_at, 'monitor:' || m.id,
           m.server_id, m.id
    from page
    cross join lateral unnest(page.monitor_ids) with ordinality as u(id, ord)
    join public.monitors m on m.id = u.id and m.org_id = page.org_id and m.enabled
    left join public.servers s on s.id = m.server_id
  ),
  -- every (subject, window) pair where the window covers the subject and touches the last 90 days
  -- or the future; the rule is the dashboard's (monitors/maintenance.ts): an organization-wide
  -- window covers everything, a server's the server and its monitors, a monitor's the monitor
  covering as (
    select x.subject_key, x.name, x.ord, w.id as window_id, w.starts_at, w.ends_at, w.public_title
    from page
    join subjects x on true
    join public.maintenance_windows w
      on w.org_id = page.org_id and w.ends_at > now() - interval '90 days'
     and ((w.server_id is null and w.monitor_id is null)
          or w.server_id = x.server_id or w.monitor_id = x.monitor_id)
  )
  select jsonb_build_object(
    'slug', page.slug,
    'title', page.title,
    'now', to_char(now() at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'maintenance', coalesce((
      select jsonb_agg(jsonb_build_object(
               'starts_at', to_char(n.starts_at at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
               'ends_at', to_char(n.ends_at at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
               'public_title', n.public_title,
               'subjects', n.subjects) order by n.starts_at, n.ends_at, n.window_id)
      from (
        select c.window_id, c.starts_at, c.ends_at, c.public_title,
               jsonb_agg(c.name order by c.ord) as subjects
        from covering c
        where c.ends_at > now()
        group by c.window_id, c.starts_at, c.ends_at, c.public_title
        order by c.starts_at, c.ends_at, c.window_id
        limit 50
      ) n), '[]'::jsonb),
    'subjects', coalesce((
      select jsonb_agg(jsonb_build_object(
               'kind', x.kind,
               'name', x.name,
               'status', x.status,
               'since', to_char(x.created_at at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
               -- a covering window is in progress now: the page says "Under maintenance"
               'in_maintenance', exists (
                 select 1 from covering c
                 where c.subject_key = x.subject_key and c.starts_at <= now() and c.ends_at > now()),
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
                 ) i), '[]'::jsonb),
               -- merged and clipped to [90 days ago, now): at most one span per window
               'maintenance', coalesce((
                 select jsonb_agg(jsonb_build_object(
                          'starts_at', to_char(lower(s.span) at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                          'ends_at', to_char(upper(s.span) at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
                          order by lower(s.span))
                 from unnest((
                   select range_agg(tstzrange(greatest(c.starts_at, now() - interval '90 days'), least(c.ends_at, now())))
                   from covering c
                   where c.subject_key = x.subject_key and c.starts_at < now()
                 )) as s(span)), '[]'::jsonb))
             order by x.ord)
      from subjects x), '[]'::jsonb))
  from page
$$;

revoke all on function published.status_page(text) from public;
grant execute on function published.status_page(text) to anon, authenticated, service_role;
