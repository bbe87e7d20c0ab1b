-- The public status page shows maintenance (issue 17, decision 0048).
--
-- published.status_page(slug) returns, besides what it returned before:
--   * per subject, `maintenance`: the merged spans (range_agg: overlapping windows count once) of
--     the windows that cover it, clipped to the last 90 days and to now. The backend marks the
--     daily bars with the time in them and leaves that time out of uptime
--     (packages/backend/src/status-pages/present.ts), as the dashboard leaves the results in them
--     out (monitors/uptime.ts).
--   * per page, `maintenance`: the windows not yet ended that cover something the page publishes,
--     each with the names of the published subjects it covers (at most 50, soonest first).
-- A window covers a subject by the dashboard's rule (monitors/maintenance.ts, and
-- private.enqueue_notifications): an organization-wide window (no server, no monitor) covers
-- everything; a server's window covers the server and its monitors; a monitor's window covers the
-- monitor. A window that covers nothing the page publishes is not returned at all, so it cannot
-- leak the existence, time or name of anything unpublished.
-- A window's `reason` is not published: the settings form asks for it as a note to the team
-- ("Reason (optional)", shown in the dashboard and in suppressed-notification reasons), not as a
-- text for the public. Its id, creator and server/monitor ids stay out too.
--
-- Same signature and return type, so `create or replace` keeps the function's identity; its
-- grants are restated exactly as the previous definition set them.
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
  -- or the future; the rule is the dashboard's (see the header)
  covering as (
    select x.subject_key, x.name, x.ord, w.id as window_id, w.starts_at, w.ends_at
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
               'subjects', n.subjects) order by n.starts_at, n.ends_at, n.window_id)
      from (
        select c.window_id, c.starts_at, c.ends_at, jsonb_agg(c.name order by c.ord) as subjects
        from covering c
        where c.ends_at > now()
        group by c.window_id, c.starts_at, c.ends_at
        order by c.starts_at, c.ends_at, c.window_id
        limit 50
      ) n), '[]'::jsonb),
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
