-- The monitor page's year (uptime 365 d, the 90 d / 365 d response times: 8,760 hourly rows of
-- one monitor) read each row from its own heap page: the refresh writes every monitor's hour
-- together, so one monitor's hours are spread over the table (bench/dashboard.ts: 99-109 ms on
-- the database side, API p95 ~400 ms). The primary key now carries the columns those reads use,
-- so they are index-only scans over one monitor's contiguous key range: measured on 300
-- monitor-years (2.6 M rows, vacuumed) 104 ms -> 4.5 ms per year read, 113 pages instead of
-- 8,838. Cost: the key grows from ~80 to ~260 MB per 2.6 M rows (~0.9 MB per monitor-year), and
-- the refresh's updates of the current hour are no longer HOT (one index entry more each, for
-- the few thousand rows of the current hour). One index instead of a second covering one: the
-- key already orders by (monitor_id, bucket). Decision 0046.
alter table public.check_rollups_1h
  drop constraint check_rollups_1h_pkey,
  add constraint check_rollups_1h_pkey primary key (monitor_id, bucket)
    include (org_id, ok_count, degraded_count, down_count, latency_sum_ms, latency_count, latency_min_ms, latency_max_ms);
