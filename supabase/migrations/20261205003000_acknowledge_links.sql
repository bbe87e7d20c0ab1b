-- One-click acknowledge links in notifications (issue 13).
--
-- Every page (down, flapping, escalation, repeat) carries a link that acknowledges its incident
-- without a session. The link's token is 144 random bits, made by the dispatcher when it sends
-- the page; only its SHA-256 is stored, like API keys, so a database dump or a read of this
-- table cannot acknowledge anything. Both runtimes (custos-server and the Edge Function) verify a
-- token by looking its hash up here: no signing secret has to be shared or rotated.
-- Decision record: docs/decisions/0021-acknowledge-links.md.

-- Who acknowledged when it was not a signed-in member: "link in sms notification".
alter table public.incidents
  add column acknowledged_via text check (acknowledged_via is null or length(acknowledged_via) <= 100);

-- In `private`: the Data API never exposes it, and no API role has a grant on it.
create table private.ack_links (
  token_hash bytea primary key check (length(token_hash) = 32),
  -- single purpose: a token acknowledges this incident and nothing else
  incident_id uuid not null references public.incidents (id) on delete cascade,
  -- the page that carried it, so the incident's history can say which channel was used
  outbox_id bigint not null references public.notification_outbox (id) on delete cascade,
  channel_kind public.channel_kind not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  check (expires_at > created_at)
);
create index ack_links_incident_id_idx on private.ack_links (incident_id);
create index ack_links_outbox_id_idx on private.ack_links (outbox_id);
-- the dispatcher deletes links long expired as it makes new ones
create index ack_links_expires_at_idx on private.ack_links (expires_at);

revoke all on private.ack_links from public, anon, authenticated;
