-- Discord incoming webhooks as a notification channel (issue 17). The webhook URL is the
-- credential and lives in the channel's secret, like Slack's.
-- `alter type ... add value` may run inside the migration's transaction (PostgreSQL 12+); the
-- new value only cannot be used before that transaction commits, and nothing here uses it.
alter type public.channel_kind add value if not exists 'discord';
