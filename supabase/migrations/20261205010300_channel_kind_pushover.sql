-- Pushover as a notification channel (issue 17). The application token and the user key live in
-- the channel's secret; an optional device list is config. `add value` inside the migration's
-- transaction is allowed (PostgreSQL 12+) as long as nothing in the same transaction uses it.
alter type public.channel_kind add value if not exists 'pushover';
