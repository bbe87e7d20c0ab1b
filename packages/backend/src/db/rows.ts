// Generated from the migrated database by packages/backend/test/schema-file.test.ts: do not edit.
// After a migration, in packages/backend:
//   UPDATE_SCHEMA_SQL=1 UPDATE_ROW_TYPES=1 npx vitest run test/schema-file.test.ts
// One interface per table and view of `public` and `private`, each column typed as postgres.js
// returns it: int8 and numeric as strings, timestamps as Dates, jsonb as unknown (say its shape
// where you read it), an enum or a text column whose check lists its values as their union.
// Type a query with the columns it selects, `Pick<ServersRow, "id" | "name">`, and anything it
// computes beside them: `& { server_time: Date }`.

export type ApiKeyScope = "agent" | "read";

export type ChannelKind =
  | "email"
  | "slack"
  | "sms"
  | "ntfy"
  | "webhook"
  | "discord"
  | "telegram"
  | "gotify"
  | "pushover"
  | "pagerduty"
  | "matrix"
  | "teams";

export type CheckStatus = "ok" | "degraded" | "down" | "unsupported";

export type IncidentStatus = "open" | "acknowledged" | "resolved";

export type InvitationEmailStatus = "pending" | "sending" | "sent" | "failed";

export type OrgRole = "owner" | "admin" | "member" | "viewer";

export type OutboxStatus = "pending" | "sending" | "delivered" | "dead" | "suppressed";

export type ServerApproval = "pending" | "approved";

export type ServerStatus = "unknown" | "up" | "down";

export type Severity = "critical" | "warning" | "info";

/** public.agent_alerts (table) */
export interface AgentAlertsRow {
  id: string;
  org_id: string;
  server_id: string;
  incident_key: string;
  monitor: string;
  state: "down" | "flapping" | "restored" | "backend_unreachable";
  channels: ChannelKind[];
  message: string | null;
  started_at: Date;
  sent_at: Date;
  received_at: Date;
  destinations: string[];
}

/** public.agent_events (table) */
export interface AgentEventsRow {
  org_id: string;
  server_id: string;
  id: string;
  kind: "outage_started" | "outage_ended" | "reboot";
  monitor: string;
  occurred_at: Date;
  started_at: Date | null;
  ended_at: Date | null;
  duration_ms: string | null;
  message: string;
  data: unknown | null;
  received_at: Date;
}

/** public.alert_rules (table) */
export interface AlertRulesRow {
  id: string;
  org_id: string;
  name: string;
  min_severity: Severity;
  channel_ids: string[];
  escalate_after_minutes: number | null;
  escalation_channel_ids: string[];
  repeat_mode: "once" | "repeat" | "none";
  repeat_every_minutes: number | null;
  notify_restored: boolean;
  enabled: boolean;
  created_at: Date;
}

/** public.api_keys (table) */
export interface ApiKeysRow {
  id: string;
  org_id: string;
  name: string;
  prefix: string;
  secret_hash: Uint8Array;
  scope: ApiKeyScope;
  created_by: string | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
  max_servers: number | null;
  enroll_until: Date | null;
}

/** public.channel_secrets (table) */
export interface ChannelSecretsRow {
  channel_id: string;
  org_id: string;
  secret: unknown;
}

/** public.channels (table) */
export interface ChannelsRow {
  id: string;
  org_id: string;
  name: string;
  kind: ChannelKind;
  config: unknown;
  enabled: boolean;
  created_at: Date;
}

/** public.check_results (table) */
export interface CheckResultsRow {
  ts: Date;
  org_id: string;
  server_id: string | null;
  monitor_id: string;
  status: CheckStatus;
  latency_ms: number | null;
  message: string | null;
}

/** public.check_rollups_1h (table) */
export interface CheckRollups1hRow {
  monitor_id: string;
  bucket: Date;
  org_id: string;
  ok_count: number;
  degraded_count: number;
  down_count: number;
  latency_sum_ms: number | null;
  latency_count: number | null;
  latency_min_ms: number | null;
  latency_max_ms: number | null;
}

/** public.incident_notes (table) */
export interface IncidentNotesRow {
  id: string;
  org_id: string;
  incident_id: string;
  author_id: string | null;
  body: string;
  created_at: Date;
}

/** public.incidents (table) */
export interface IncidentsRow {
  id: string;
  org_id: string;
  server_id: string | null;
  monitor_id: string | null;
  subject_key: string;
  incident_key: string | null;
  kind: "heartbeat" | "probe" | "agent_check";
  severity: Severity;
  status: IncidentStatus;
  title: string;
  cause: string | null;
  flapping: boolean;
  opened_at: Date;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  resolved_at: Date | null;
  resolved_by: string | null;
  started_at: Date;
  acknowledged_via: string | null;
}

/** public.ingest_batches (table) */
export interface IngestBatchesRow {
  server_id: string;
  batch_id: string;
  org_id: string;
  kind: "metrics" | "checks" | "alerts" | "events";
  item_count: number;
  received_at: Date;
}

/** public.invitations (table) */
export interface InvitationsRow {
  id: string;
  org_id: string;
  email: string;
  role: OrgRole;
  token_hash: Uint8Array;
  invited_by: string | null;
  expires_at: Date;
  accepted_at: Date | null;
  created_at: Date;
  email_status: InvitationEmailStatus | null;
  email_attempts: number;
  email_next_attempt_at: Date | null;
  email_claimed_at: Date | null;
  email_error: string | null;
  email_sent_at: Date | null;
}

/** public.maintenance_windows (table) */
export interface MaintenanceWindowsRow {
  id: string;
  org_id: string;
  server_id: string | null;
  monitor_id: string | null;
  starts_at: Date;
  ends_at: Date;
  reason: string | null;
  created_by: string | null;
  created_at: Date;
  public_title: string | null;
}

/** public.memberships (table) */
export interface MembershipsRow {
  org_id: string;
  user_id: string;
  role: OrgRole;
  created_at: Date;
}

/** public.metric_latest (table) */
export interface MetricLatestRow {
  series_id: number;
  ts: Date;
  value: number;
}

/** public.metric_rollups_1h (table) */
export interface MetricRollups1hRow {
  series_id: number;
  bucket: Date;
  sum_value: number;
  sample_count: number;
  min_value: number;
  max_value: number;
}

/** public.metric_rollups_1m (table) */
export interface MetricRollups1mRow {
  series_id: number;
  bucket: Date;
  sum_value: number;
  sample_count: number;
  min_value: number;
  max_value: number;
}

/** public.metric_rollups_5m (table) */
export interface MetricRollups5mRow {
  series_id: number;
  bucket: Date;
  sum_value: number;
  sample_count: number;
  min_value: number;
  max_value: number;
}

/** public.metric_samples (table) */
export interface MetricSamplesRow {
  ts: Date;
  value: number;
  series_id: number;
}

/** public.metric_series (table) */
export interface MetricSeriesRow {
  id: number;
  org_id: string;
  server_id: string;
  name: string;
  labels: unknown;
  created_at: Date;
}

/** public.monitor_configs (table) */
export interface MonitorConfigsRow {
  id: string;
  org_id: string;
  scope: "org" | "tag" | "server";
  tag: string | null;
  server_id: string | null;
  monitors: unknown;
  thresholds: unknown;
  updated_by: string | null;
  updated_at: Date;
}

/** public.monitor_test_runs (table) */
export interface MonitorTestRunsRow {
  id: string;
  org_id: string;
  server_id: string;
  monitor: unknown;
  status: "pending" | "running" | "done" | "failed" | "expired";
  result: unknown | null;
  requested_by: string | null;
  created_at: Date;
  claimed_at: Date | null;
  finished_at: Date | null;
}

/** public.monitors (table) */
export interface MonitorsRow {
  id: string;
  org_id: string;
  server_id: string | null;
  source: "agent" | "probe";
  name: string;
  type: string;
  config: unknown;
  enabled: boolean;
  last_status: CheckStatus | null;
  last_checked_at: Date | null;
  created_at: Date;
  failures_to_open: number;
  successes_to_resolve: number;
  state: "ok" | "failing";
  consecutive_failures: number;
  consecutive_successes: number;
  failing_since: Date | null;
  recent_changes: Date[];
  flapping_notified_at: Date | null;
  interval_seconds: number | null;
  next_run_at: Date | null;
}

/** public.notification_outbox (table) */
export interface NotificationOutboxRow {
  id: string;
  org_id: string;
  incident_id: string | null;
  channel_id: string;
  event: "down" | "restored" | "escalation" | "repeat" | "flapping" | "acknowledged" | "test";
  sequence: number;
  payload: unknown;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
  claimed_at: Date | null;
  suppressed_reason: string | null;
}

/** public.organizations (table) */
export interface OrganizationsRow {
  id: string;
  name: string;
  require_server_approval: boolean;
  raw_retention_days: number;
  created_at: Date;
  flap_threshold: number;
  flap_window_minutes: number;
  agent_dedup_seconds: number;
  default_heartbeat_timeout_seconds: number;
  plan_id: string;
}

/** public.plans (table) */
export interface PlansRow {
  id: string;
  name: string;
  is_default: boolean;
  max_servers: number | null;
  max_members: number | null;
  max_probes: number | null;
  channel_limits: unknown;
  retention_raw_days: number;
  retention_1m_days: number;
  retention_5m_days: number;
  retention_1h_days: number;
  created_at: Date;
  updated_at: Date;
}

/** public.server_config_reports (table) */
export interface ServerConfigReportsRow {
  server_id: string;
  org_id: string;
  applied_version: string | null;
  refused_version: string | null;
  refused_reason: string | null;
  local_monitors: string[];
  reported_at: Date;
}

/** public.server_vitals (table) */
export interface ServerVitalsRow {
  server_id: string;
  org_id: string;
  cpu_percent: number | null;
  memory_used_percent: number | null;
  disk_used_percent: number | null;
  load_1: number | null;
  metrics_at: Date | null;
  trend_from: Date;
  cpu_trend: number[];
  updated_at: Date;
  cpu_trend_json: string;
  net_rx_bytes_per_s: number | null;
  net_tx_bytes_per_s: number | null;
  temperature_c: number | null;
}

/** public.servers (table) */
export interface ServersRow {
  id: string;
  org_id: string;
  name: string;
  hostname: string;
  identity_key: string;
  agent_version: string | null;
  os: string | null;
  arch: string | null;
  status: ServerStatus;
  approval: ServerApproval;
  last_heartbeat_at: Date | null;
  clock_skew_ms: number | null;
  heartbeat_timeout_seconds: number;
  public_endpoint: string | null;
  registered_with_key: string | null;
  created_at: Date;
  updated_at: Date;
  heartbeat_interval_seconds: number | null;
  heartbeat_timeout_override_seconds: number | null;
  dropped_samples_total: string;
  rejected_items_total: string;
  data_loss_reported_at: Date | null;
  tags: string[];
}

/** public.status_pages (table) */
export interface StatusPagesRow {
  id: string;
  org_id: string;
  slug: string;
  title: string;
  monitor_ids: string[];
  enabled: boolean;
  created_at: Date;
  updated_at: Date;
  server_ids: string[];
}

/** private.ack_links (table) */
export interface AckLinksRow {
  token_hash: Uint8Array;
  incident_id: string;
  outbox_id: string;
  channel_kind: ChannelKind;
  created_at: Date;
  expires_at: Date;
}

/** private.billing_events (table) */
export interface BillingEventsRow {
  event_id: string;
  org_id: string;
  plan_id: string;
  previous_plan_id: string | null;
  received_at: Date;
}

/** private.check_rollup_backlog (table) */
export interface CheckRollupBacklogRow {
  monitor_id: string;
  org_id: string;
  minute: Date;
  ok_count: number;
  degraded_count: number;
  down_count: number;
  latency_sum_ms: number | null;
  latency_count: number;
  latency_min_ms: number | null;
  latency_max_ms: number | null;
}

/** private.installation (table) */
export interface InstallationRow {
  id: boolean;
  installed_at: Date;
}

/** private.invitation_email_tokens (table) */
export interface InvitationEmailTokensRow {
  invitation_id: string;
  org_id: string;
  token: string;
  created_at: Date;
}

/** private.job_runs (table) */
export interface JobRunsRow {
  job: string;
  last_run_at: Date;
  resumed_at: Date;
}

/** private.job_state (table) */
export interface JobStateRow {
  job: string;
  every_ms: number;
  claimed_at: Date | null;
  started_at: Date | null;
  finished_at: Date | null;
  runs: string;
  last_error: string | null;
  last_error_at: Date | null;
}

/** private.metric_rollup_backlog (table) */
export interface MetricRollupBacklogRow {
  series_id: number;
  bucket: Date;
  sum_value: number;
  sample_count: number;
  min_value: number;
  max_value: number;
}

/** private.retention_applied (table) */
export interface RetentionAppliedRow {
  org_id: string;
  tier: string;
  days: number;
}

/** private.retention_runs (table) */
export interface RetentionRunsRow {
  tier: string;
  ran_at: Date;
  longest_days: number;
}

/** private.rollup_state (table) */
export interface RollupStateRow {
  id: boolean;
  metrics_through: Date;
  hours_through: Date;
  checks_through: Date;
  last_run_at: Date | null;
}
