-- PagerDuty (Events API v2) as a notification channel. The integration (routing) key lives in the
-- channel's secret; the channel has no config.
-- `alter type ... add value` may run inside the migration's transaction (PostgreSQL 12+); the
-- new value only cannot be used before that transaction commits, and nothing here uses it.
alter type public.channel_kind add value if not exists 'pagerduty';
