-- Telegram (Bot API sendMessage) as a notification channel (issue 17). The bot token lives in
-- the channel's secret; the chat id is config. `add value` inside the migration's transaction is
-- allowed (PostgreSQL 12+) as long as nothing in the same transaction uses the new value.
alter type public.channel_kind add value if not exists 'telegram';
