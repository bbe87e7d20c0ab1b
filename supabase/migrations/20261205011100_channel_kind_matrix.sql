-- Matrix rooms as a notification channel. The homeserver and the room id are config; the
-- access token of the posting account lives in the channel's secret.
-- `alter type ... add value` may run inside the migration's transaction (PostgreSQL 12+); the
-- new value only cannot be used before that transaction commits, and nothing here uses it.
alter type public.channel_kind add value if not exists 'matrix';
