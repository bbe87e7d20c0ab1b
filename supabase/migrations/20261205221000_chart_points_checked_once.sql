-- A chart's rollup points with the organization checked once per request, not once per row
-- (decision 0050).
--
-- The rollup tables carry no org_id (decision 0013: row size), so their policies reach the
-- organization through metric_series for every row read: an index probe each. For a 30-day chart
-- of 3 series (2,157 hourly rows) that was 6,475 of the statement's 8,690 buffer hits, and
-- 54-71 ms of a read that takes 2.3-7.5 ms without the policy (bench/RESULTS.md, 2026-12-05 21:03).
--
-- private.metric_points keeps, of the series ids it is given, those that belong to p_org, and only
-- when the caller is a member of p_org (the same membership test as the policies:
-- private.user_org_ids(), from the caller's JWT); then it reads their points by primary key
-- without the per-row policy. Ids of another organization, or an organization the caller is not
-- in, read nothing. The points come unordered: the caller orders them (the chart route does).
-- The tables' policies stay as they are for every other reader.

create function private.metric_points(p_org uuid, p_series integer[], p_tier text, p_from timestamptz)
returns table (series_id integer, bucket timestamptz, avg double precision, min double precision, max double precision)
language plpgsql stable security definer set search_path = '' as $$
#variable_conflict use_column
declare
  v_ids integer[];
  v_settled timestamptz;
begin
  select coalesce(array_agg(s.id), '{}') into v_ids
  from public.metric_series s
  where s.id = any (p_series) and s.org_id = p_org and p_org in (select private.user_org_ids());
  if cardinality(v_ids) = 0 then
    return;
  end if;

  if p_tier = '1m' then
    return query
      select r.series_id, r.bucket, r.sum_value / r.sample_count, r.min_value, r.max_value
      from public.metric_rollups_1m r
      where r.series_id = any (v_ids) and r.bucket >= p_from;
  elsif p_tier = '5m' then
    return query
      select r.series_id, r.bucket, r.sum_value / r.sample_count, r.min_value, r.max_value
      from public.metric_rollups_5m r
      where r.series_id = any (v_ids) and r.bucket >= p_from;
  elsif p_tier = '1h' then
    -- hours the refresh has settled come from the 1-hour tier; the newest hour or two from the
    -- 5-minute tier, aggregated per hour here, so a 7 d / 30 d chart reaches the last minutes
    select greatest(w.hours_through, p_from) into v_settled from private.rollup_watermarks() w;
    return query
      select r.series_id, r.bucket, r.sum_value / r.sample_count, r.min_value, r.max_value
      from public.metric_rollups_1h r
      where r.series_id = any (v_ids) and r.bucket >= p_from and r.bucket < v_settled
      union all
      select r.series_id, private.bucket_1h(r.bucket), sum(r.sum_value) / sum(r.sample_count), min(r.min_value), max(r.max_value)
      from public.metric_rollups_5m r
      where r.series_id = any (v_ids) and r.bucket >= v_settled
      group by 1, 2;
  else
    raise exception 'p_tier must be 1m, 5m or 1h, got %', p_tier using errcode = '22023';
  end if;
end
$$;

revoke all on function private.metric_points(uuid, integer[], text, timestamptz) from public, anon;
grant execute on function private.metric_points(uuid, integer[], text, timestamptz) to authenticated, service_role;
