-- Microsoft Teams (a Workflows webhook) as a notification channel. The workflow URL carries its
-- signature and lives in the channel's secret, like Slack's webhook URL.
-- `alter type ... add value` may run inside the migration's transaction (PostgreSQL 12+); the
-- new value only cannot be used before that transaction commits, and nothing here uses it.
alter type public.channel_kind add value if not exists 'teams';
