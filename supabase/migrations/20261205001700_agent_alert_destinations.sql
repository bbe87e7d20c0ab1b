-- What the agent paged, precisely enough to dedup by incident and destination.
--
-- The agent applies the backend's flapping damping to its own alerts (one FLAPPING notice
-- instead of a page every cycle) and reports that notice like its other pages.
alter table public.agent_alerts drop constraint agent_alerts_state_check;
alter table public.agent_alerts
  add constraint agent_alerts_state_check check (state in ('down', 'flapping', 'restored', 'backend_unreachable'));

-- Keys of the destinations that carried the page (SHA-256 of a canonical webhook URL, ntfy
-- topic, email address or phone number: packages/protocol/src/destinations.ts). The dispatcher
-- does not page a destination again for the same incident; a channel kind alone never
-- suppresses a page any more (an agent webhook to one URL says nothing about another URL).
alter table public.agent_alerts add column destinations text[] not null default '{}';
