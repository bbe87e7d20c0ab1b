-- The schema as the migrations leave it, generated from a migrated database by
-- packages/backend/test/schema-file.test.ts (UPDATE_SCHEMA_SQL=1 rewrites it). Read it to
-- see a table whole; change the schema with a new migration, never here.

create type public.api_key_scope as enum ('agent', 'read');
create type public.channel_kind as enum ('email', 'slack', 'sms', 'ntfy', 'webhook', 'discord', 'telegram', 'gotify', 'pushover', 'pagerduty', 'matrix', 'teams');
create type public.check_status as enum ('ok', 'degraded', 'down', 'unsupported');
create type public.incident_status as enum ('open', 'acknowledged', 'resolved');
create type public.invitation_email_status as enum ('pending', 'sending', 'sent', 'failed');
create type public.org_role as enum ('owner', 'admin', 'member', 'viewer');
create type public.outbox_status as enum ('pending', 'sending', 'delivered', 'dead', 'suppressed');
create type public.server_approval as enum ('pending', 'approved');
create type public.server_status as enum ('unknown', 'up', 'down');
create type public.severity as enum ('critical', 'warning', 'info');

create table private.ack_links (
  token_hash bytea not null,
  incident_id uuid not null,
  outbox_id bigint not null,
  channel_kind public.channel_kind not null,
  created_at timestamp with time zone not null default now(),
  expires_at timestamp with time zone not null,
  constraint ack_links_check CHECK ((expires_at > created_at)),
  constraint ack_links_token_hash_check CHECK ((length(token_hash) = 32)),
  constraint ack_links_incident_id_fkey FOREIGN KEY (incident_id) REFERENCES public.incidents(id) ON DELETE CASCADE,
  constraint ack_links_outbox_id_fkey FOREIGN KEY (outbox_id) REFERENCES public.notification_outbox(id) ON DELETE CASCADE,
  constraint ack_links_pkey PRIMARY KEY (token_hash)
);
CREATE INDEX ack_links_expires_at_idx ON private.ack_links USING btree (expires_at);
CREATE INDEX ack_links_incident_id_idx ON private.ack_links USING btree (incident_id);
CREATE INDEX ack_links_outbox_id_idx ON private.ack_links USING btree (outbox_id);

create table private.billing_events (
  event_id text not null,
  org_id uuid not null,
  plan_id text not null,
  previous_plan_id text,
  received_at timestamp with time zone not null default now(),
  constraint billing_events_event_id_check CHECK (((length(event_id) >= 1) AND (length(event_id) <= 200))),
  constraint billing_events_pkey PRIMARY KEY (event_id)
);
CREATE INDEX billing_events_org_idx ON private.billing_events USING btree (org_id, received_at DESC);

create table private.check_rollup_backlog (
  monitor_id uuid not null,
  org_id uuid not null,
  minute timestamp with time zone not null,
  ok_count integer not null,
  degraded_count integer not null,
  down_count integer not null,
  latency_sum_ms double precision,
  latency_count integer not null default 0,
  latency_min_ms real,
  latency_max_ms real
);

create table private.installation (
  id boolean not null default true,
  installed_at timestamp with time zone not null default now(),
  constraint installation_id_check CHECK (id),
  constraint installation_pkey PRIMARY KEY (id)
);

create table private.invitation_email_tokens (
  invitation_id uuid not null,
  org_id uuid not null,
  token text not null,
  created_at timestamp with time zone not null default now(),
  constraint invitation_email_tokens_token_check CHECK (((length(token) >= 10) AND (length(token) <= 200))),
  constraint invitation_email_tokens_invitation_id_fkey FOREIGN KEY (invitation_id) REFERENCES public.invitations(id) ON DELETE CASCADE,
  constraint invitation_email_tokens_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE,
  constraint invitation_email_tokens_pkey PRIMARY KEY (invitation_id)
);
CREATE INDEX invitation_email_tokens_org_id_idx ON private.invitation_email_tokens USING btree (org_id);
alter table private.invitation_email_tokens enable row level security;

create table private.job_runs (
  job text not null,
  last_run_at timestamp with time zone not null,
  resumed_at timestamp with time zone not null,
  constraint job_runs_pkey PRIMARY KEY (job)
);

create table private.job_state (
  job text not null,
  every_ms integer not null,
  claimed_at timestamp with time zone,
  started_at timestamp with time zone,
  finished_at timestamp with time zone,
  runs bigint not null default 0,
  last_error text,
  last_error_at timestamp with time zone,
  constraint job_state_every_ms_check CHECK ((every_ms > 0)),
  constraint job_state_pkey PRIMARY KEY (job)
);

create table private.metric_rollup_backlog (
  series_id integer not null,
  bucket timestamp with time zone not null,
  sum_value double precision not null,
  sample_count integer not null,
  min_value double precision not null,
  max_value double precision not null
);

create table private.retention_applied (
  org_id uuid not null,
  tier text not null,
  days integer not null,
  constraint retention_applied_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE,
  constraint retention_applied_pkey PRIMARY KEY (org_id, tier)
);
alter table private.retention_applied enable row level security;

create table private.retention_runs (
  tier text not null,
  ran_at timestamp with time zone not null,
  longest_days integer not null,
  constraint retention_runs_pkey PRIMARY KEY (tier)
);
alter table private.retention_runs enable row level security;

create table private.rollup_state (
  id boolean not null default true,
  metrics_through timestamp with time zone not null,
  hours_through timestamp with time zone not null,
  checks_through timestamp with time zone not null,
  last_run_at timestamp with time zone,
  constraint rollup_state_id_check CHECK (id),
  constraint rollup_state_pkey PRIMARY KEY (id)
);

create table public.agent_alerts (
  id uuid not null default gen_random_uuid(),
  org_id uuid not null,
  server_id uuid not null,
  incident_key text not null,
  monitor text not null,
  state text not null,
  channels public.channel_kind[] not null default '{}'::public.channel_kind[],
  message text,
  started_at timestamp with time zone not null,
  sent_at timestamp with time zone not null,
  received_at timestamp with time zone not null default now(),
  destinations text[] not null default '{}'::text[],
  constraint agent_alerts_state_check CHECK ((state = ANY (ARRAY['down'::text, 'flapping'::text, 'restored'::text, 'backend_unreachable'::text]))),
  constraint agent_alerts_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE,
  constraint agent_alerts_server_id_fkey FOREIGN KEY (org_id, server_id) REFERENCES public.servers(org_id, id) ON DELETE CASCADE,
  constraint agent_alerts_pkey PRIMARY KEY (id),
  constraint agent_alerts_server_id_incident_key_state_key UNIQUE (server_id, incident_key, state)
);
CREATE INDEX agent_alerts_org_id_idx ON public.agent_alerts USING btree (org_id);
alter table public.agent_alerts enable row level security;
create policy "members read agent alerts" on public.agent_alerts for select to authenticated using ((org_id IN ( SELECT private.user_org_ids() AS user_org_ids)));

create table public.agent_events (
  org_id uuid not null,
  server_id uuid not null,
  id uuid not null,
  kind text not null,
  monitor text not null,
  occurred_at timestamp with time zone not null,
  started_at timestamp with time zone,
  ended_at timestamp with time zone,
  duration_ms bigint,
  message text not null,
  data jsonb,
  received_at timestamp with time zone not null default now(),
  constraint agent_events_duration_ms_check CHECK ((duration_ms >= 0)),
  constraint agent_events_kind_check CHECK ((kind = ANY (ARRAY['outage_started'::text, 'outage_ended'::text, 'reboot'::text]))),
  constraint agent_events_message_check CHECK (((char_length(message) >= 1) AND (char_length(message) <= 500))),
  constraint agent_events_monitor_check CHECK (((char_length(monitor) >= 1) AND (char_length(monitor) <= 200))),
  constraint agent_events_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE,
  constraint agent_events_server_id_fkey FOREIGN KEY (org_id, server_id) REFERENCES public.servers(org_id, id) ON DELETE CASCADE,
  constraint agent_events_pkey PRIMARY KEY (server_id, id)
);
CREATE INDEX agent_events_org_recent_idx ON public.agent_events USING btree (org_id, occurred_at DESC, id DESC);
CREATE INDEX agent_events_server_recent_idx ON public.agent_events USING btree (server_id, occurred_at DESC, id DESC);
alter table public.agent_events enable row level security;
create policy "members read agent events" on public.agent_events for select to authenticated using ((org_id IN ( SELECT private.user_org_ids() AS user_org_ids)));

create table public.alert_rules (
  id uuid not null default gen_random_uuid(),
  org_id uuid not null,
  name text not null,
  min_severity public.severity not null default 'warning'::public.severity,
  channel_ids uuid[] not null default '{}'::uuid[],
  escalate_after_minutes integer,
  escalation_channel_ids uuid[] not null default '{}'::uuid[],
  repeat_mode text not null default 'once'::text,
  repeat_every_minutes integer,
  notify_restored boolean not null default true,
  enabled boolean not null default true,
  created_at timestamp with time zone not null default now(),
  constraint alert_rules_escalate_after_minutes_check CHECK (((escalate_after_minutes >= 1) AND (escalate_after_minutes <= 10080))),
  constraint alert_rules_name_check CHECK (((length(name) >= 1) AND (length(name) <= 100))),
  constraint alert_rules_repeat_every_minutes_check CHECK (((repeat_every_minutes >= 1) AND (repeat_every_minutes <= 10080))),
  constraint alert_rules_repeat_mode_check CHECK ((repeat_mode = ANY (ARRAY['once'::text, 'repeat'::text, 'none'::text]))),
  constraint alert_rules_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE,
  constraint alert_rules_pkey PRIMARY KEY (id)
);
CREATE INDEX alert_rules_org_id_idx ON public.alert_rules USING btree (org_id);
alter table public.alert_rules enable row level security;
create policy "admins manage alert rules" on public.alert_rules for all to authenticated using ((org_id IN ( SELECT private.user_org_ids_with_role('admin'::public.org_role) AS user_org_ids_with_role))) with check ((org_id IN ( SELECT private.user_org_ids_with_role('admin'::public.org_role) AS user_org_ids_with_role)));
create policy "members read alert rules" on public.alert_rules for select to authenticated using ((org_id IN ( SELECT private.user_org_ids() AS user_org_ids)));

create table public.api_keys (
  id uuid not null default gen_random_uuid(),
  org_id uuid not null,
  name text not null default 'agent key'::text,
  prefix text not null,
  secret_hash bytea not null,
  scope public.api_key_scope not null,
  created_by uuid,
  created_at timestamp with time zone not null default now(),
  last_used_at timestamp with time zone,
  revoked_at timestamp with time zone,
  max_servers integer,
  enroll_until timestamp with time zone,
  constraint api_keys_max_servers_check CHECK (((max_servers >= 1) AND (max_servers <= 100000))),
  constraint api_keys_name_check CHECK (((length(name) >= 1) AND (length(name) <= 100))),
  constraint api_keys_prefix_check CHECK (((length(prefix) >= 8) AND (length(prefix) <= 32))),
  constraint api_keys_secret_hash_check CHECK ((length(secret_hash) = 32)),
  constraint api_keys_created_by_fkey FOREIGN KEY (created_by) REFERENCES auth.users(id) ON DELETE SET NULL,
  constraint api_keys_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE,
  constraint api_keys_pkey PRIMARY KEY (id),
  constraint api_keys_org_id_id_key UNIQUE (org_id, id),
  constraint api_keys_secret_hash_key UNIQUE (secret_hash)
);
CREATE INDEX api_keys_org_id_idx ON public.api_keys USING btree (org_id);
alter table public.api_keys enable row level security;
create policy "api keys are created by the caller" on public.api_keys as restrictive for insert to authenticated with check ((created_by = ( SELECT auth.uid() AS uid)));
create policy "members and up create api keys" on public.api_keys for insert to authenticated with check ((org_id IN ( SELECT private.user_org_ids_with_role('member'::public.org_role) AS user_org_ids_with_role)));
create policy "members and up revoke api keys" on public.api_keys for update to authenticated using ((org_id IN ( SELECT private.user_org_ids_with_role('member'::public.org_role) AS user_org_ids_with_role))) with check ((org_id IN ( SELECT private.user_org_ids_with_role('member'::public.org_role) AS user_org_ids_with_role)));
create policy "members read api keys" on public.api_keys for select to authenticated using ((org_id IN ( SELECT private.user_org_ids() AS user_org_ids)));

create table public.channel_secrets (
  channel_id uuid not null,
  org_id uuid not null,
  secret jsonb not null default '{}'::jsonb,
  constraint channel_secrets_channel_id_fkey FOREIGN KEY (org_id, channel_id) REFERENCES public.channels(org_id, id) ON DELETE CASCADE,
  constraint channel_secrets_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE,
  constraint channel_secrets_pkey PRIMARY KEY (channel_id)
);
CREATE INDEX channel_secrets_org_id_idx ON public.channel_secrets USING btree (org_id);
alter table public.channel_secrets enable row level security;
create policy "admins read and manage channel secrets" on public.channel_secrets for all to authenticated using ((org_id IN ( SELECT private.user_org_ids_with_role('admin'::public.org_role) AS user_org_ids_with_role))) with check ((org_id IN ( SELECT private.user_org_ids_with_role('admin'::public.org_role) AS user_org_ids_with_role)));

create table public.channels (
  id uuid not null default gen_random_uuid(),
  org_id uuid not null,
  name text not null,
  kind public.channel_kind not null,
  config jsonb not null default '{}'::jsonb,
  enabled boolean not null default true,
  created_at timestamp with time zone not null default now(),
  constraint channels_name_check CHECK (((length(name) >= 1) AND (length(name) <= 100))),
  constraint channels_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE,
  constraint channels_pkey PRIMARY KEY (id),
  constraint channels_org_id_id_key UNIQUE (org_id, id)
);
CREATE INDEX channels_org_id_idx ON public.channels USING btree (org_id);
alter table public.channels enable row level security;
create policy "admins manage channels" on public.channels for all to authenticated using ((org_id IN ( SELECT private.user_org_ids_with_role('admin'::public.org_role) AS user_org_ids_with_role))) with check ((org_id IN ( SELECT private.user_org_ids_with_role('admin'::public.org_role) AS user_org_ids_with_role)));
create policy "members read channels" on public.channels for select to authenticated using ((org_id IN ( SELECT private.user_org_ids() AS user_org_ids)));

create table public.check_results (
  ts timestamp with time zone not null,
  org_id uuid not null,
  server_id uuid,
  monitor_id uuid not null,
  status public.check_status not null,
  latency_ms real,
  message text
) partition by RANGE (ts);
CREATE INDEX check_results_monitor_ts_idx ON ONLY public.check_results USING btree (monitor_id, ts);
CREATE INDEX check_results_org_id_idx ON ONLY public.check_results USING btree (org_id);
CREATE INDEX check_results_ts_brin ON ONLY public.check_results USING brin (ts) WITH (pages_per_range='32');
alter table public.check_results enable row level security;
create policy "members read check results" on public.check_results for select to authenticated using ((org_id IN ( SELECT private.user_org_ids() AS user_org_ids)));

create table public.check_rollups_1h (
  monitor_id uuid not null,
  bucket timestamp with time zone not null,
  org_id uuid not null,
  ok_count integer not null default 0,
  degraded_count integer not null default 0,
  down_count integer not null default 0,
  latency_sum_ms double precision,
  latency_count integer,
  latency_min_ms real,
  latency_max_ms real,
  constraint check_rollups_1h_pkey PRIMARY KEY (monitor_id, bucket) INCLUDE (org_id, ok_count, degraded_count, down_count, latency_sum_ms, latency_count, latency_min_ms, latency_max_ms)
);
CREATE INDEX check_rollups_1h_bucket_brin ON public.check_rollups_1h USING brin (bucket);
CREATE INDEX check_rollups_1h_org_id_idx ON public.check_rollups_1h USING btree (org_id);
alter table public.check_rollups_1h enable row level security;
create policy "members read check rollups" on public.check_rollups_1h for select to authenticated using ((org_id IN ( SELECT private.user_org_ids() AS user_org_ids)));

create table public.incident_notes (
  id uuid not null default gen_random_uuid(),
  org_id uuid not null,
  incident_id uuid not null,
  author_id uuid,
  body text not null,
  created_at timestamp with time zone not null default now(),
  constraint incident_notes_body_check CHECK (((char_length(body) >= 1) AND (char_length(body) <= 2000))),
  constraint incident_notes_author_id_fkey FOREIGN KEY (author_id) REFERENCES auth.users(id) ON DELETE SET NULL,
  constraint incident_notes_incident_id_fkey FOREIGN KEY (org_id, incident_id) REFERENCES public.incidents(org_id, id) ON DELETE CASCADE,
  constraint incident_notes_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE,
  constraint incident_notes_pkey PRIMARY KEY (id)
);
CREATE INDEX incident_notes_incident_idx ON public.incident_notes USING btree (incident_id, created_at);
CREATE INDEX incident_notes_org_id_idx ON public.incident_notes USING btree (org_id);
alter table public.incident_notes enable row level security;
create policy "authors and admins delete incident notes" on public.incident_notes for delete to authenticated using (((org_id IN ( SELECT private.user_org_ids_with_role('admin'::public.org_role) AS user_org_ids_with_role)) OR ((author_id = ( SELECT auth.uid() AS uid)) AND (org_id IN ( SELECT private.user_org_ids_with_role('member'::public.org_role) AS user_org_ids_with_role)))));
create policy "incident notes are written by the caller" on public.incident_notes as restrictive for insert to authenticated with check ((author_id = ( SELECT auth.uid() AS uid)));
create policy "members add incident notes" on public.incident_notes for insert to authenticated with check ((org_id IN ( SELECT private.user_org_ids_with_role('member'::public.org_role) AS user_org_ids_with_role)));
create policy "members read incident notes" on public.incident_notes for select to authenticated using ((org_id IN ( SELECT private.user_org_ids() AS user_org_ids)));

create table public.incidents (
  id uuid not null default gen_random_uuid(),
  org_id uuid not null,
  server_id uuid,
  monitor_id uuid,
  subject_key text not null,
  incident_key text,
  kind text not null,
  severity public.severity not null default 'critical'::public.severity,
  status public.incident_status not null default 'open'::public.incident_status,
  title text not null,
  cause text,
  flapping boolean not null default false,
  opened_at timestamp with time zone not null default now(),
  acknowledged_at timestamp with time zone,
  acknowledged_by uuid,
  resolved_at timestamp with time zone,
  resolved_by uuid,
  started_at timestamp with time zone not null default now(),
  acknowledged_via text,
  constraint incidents_acknowledged_via_check CHECK (((acknowledged_via IS NULL) OR (length(acknowledged_via) <= 100))),
  constraint incidents_check CHECK (((status = 'resolved'::public.incident_status) = (resolved_at IS NOT NULL))),
  constraint incidents_kind_check CHECK ((kind = ANY (ARRAY['heartbeat'::text, 'probe'::text, 'agent_check'::text]))),
  constraint incidents_acknowledged_by_fkey FOREIGN KEY (acknowledged_by) REFERENCES auth.users(id) ON DELETE SET NULL,
  constraint incidents_monitor_id_fkey FOREIGN KEY (org_id, monitor_id) REFERENCES public.monitors(org_id, id) ON DELETE CASCADE,
  constraint incidents_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE,
  constraint incidents_resolved_by_fkey FOREIGN KEY (resolved_by) REFERENCES auth.users(id) ON DELETE SET NULL,
  constraint incidents_server_id_fkey FOREIGN KEY (org_id, server_id) REFERENCES public.servers(org_id, id) ON DELETE CASCADE,
  constraint incidents_pkey PRIMARY KEY (id),
  constraint incidents_org_id_id_key UNIQUE (org_id, id)
);
CREATE UNIQUE INDEX incidents_one_open_per_subject ON public.incidents USING btree (subject_key) WHERE (resolved_at IS NULL);
CREATE INDEX incidents_org_active_idx ON public.incidents USING btree (org_id, opened_at DESC) WHERE (resolved_at IS NULL);
CREATE INDEX incidents_org_opened_idx ON public.incidents USING btree (org_id, opened_at DESC);
CREATE INDEX incidents_subject_started_idx ON public.incidents USING btree (subject_key, started_at);
alter table public.incidents enable row level security;
create policy "members read incidents" on public.incidents for select to authenticated using ((org_id IN ( SELECT private.user_org_ids() AS user_org_ids)));

create table public.ingest_batches (
  server_id uuid not null,
  batch_id uuid not null,
  org_id uuid not null,
  kind text not null,
  item_count integer not null,
  received_at timestamp with time zone not null default now(),
  constraint ingest_batches_kind_check CHECK ((kind = ANY (ARRAY['metrics'::text, 'checks'::text, 'alerts'::text, 'events'::text]))),
  constraint ingest_batches_server_id_fkey FOREIGN KEY (org_id, server_id) REFERENCES public.servers(org_id, id) ON DELETE CASCADE,
  constraint ingest_batches_pkey PRIMARY KEY (server_id, batch_id)
);
CREATE INDEX ingest_batches_org_id_idx ON public.ingest_batches USING btree (org_id);
CREATE INDEX ingest_batches_received_at_brin ON public.ingest_batches USING brin (received_at);
alter table public.ingest_batches enable row level security;
create policy "members read ingest batches" on public.ingest_batches for select to authenticated using ((org_id IN ( SELECT private.user_org_ids() AS user_org_ids)));

create table public.invitations (
  id uuid not null default gen_random_uuid(),
  org_id uuid not null,
  email text not null,
  role public.org_role not null default 'member'::public.org_role,
  token_hash bytea not null,
  invited_by uuid,
  expires_at timestamp with time zone not null default (now() + '7 days'::interval),
  accepted_at timestamp with time zone,
  created_at timestamp with time zone not null default now(),
  email_status public.invitation_email_status,
  email_attempts integer not null default 0,
  email_next_attempt_at timestamp with time zone,
  email_claimed_at timestamp with time zone,
  email_error text,
  email_sent_at timestamp with time zone,
  constraint invitations_email_check CHECK (((length(email) >= 3) AND (length(email) <= 320))),
  constraint invitations_email_error_check CHECK ((length(email_error) <= 500)),
  constraint invitations_role_check CHECK ((role <> 'owner'::public.org_role)),
  constraint invitations_invited_by_fkey FOREIGN KEY (invited_by) REFERENCES auth.users(id) ON DELETE SET NULL,
  constraint invitations_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE,
  constraint invitations_pkey PRIMARY KEY (id),
  constraint invitations_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX invitations_email_due ON public.invitations USING btree (email_next_attempt_at) WHERE (email_status = 'pending'::public.invitation_email_status);
CREATE INDEX invitations_org_id_idx ON public.invitations USING btree (org_id);
alter table public.invitations enable row level security;
create policy "admins manage invitations" on public.invitations for all to authenticated using ((org_id IN ( SELECT private.user_org_ids_with_role('admin'::public.org_role) AS user_org_ids_with_role))) with check ((org_id IN ( SELECT private.user_org_ids_with_role('admin'::public.org_role) AS user_org_ids_with_role)));
create policy "invitations are sent by the caller" on public.invitations as restrictive for insert to authenticated with check ((invited_by = ( SELECT auth.uid() AS uid)));

create table public.maintenance_windows (
  id uuid not null default gen_random_uuid(),
  org_id uuid not null,
  server_id uuid,
  monitor_id uuid,
  starts_at timestamp with time zone not null,
  ends_at timestamp with time zone not null,
  reason text,
  created_by uuid,
  created_at timestamp with time zone not null default now(),
  public_title text,
  constraint maintenance_windows_check CHECK ((ends_at > starts_at)),
  constraint maintenance_windows_public_title_check CHECK ((((char_length(public_title) >= 1) AND (char_length(public_title) <= 200)) AND (public_title !~ '[\u0001-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]'::text))),
  constraint maintenance_windows_created_by_fkey FOREIGN KEY (created_by) REFERENCES auth.users(id) ON DELETE SET NULL,
  constraint maintenance_windows_monitor_id_fkey FOREIGN KEY (org_id, monitor_id) REFERENCES public.monitors(org_id, id) ON DELETE CASCADE,
  constraint maintenance_windows_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE,
  constraint maintenance_windows_server_id_fkey FOREIGN KEY (org_id, server_id) REFERENCES public.servers(org_id, id) ON DELETE CASCADE,
  constraint maintenance_windows_pkey PRIMARY KEY (id)
);
CREATE INDEX maintenance_windows_org_id_idx ON public.maintenance_windows USING btree (org_id, ends_at);
alter table public.maintenance_windows enable row level security;
create policy "maintenance is scheduled by the caller" on public.maintenance_windows as restrictive for insert to authenticated with check ((created_by = ( SELECT auth.uid() AS uid)));
create policy "members manage maintenance windows" on public.maintenance_windows for all to authenticated using ((org_id IN ( SELECT private.user_org_ids_with_role('member'::public.org_role) AS user_org_ids_with_role))) with check ((org_id IN ( SELECT private.user_org_ids_with_role('member'::public.org_role) AS user_org_ids_with_role)));
create policy "members read maintenance windows" on public.maintenance_windows for select to authenticated using ((org_id IN ( SELECT private.user_org_ids() AS user_org_ids)));

create table public.memberships (
  org_id uuid not null,
  user_id uuid not null,
  role public.org_role not null default 'member'::public.org_role,
  created_at timestamp with time zone not null default now(),
  constraint memberships_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE,
  constraint memberships_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users(id) ON DELETE CASCADE,
  constraint memberships_pkey PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_user_id_idx ON public.memberships USING btree (user_id);
alter table public.memberships enable row level security;
create policy "admins change roles" on public.memberships for update to authenticated using ((org_id IN ( SELECT private.user_org_ids_with_role('admin'::public.org_role) AS user_org_ids_with_role))) with check ((org_id IN ( SELECT private.user_org_ids_with_role('admin'::public.org_role) AS user_org_ids_with_role)));
create policy "admins remove members" on public.memberships for delete to authenticated using ((org_id IN ( SELECT private.user_org_ids_with_role('admin'::public.org_role) AS user_org_ids_with_role)));
create policy "members read memberships of their organizations" on public.memberships for select to authenticated using ((org_id IN ( SELECT private.user_org_ids() AS user_org_ids)));
create policy "owners alone change owner rows" on public.memberships as restrictive for update to authenticated using (((role <> 'owner'::public.org_role) OR (org_id IN ( SELECT private.user_org_ids_with_role('owner'::public.org_role) AS user_org_ids_with_role)))) with check (((role <> 'owner'::public.org_role) OR (org_id IN ( SELECT private.user_org_ids_with_role('owner'::public.org_role) AS user_org_ids_with_role))));
create policy "owners alone remove owners" on public.memberships as restrictive for delete to authenticated using (((role <> 'owner'::public.org_role) OR (org_id IN ( SELECT private.user_org_ids_with_role('owner'::public.org_role) AS user_org_ids_with_role))));

create table public.metric_latest (
  series_id integer not null,
  ts timestamp with time zone not null,
  value double precision not null,
  constraint metric_latest_pkey PRIMARY KEY (series_id)
);
alter table public.metric_latest enable row level security;
create policy "members read latest metric values" on public.metric_latest for select to authenticated using ((EXISTS ( SELECT 1
   FROM public.metric_series s
  WHERE ((s.id = metric_latest.series_id) AND (s.org_id IN ( SELECT private.user_org_ids() AS user_org_ids))))));

create table public.metric_rollups_1h (
  series_id integer not null,
  bucket timestamp with time zone not null,
  sum_value double precision not null,
  sample_count integer not null,
  min_value double precision not null,
  max_value double precision not null,
  constraint metric_rollups_1h_pkey PRIMARY KEY (series_id, bucket)
);
CREATE INDEX metric_rollups_1h_bucket_brin ON public.metric_rollups_1h USING brin (bucket);
alter table public.metric_rollups_1h enable row level security;
create policy "members read 1-hour rollups" on public.metric_rollups_1h for select to authenticated using ((EXISTS ( SELECT 1
   FROM public.metric_series s
  WHERE ((s.id = metric_rollups_1h.series_id) AND (s.org_id IN ( SELECT private.user_org_ids() AS user_org_ids))))));

create table public.metric_rollups_1m (
  series_id integer not null,
  bucket timestamp with time zone not null,
  sum_value double precision not null,
  sample_count integer not null,
  min_value double precision not null,
  max_value double precision not null,
  constraint metric_rollups_1m_pkey PRIMARY KEY (series_id, bucket)
) partition by RANGE (bucket);
CREATE INDEX metric_rollups_1m_bucket_brin ON ONLY public.metric_rollups_1m USING brin (bucket) WITH (pages_per_range='16');
alter table public.metric_rollups_1m enable row level security;
create policy "members read 1-minute rollups" on public.metric_rollups_1m for select to authenticated using ((EXISTS ( SELECT 1
   FROM public.metric_series s
  WHERE ((s.id = metric_rollups_1m.series_id) AND (s.org_id IN ( SELECT private.user_org_ids() AS user_org_ids))))));

create table public.metric_rollups_5m (
  series_id integer not null,
  bucket timestamp with time zone not null,
  sum_value double precision not null,
  sample_count integer not null,
  min_value double precision not null,
  max_value double precision not null,
  constraint metric_rollups_5m_pkey PRIMARY KEY (series_id, bucket)
) partition by RANGE (bucket);
CREATE INDEX metric_rollups_5m_bucket_brin ON ONLY public.metric_rollups_5m USING brin (bucket) WITH (pages_per_range='16');
alter table public.metric_rollups_5m enable row level security;
create policy "members read 5-minute rollups" on public.metric_rollups_5m for select to authenticated using ((EXISTS ( SELECT 1
   FROM public.metric_series s
  WHERE ((s.id = metric_rollups_5m.series_id) AND (s.org_id IN ( SELECT private.user_org_ids() AS user_org_ids))))));

create table public.metric_samples (
  ts timestamp with time zone not null,
  value double precision not null,
  series_id integer not null
) partition by RANGE (ts);
CREATE INDEX metric_samples_ts_brin ON ONLY public.metric_samples USING brin (ts) WITH (pages_per_range='32');
alter table public.metric_samples enable row level security;
create policy "members read metric samples" on public.metric_samples for select to authenticated using ((series_id IN ( SELECT s.id
   FROM public.metric_series s
  WHERE (s.org_id IN ( SELECT private.user_org_ids() AS user_org_ids)))));

create table public.metric_series (
  id integer not null,
  org_id uuid not null,
  server_id uuid not null,
  name text not null,
  labels jsonb not null default '{}'::jsonb,
  created_at timestamp with time zone not null default now(),
  constraint metric_series_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE,
  constraint metric_series_server_id_fkey FOREIGN KEY (org_id, server_id) REFERENCES public.servers(org_id, id) ON DELETE CASCADE,
  constraint metric_series_pkey PRIMARY KEY (id),
  constraint metric_series_org_id_id_key UNIQUE (org_id, id),
  constraint metric_series_server_id_name_labels_key UNIQUE (server_id, name, labels)
);
CREATE INDEX metric_series_org_id_idx ON public.metric_series USING btree (org_id);
CREATE INDEX metric_series_org_name_idx ON public.metric_series USING btree (org_id, name);
alter table public.metric_series enable row level security;
create policy "members read metric series" on public.metric_series for select to authenticated using ((org_id IN ( SELECT private.user_org_ids() AS user_org_ids)));

create table public.monitor_configs (
  id uuid not null default gen_random_uuid(),
  org_id uuid not null,
  scope text not null,
  tag text,
  server_id uuid,
  monitors jsonb not null default '[]'::jsonb,
  thresholds jsonb not null default '[]'::jsonb,
  updated_by uuid,
  updated_at timestamp with time zone not null default now(),
  constraint monitor_configs_check CHECK ((((scope = 'org'::text) AND (tag IS NULL) AND (server_id IS NULL)) OR ((scope = 'tag'::text) AND (tag IS NOT NULL) AND (server_id IS NULL)) OR ((scope = 'server'::text) AND (tag IS NULL) AND (server_id IS NOT NULL)))),
  constraint monitor_configs_monitors_check CHECK (((jsonb_typeof(monitors) = 'array'::text) AND (jsonb_array_length(monitors) <= 200))),
  constraint monitor_configs_scope_check CHECK ((scope = ANY (ARRAY['org'::text, 'tag'::text, 'server'::text]))),
  constraint monitor_configs_tag_check CHECK ((tag ~ '^[a-z0-9][a-z0-9_-]{0,63}$'::text)),
  constraint monitor_configs_thresholds_check CHECK (((jsonb_typeof(thresholds) = 'array'::text) AND (jsonb_array_length(thresholds) <= 100))),
  constraint monitor_configs_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE,
  constraint monitor_configs_server_id_fkey FOREIGN KEY (server_id) REFERENCES public.servers(id) ON DELETE CASCADE,
  constraint monitor_configs_updated_by_fkey FOREIGN KEY (updated_by) REFERENCES auth.users(id) ON DELETE SET NULL,
  constraint monitor_configs_pkey PRIMARY KEY (id)
);
CREATE INDEX monitor_configs_org_id_idx ON public.monitor_configs USING btree (org_id);
CREATE UNIQUE INDEX monitor_configs_org_idx ON public.monitor_configs USING btree (org_id) WHERE (scope = 'org'::text);
CREATE UNIQUE INDEX monitor_configs_server_idx ON public.monitor_configs USING btree (server_id) WHERE (scope = 'server'::text);
CREATE UNIQUE INDEX monitor_configs_tag_idx ON public.monitor_configs USING btree (org_id, tag) WHERE (scope = 'tag'::text);
alter table public.monitor_configs enable row level security;
create policy "admins manage monitor configuration" on public.monitor_configs for all to authenticated using ((org_id IN ( SELECT private.user_org_ids_with_role('admin'::public.org_role) AS user_org_ids_with_role))) with check (((org_id IN ( SELECT private.user_org_ids_with_role('admin'::public.org_role) AS user_org_ids_with_role)) AND ((updated_by IS NULL) OR (updated_by = ( SELECT auth.uid() AS uid)))));
create policy "members read monitor configuration" on public.monitor_configs for select to authenticated using ((org_id IN ( SELECT private.user_org_ids() AS user_org_ids)));

create table public.monitor_test_runs (
  id uuid not null default gen_random_uuid(),
  org_id uuid not null,
  server_id uuid not null,
  monitor jsonb not null,
  status text not null default 'pending'::text,
  result jsonb,
  requested_by uuid,
  created_at timestamp with time zone not null default now(),
  claimed_at timestamp with time zone,
  finished_at timestamp with time zone,
  constraint monitor_test_runs_monitor_check CHECK (((jsonb_typeof(monitor) = 'object'::text) AND (pg_column_size(monitor) <= 65536))),
  constraint monitor_test_runs_result_check CHECK (((result IS NULL) OR ((jsonb_typeof(result) = 'object'::text) AND (pg_column_size(result) <= 65536)))),
  constraint monitor_test_runs_status_check CHECK ((status = ANY (ARRAY['pending'::text, 'running'::text, 'done'::text, 'failed'::text, 'expired'::text]))),
  constraint monitor_test_runs_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE,
  constraint monitor_test_runs_requested_by_fkey FOREIGN KEY (requested_by) REFERENCES auth.users(id) ON DELETE SET NULL,
  constraint monitor_test_runs_server_id_fkey FOREIGN KEY (server_id) REFERENCES public.servers(id) ON DELETE CASCADE,
  constraint monitor_test_runs_pkey PRIMARY KEY (id)
);
CREATE INDEX monitor_test_runs_org_id_idx ON public.monitor_test_runs USING btree (org_id);
CREATE INDEX monitor_test_runs_pending_idx ON public.monitor_test_runs USING btree (server_id) WHERE (status = 'pending'::text);
CREATE INDEX monitor_test_runs_server_idx ON public.monitor_test_runs USING btree (server_id, created_at);
alter table public.monitor_test_runs enable row level security;
create policy "admins request monitor tests" on public.monitor_test_runs for insert to authenticated with check (((org_id IN ( SELECT private.user_org_ids_with_role('admin'::public.org_role) AS user_org_ids_with_role)) AND (requested_by = ( SELECT auth.uid() AS uid)) AND (status = 'pending'::text) AND (result IS NULL) AND (claimed_at IS NULL) AND (finished_at IS NULL)));
create policy "members read monitor tests" on public.monitor_test_runs for select to authenticated using ((org_id IN ( SELECT private.user_org_ids() AS user_org_ids)));

create table public.monitors (
  id uuid not null default gen_random_uuid(),
  org_id uuid not null,
  server_id uuid,
  source text not null default 'agent'::text,
  name text not null,
  type text not null,
  config jsonb not null default '{}'::jsonb,
  enabled boolean not null default true,
  last_status public.check_status,
  last_checked_at timestamp with time zone,
  created_at timestamp with time zone not null default now(),
  failures_to_open integer not null default 2,
  successes_to_resolve integer not null default 2,
  state text not null default 'ok'::text,
  consecutive_failures integer not null default 0,
  consecutive_successes integer not null default 0,
  failing_since timestamp with time zone,
  recent_changes timestamp with time zone[] not null default '{}'::timestamp with time zone[],
  flapping_notified_at timestamp with time zone,
  interval_seconds integer,
  next_run_at timestamp with time zone,
  constraint monitors_check CHECK (((source = 'probe'::text) OR (server_id IS NOT NULL))),
  constraint monitors_failures_to_open_check CHECK (((failures_to_open >= 1) AND (failures_to_open <= 100))),
  constraint monitors_interval_seconds_check CHECK (((interval_seconds >= 10) AND (interval_seconds <= 86400))),
  constraint monitors_name_check CHECK (((length(name) >= 1) AND (length(name) <= 200))),
  constraint monitors_source_check CHECK ((source = ANY (ARRAY['agent'::text, 'probe'::text]))),
  constraint monitors_state_check CHECK ((state = ANY (ARRAY['ok'::text, 'failing'::text]))),
  constraint monitors_successes_to_resolve_check CHECK (((successes_to_resolve >= 1) AND (successes_to_resolve <= 100))),
  constraint monitors_type_check CHECK (((length(type) >= 1) AND (length(type) <= 64))),
  constraint monitors_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE,
  constraint monitors_server_id_fkey FOREIGN KEY (org_id, server_id) REFERENCES public.servers(org_id, id) ON DELETE CASCADE,
  constraint monitors_pkey PRIMARY KEY (id),
  constraint monitors_org_id_id_key UNIQUE (org_id, id)
);
CREATE INDEX monitors_org_id_idx ON public.monitors USING btree (org_id);
CREATE INDEX monitors_probe_due_idx ON public.monitors USING btree (next_run_at) WHERE ((source = 'probe'::text) AND enabled);
CREATE UNIQUE INDEX monitors_server_name_key ON public.monitors USING btree (server_id, name) WHERE (server_id IS NOT NULL);
alter table public.monitors enable row level security;
create policy "members manage monitors" on public.monitors for all to authenticated using ((org_id IN ( SELECT private.user_org_ids_with_role('member'::public.org_role) AS user_org_ids_with_role))) with check ((org_id IN ( SELECT private.user_org_ids_with_role('member'::public.org_role) AS user_org_ids_with_role)));
create policy "members read monitors" on public.monitors for select to authenticated using ((org_id IN ( SELECT private.user_org_ids() AS user_org_ids)));

create table public.notification_outbox (
  id bigint not null,
  org_id uuid not null,
  incident_id uuid,
  channel_id uuid not null,
  event text not null,
  sequence integer not null default 0,
  payload jsonb not null,
  status public.outbox_status not null default 'pending'::public.outbox_status,
  attempts integer not null default 0,
  next_attempt_at timestamp with time zone not null default now(),
  last_error text,
  created_at timestamp with time zone not null default now(),
  delivered_at timestamp with time zone,
  claimed_at timestamp with time zone,
  suppressed_reason text,
  constraint notification_outbox_event_check CHECK ((event = ANY (ARRAY['down'::text, 'restored'::text, 'escalation'::text, 'repeat'::text, 'flapping'::text, 'acknowledged'::text, 'test'::text]))),
  constraint notification_outbox_channel_id_fkey FOREIGN KEY (org_id, channel_id) REFERENCES public.channels(org_id, id) ON DELETE CASCADE,
  constraint notification_outbox_incident_id_fkey FOREIGN KEY (org_id, incident_id) REFERENCES public.incidents(org_id, id) ON DELETE CASCADE,
  constraint notification_outbox_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE,
  constraint notification_outbox_pkey PRIMARY KEY (id)
);
CREATE INDEX notification_outbox_due_idx ON public.notification_outbox USING btree (next_attempt_at) WHERE (status = 'pending'::public.outbox_status);
CREATE UNIQUE INDEX notification_outbox_once ON public.notification_outbox USING btree (incident_id, channel_id, event, sequence) WHERE (incident_id IS NOT NULL);
CREATE INDEX notification_outbox_org_id_idx ON public.notification_outbox USING btree (org_id);
alter table public.notification_outbox enable row level security;
create policy "members read notifications" on public.notification_outbox for select to authenticated using ((org_id IN ( SELECT private.user_org_ids() AS user_org_ids)));

create table public.organizations (
  id uuid not null default gen_random_uuid(),
  name text not null,
  require_server_approval boolean not null default false,
  raw_retention_days integer not null default 90,
  created_at timestamp with time zone not null default now(),
  flap_threshold integer not null default 5,
  flap_window_minutes integer not null default 30,
  agent_dedup_seconds integer not null default 60,
  default_heartbeat_timeout_seconds integer not null default 120,
  plan_id text not null,
  constraint organizations_agent_dedup_seconds_check CHECK (((agent_dedup_seconds >= 0) AND (agent_dedup_seconds <= 3600))),
  constraint organizations_default_heartbeat_timeout_seconds_check CHECK (((default_heartbeat_timeout_seconds >= 10) AND (default_heartbeat_timeout_seconds <= 86400))),
  constraint organizations_flap_threshold_check CHECK (((flap_threshold >= 2) AND (flap_threshold <= 100))),
  constraint organizations_flap_window_minutes_check CHECK (((flap_window_minutes >= 1) AND (flap_window_minutes <= 1440))),
  constraint organizations_name_check CHECK (((length(name) >= 1) AND (length(name) <= 200))),
  constraint organizations_raw_retention_days_check CHECK (((raw_retention_days >= 1) AND (raw_retention_days <= 3650))),
  constraint organizations_plan_id_fkey FOREIGN KEY (plan_id) REFERENCES public.plans(id) ON UPDATE CASCADE,
  constraint organizations_pkey PRIMARY KEY (id)
);
CREATE INDEX organizations_plan_id_idx ON public.organizations USING btree (plan_id);
alter table public.organizations enable row level security;
create policy "admins update their organizations" on public.organizations for update to authenticated using ((id IN ( SELECT private.user_org_ids_with_role('admin'::public.org_role) AS user_org_ids_with_role))) with check ((id IN ( SELECT private.user_org_ids_with_role('admin'::public.org_role) AS user_org_ids_with_role)));
create policy "members read their organizations" on public.organizations for select to authenticated using ((id IN ( SELECT private.user_org_ids() AS user_org_ids)));

create table public.plans (
  id text not null,
  name text not null,
  is_default boolean not null default false,
  max_servers integer,
  max_members integer,
  max_probes integer,
  channel_limits jsonb not null default '{}'::jsonb,
  retention_raw_days integer not null,
  retention_1m_days integer not null,
  retention_5m_days integer not null,
  retention_1h_days integer not null,
  created_at timestamp with time zone not null default now(),
  updated_at timestamp with time zone not null default now(),
  constraint plans_channel_limits_check CHECK (((jsonb_typeof(channel_limits) = 'object'::text) AND (NOT jsonb_path_exists(channel_limits, '$.*?((@.type() != "number" || @ < 0) || @ != @.floor())'::jsonpath)))),
  constraint plans_id_check CHECK ((id ~ '^[a-z][a-z0-9_-]{0,39}$'::text)),
  constraint plans_max_members_check CHECK ((max_members >= 1)),
  constraint plans_max_probes_check CHECK ((max_probes >= 0)),
  constraint plans_max_servers_check CHECK ((max_servers >= 0)),
  constraint plans_name_check CHECK (((length(name) >= 1) AND (length(name) <= 100))),
  constraint plans_retention_1h_days_check CHECK (((retention_1h_days >= 1) AND (retention_1h_days <= 3650))),
  constraint plans_retention_1m_days_check CHECK (((retention_1m_days >= 1) AND (retention_1m_days <= 3650))),
  constraint plans_retention_5m_days_check CHECK (((retention_5m_days >= 1) AND (retention_5m_days <= 3650))),
  constraint plans_retention_raw_days_check CHECK (((retention_raw_days >= 1) AND (retention_raw_days <= 3650))),
  constraint plans_pkey PRIMARY KEY (id)
);
CREATE UNIQUE INDEX plans_one_default_idx ON public.plans USING btree (is_default) WHERE is_default;
alter table public.plans enable row level security;
create policy "members read their organizations' plans" on public.plans for select to authenticated using ((id IN ( SELECT o.plan_id
   FROM public.organizations o
  WHERE (o.id IN ( SELECT private.user_org_ids() AS user_org_ids)))));

create table public.server_config_reports (
  server_id uuid not null,
  org_id uuid not null,
  applied_version text,
  refused_version text,
  refused_reason text,
  local_monitors text[] not null default '{}'::text[],
  reported_at timestamp with time zone not null default now(),
  constraint server_config_reports_applied_version_check CHECK ((applied_version ~ '^[0-9a-f]{64}$'::text)),
  constraint server_config_reports_local_monitors_check CHECK ((cardinality(local_monitors) <= 200)),
  constraint server_config_reports_refused_reason_check CHECK ((length(refused_reason) <= 2000)),
  constraint server_config_reports_refused_version_check CHECK ((refused_version ~ '^[0-9a-f]{64}$'::text)),
  constraint server_config_reports_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE,
  constraint server_config_reports_server_id_fkey FOREIGN KEY (server_id) REFERENCES public.servers(id) ON DELETE CASCADE,
  constraint server_config_reports_pkey PRIMARY KEY (server_id)
);
CREATE INDEX server_config_reports_org_id_idx ON public.server_config_reports USING btree (org_id);
alter table public.server_config_reports enable row level security;
create policy "members read configuration reports" on public.server_config_reports for select to authenticated using ((org_id IN ( SELECT private.user_org_ids() AS user_org_ids)));

create table public.server_vitals (
  server_id uuid not null,
  org_id uuid not null,
  cpu_percent double precision,
  memory_used_percent double precision,
  disk_used_percent double precision,
  load_1 double precision,
  metrics_at timestamp with time zone,
  trend_from timestamp with time zone not null,
  cpu_trend real[] not null,
  updated_at timestamp with time zone not null default now(),
  cpu_trend_json text not null,
  net_rx_bytes_per_s double precision,
  net_tx_bytes_per_s double precision,
  temperature_c double precision,
  constraint server_vitals_pkey PRIMARY KEY (server_id)
);
CREATE INDEX server_vitals_org_id_idx ON public.server_vitals USING btree (org_id);
alter table public.server_vitals enable row level security;
create policy "members read server vitals" on public.server_vitals for select to authenticated using ((org_id IN ( SELECT private.user_org_ids() AS user_org_ids)));

create table public.servers (
  id uuid not null default gen_random_uuid(),
  org_id uuid not null,
  name text not null,
  hostname text not null,
  identity_key text not null,
  agent_version text,
  os text,
  arch text,
  status public.server_status not null default 'unknown'::public.server_status,
  approval public.server_approval not null default 'approved'::public.server_approval,
  last_heartbeat_at timestamp with time zone,
  clock_skew_ms integer,
  heartbeat_timeout_seconds integer not null default 120,
  public_endpoint text,
  registered_with_key uuid,
  created_at timestamp with time zone not null default now(),
  updated_at timestamp with time zone not null default now(),
  heartbeat_interval_seconds integer,
  heartbeat_timeout_override_seconds integer,
  dropped_samples_total bigint not null default 0,
  rejected_items_total bigint not null default 0,
  data_loss_reported_at timestamp with time zone,
  tags text[] not null default '{}'::text[],
  constraint servers_dropped_samples_total_check CHECK ((dropped_samples_total >= 0)),
  constraint servers_heartbeat_interval_seconds_check CHECK (((heartbeat_interval_seconds >= 1) AND (heartbeat_interval_seconds <= 86400))),
  constraint servers_heartbeat_timeout_override_seconds_check CHECK (((heartbeat_timeout_override_seconds >= 10) AND (heartbeat_timeout_override_seconds <= 86400))),
  constraint servers_heartbeat_timeout_seconds_check CHECK (((heartbeat_timeout_seconds >= 10) AND (heartbeat_timeout_seconds <= 86400))),
  constraint servers_hostname_check CHECK (((length(hostname) >= 1) AND (length(hostname) <= 255))),
  constraint servers_name_check CHECK (((length(name) >= 1) AND (length(name) <= 255))),
  constraint servers_rejected_items_total_check CHECK ((rejected_items_total >= 0)),
  constraint servers_tags_check CHECK (((cardinality(tags) <= 20) AND (array_to_string(tags, ','::text) ~ '^([a-z0-9][a-z0-9_-]{0,63}(,|$))*$'::text))),
  constraint servers_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE,
  constraint servers_registered_with_key_fkey FOREIGN KEY (org_id, registered_with_key) REFERENCES public.api_keys(org_id, id) ON DELETE SET NULL (registered_with_key),
  constraint servers_pkey PRIMARY KEY (id),
  constraint servers_org_id_id_key UNIQUE (org_id, id),
  constraint servers_org_id_identity_key_key UNIQUE (org_id, identity_key)
);
CREATE INDEX servers_registered_with_key_idx ON public.servers USING btree (registered_with_key) WHERE (registered_with_key IS NOT NULL);
CREATE INDEX servers_tags_idx ON public.servers USING gin (tags);
alter table public.servers enable row level security;
create policy "admins delete servers" on public.servers for delete to authenticated using ((org_id IN ( SELECT private.user_org_ids_with_role('admin'::public.org_role) AS user_org_ids_with_role)));
create policy "admins manage servers" on public.servers for update to authenticated using ((org_id IN ( SELECT private.user_org_ids_with_role('admin'::public.org_role) AS user_org_ids_with_role))) with check ((org_id IN ( SELECT private.user_org_ids_with_role('admin'::public.org_role) AS user_org_ids_with_role)));
create policy "members read servers" on public.servers for select to authenticated using ((org_id IN ( SELECT private.user_org_ids() AS user_org_ids)));

create table public.status_pages (
  id uuid not null default gen_random_uuid(),
  org_id uuid not null,
  slug text not null,
  title text not null,
  monitor_ids uuid[] not null default '{}'::uuid[],
  enabled boolean not null default true,
  created_at timestamp with time zone not null default now(),
  updated_at timestamp with time zone not null default now(),
  server_ids uuid[] not null default '{}'::uuid[],
  constraint status_pages_monitor_ids_check CHECK ((cardinality(monitor_ids) <= 100)),
  constraint status_pages_server_ids_check CHECK ((cardinality(server_ids) <= 100)),
  constraint status_pages_slug_check CHECK ((slug ~ '^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$'::text)),
  constraint status_pages_title_check CHECK (((length(title) >= 1) AND (length(title) <= 200))),
  constraint status_pages_org_id_fkey FOREIGN KEY (org_id) REFERENCES public.organizations(id) ON DELETE CASCADE,
  constraint status_pages_pkey PRIMARY KEY (id),
  constraint status_pages_slug_key UNIQUE (slug)
);
CREATE INDEX status_pages_org_id_idx ON public.status_pages USING btree (org_id);
alter table public.status_pages enable row level security;
create policy "admins manage status pages" on public.status_pages for all to authenticated using ((org_id IN ( SELECT private.user_org_ids_with_role('admin'::public.org_role) AS user_org_ids_with_role))) with check ((org_id IN ( SELECT private.user_org_ids_with_role('admin'::public.org_role) AS user_org_ids_with_role)));
create policy "members read status pages" on public.status_pages for select to authenticated using ((org_id IN ( SELECT private.user_org_ids() AS user_org_ids)));

-- functions (bodies in supabase/migrations):
-- private.accept_invitation(p_token text) returns TABLE(outcome text, org_id uuid, org_name text, role public.org_role) security definer
-- private.acknowledge_incident(p_incident uuid) returns boolean security definer
-- private.apply_check(p_monitor uuid, p_status public.check_status, p_ts timestamp with time zone, p_message text) returns void
-- private.apply_checks(p_monitors uuid[], p_statuses public.check_status[], p_ts timestamp with time zone[], p_messages text[]) returns void
-- private.apply_default_heartbeat_timeout() returns trigger security definer
-- private.bucket_1h(ts timestamp with time zone) returns timestamp with time zone
-- private.bucket_1m(ts timestamp with time zone) returns timestamp with time zone
-- private.bucket_5m(ts timestamp with time zone) returns timestamp with time zone
-- private.capture_late_checks() returns trigger security definer
-- private.capture_late_samples() returns trigger security definer
-- private.channel_secret_fields(p_org uuid) returns TABLE(channel_id uuid, fields text[]) security definer
-- private.check_org_id_arrays() returns trigger security definer
-- private.create_personal_organization() returns trigger security definer
-- private.derive_heartbeat_timeout() returns trigger security definer
-- private.derived_heartbeat_timeout(p_override integer, p_default integer, p_interval integer) returns integer
-- private.drop_daily_partitions_before(parent regclass, keep_from date) returns integer
-- private.enforce_retention(p_table regclass, p_resolution text, p_time_column text, p_by_series boolean) returns jsonb
-- private.enqueue_notifications(p_incident uuid, p_event text, p_sequence integer, p_channel_ids uuid[]) returns integer
-- private.ensure_daily_partitions(parent regclass, days_behind integer, days_ahead integer) returns integer
-- private.ensure_schedule() returns jsonb security definer
-- private.escalate_incidents() returns integer
-- private.keep_api_key_revoked() returns trigger
-- private.maintain_partitions(days_ahead integer) returns jsonb
-- private.maintain_rollups(days_ahead integer) returns jsonb
-- private.metric_points(p_org uuid, p_series integer[], p_tier text, p_from timestamp with time zone) returns TABLE(series_id integer, bucket timestamp with time zone, avg double precision, min double precision, max double precision) security definer
-- private.monitor_config_server_in_org() returns trigger security definer
-- private.monitor_test_runs_pending_limit() returns trigger security definer
-- private.open_incident(p_org uuid, p_server uuid, p_monitor uuid, p_subject text, p_kind text, p_severity public.severity, p_title text, p_cause text, p_started_at timestamp with time zone) returns uuid
-- private.org_members(p_org uuid) returns TABLE(user_id uuid, email text, role public.org_role, joined_at timestamp with time zone) security definer
-- private.organization_default_plan() returns trigger security definer
-- private.prune_agent_events(keep_days integer, batch integer) returns bigint security definer
-- private.queue_invitation_email(p_invitation_id uuid, p_token text) returns boolean security definer
-- private.queue_pagerduty_follow_ups() returns trigger security definer
-- private.raw_retention_days(p_org uuid) returns integer
-- private.recover_server(p_server uuid) returns uuid
-- private.refresh_rollups(p_late interval, p_max_span interval, p_budget interval) returns jsonb
-- private.remove_deleted_channel_ids() returns trigger security definer
-- private.remove_deleted_monitor_ids() returns trigger security definer
-- private.remove_deleted_server_ids() returns trigger security definer
-- private.resolve_subject(p_subject text, p_by uuid) returns uuid
-- private.retention_days(p_resolution text) returns TABLE(org_id uuid, days integer)
-- private.rollup_watermarks() returns TABLE(hours_through timestamp with time zone, checks_through timestamp with time zone) security definer
-- private.server_vitals_glance() returns trigger
-- private.server_vitals_trend_json() returns trigger
-- private.sweep_heartbeats(p_sweep_interval interval, p_backend_started boolean) returns TABLE(server_id uuid, incident_id uuid, public_endpoint text)
-- private.user_org_ids() returns SETOF uuid security definer
-- private.user_org_ids_with_role(min_role public.org_role) returns SETOF uuid security definer
