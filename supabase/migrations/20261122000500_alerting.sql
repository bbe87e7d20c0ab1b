-- Incidents, channels (with secrets only admins can read), alert rules, the notification
-- outbox, and the agent's own alerts. The alerting issue extends these.

create type public.incident_status as enum ('open', 'acknowledged', 'resolved');
create type public.severity as enum ('critical', 'warning', 'info');
create type public.channel_kind as enum ('email', 'slack', 'sms', 'ntfy', 'webhook');
create type public.outbox_status as enum ('pending', 'sending', 'delivered', 'dead', 'suppressed');

create table public.incidents (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  server_id uuid references public.servers (id) on delete cascade,
  monitor_id uuid references public.monitors (id) on delete cascade,
  -- what failed: 'server:<id>' for heartbeats, 'monitor:<id>' for checks and probes
  subject_key text not null,
  -- the agent's incident key (server id + monitor + start time) when the agent reported it
  incident_key text,
  kind text not null check (kind in ('heartbeat', 'probe', 'agent_check')),
  severity public.severity not null default 'critical',
  status public.incident_status not null default 'open',
  title text not null,
  cause text,
  flapping boolean not null default false,
  opened_at timestamptz not null default now(),
  acknowledged_at timestamptz,
  acknowledged_by uuid references auth.users (id) on delete set null,
  resolved_at timestamptz,
  resolved_by uuid references auth.users (id) on delete set null,
  check ((status = 'resolved') = (resolved_at is not null))
);
-- At most one unresolved incident per subject: concurrent sweeps and retries cannot open two.
create unique index incidents_one_open_per_subject on public.incidents (subject_key) where resolved_at is null;
create index incidents_org_opened_idx on public.incidents (org_id, opened_at desc);

create table public.channels (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  name text not null check (length(name) between 1 and 100),
  kind public.channel_kind not null,
  -- non-secret settings (address, topic, phone number); secrets live in channel_secrets
  config jsonb not null default '{}',
  enabled boolean not null default true,
  created_at timestamptz not null default now()
);
create index channels_org_id_idx on public.channels (org_id);

create table public.channel_secrets (
  channel_id uuid primary key references public.channels (id) on delete cascade,
  org_id uuid not null references public.organizations (id) on delete cascade,
  secret jsonb not null default '{}'
);
create index channel_secrets_org_id_idx on public.channel_secrets (org_id);

create table public.alert_rules (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  name text not null check (length(name) between 1 and 100),
  min_severity public.severity not null default 'warning',
  channel_ids uuid[] not null default '{}',
  escalate_after_minutes integer check (escalate_after_minutes between 1 and 10080),
  escalation_channel_ids uuid[] not null default '{}',
  repeat_mode text not null default 'once' check (repeat_mode in ('once', 'repeat', 'none')),
  repeat_every_minutes integer check (repeat_every_minutes between 1 and 10080),
  notify_restored boolean not null default true,
  enabled boolean not null default true,
  created_at timestamptz not null default now()
);
create index alert_rules_org_id_idx on public.alert_rules (org_id);

create table public.notification_outbox (
  id bigint generated always as identity primary key,
  org_id uuid not null references public.organizations (id) on delete cascade,
  incident_id uuid references public.incidents (id) on delete cascade,
  channel_id uuid not null references public.channels (id) on delete cascade,
  event text not null check (event in ('down', 'restored', 'escalation', 'repeat', 'flapping', 'test')),
  -- distinguishes repeats of the same event (repeat number); 0 for one-off events
  sequence integer not null default 0,
  payload jsonb not null,
  status public.outbox_status not null default 'pending',
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  created_at timestamptz not null default now(),
  delivered_at timestamptz
);
create unique index notification_outbox_once on public.notification_outbox (incident_id, channel_id, event, sequence)
  where incident_id is not null;
create index notification_outbox_due_idx on public.notification_outbox (next_attempt_at) where status = 'pending';
create index notification_outbox_org_id_idx on public.notification_outbox (org_id);

-- What custos-agent already sent itself: the backend does not page again on those channels.
create table public.agent_alerts (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references public.organizations (id) on delete cascade,
  server_id uuid not null references public.servers (id) on delete cascade,
  incident_key text not null,
  monitor text not null,
  state text not null check (state in ('down', 'restored', 'backend_unreachable')),
  channels public.channel_kind[] not null default '{}',
  message text,
  started_at timestamptz not null,
  sent_at timestamptz not null,
  received_at timestamptz not null default now(),
  unique (server_id, incident_key, state)
);
create index agent_alerts_org_id_idx on public.agent_alerts (org_id);

alter table public.incidents enable row level security;
alter table public.channels enable row level security;
alter table public.channel_secrets enable row level security;
alter table public.alert_rules enable row level security;
alter table public.notification_outbox enable row level security;
alter table public.agent_alerts enable row level security;

create policy "members read incidents" on public.incidents
  for select to authenticated using (org_id in (select private.user_org_ids()));
create policy "members acknowledge and resolve incidents" on public.incidents
  for update to authenticated
  using (org_id in (select private.user_org_ids_with_role('member')))
  with check (org_id in (select private.user_org_ids_with_role('member')));

create policy "members read channels" on public.channels
  for select to authenticated using (org_id in (select private.user_org_ids()));
create policy "admins manage channels" on public.channels
  for all to authenticated
  using (org_id in (select private.user_org_ids_with_role('admin')))
  with check (org_id in (select private.user_org_ids_with_role('admin')));

create policy "admins read and manage channel secrets" on public.channel_secrets
  for all to authenticated
  using (org_id in (select private.user_org_ids_with_role('admin')))
  with check (org_id in (select private.user_org_ids_with_role('admin')));

create policy "members read alert rules" on public.alert_rules
  for select to authenticated using (org_id in (select private.user_org_ids()));
create policy "admins manage alert rules" on public.alert_rules
  for all to authenticated
  using (org_id in (select private.user_org_ids_with_role('admin')))
  with check (org_id in (select private.user_org_ids_with_role('admin')));

create policy "members read notifications" on public.notification_outbox
  for select to authenticated using (org_id in (select private.user_org_ids()));

create policy "members read agent alerts" on public.agent_alerts
  for select to authenticated using (org_id in (select private.user_org_ids()));
