-- What the API roles may touch, per table and per column, instead of "all on every table".
--
-- The compat migration followed Supabase's default (grant all on tables in public to anon and
-- authenticated, and let RLS filter rows). In the cloud that is what the Data API (PostgREST)
-- lets any signed-in user run, and "all" includes privileges RLS does not guard:
--   * TRUNCATE: RLS does not apply to it; `truncate public.organizations cascade` as
--     authenticated emptied every organization's data.
--   * writes to columns only the engine should set (incident state, check counters, heartbeat
--     status, outbox rows, server identity), which RLS checks per row, not per column.
--   * setval() on the identity sequences behind notification_outbox and metric_series.
-- Now: anon gets nothing (public status pages go through published.status_page()); authenticated
-- reads the tables the dashboard reads (RLS still filters the rows) and writes exactly the
-- columns the dashboard's verbs write as the caller (packages/backend/src, inOrg/asCaller).
-- Everything else is written by the engine: security definer functions and the service
-- connection the backend uses for ingest, the sweep, probes and the dispatcher.
-- Decision record: docs/decisions/0018-tenancy-in-the-schema.md (the table of what is exposed).

revoke all on all tables in schema public from anon, authenticated;
revoke all on all sequences in schema public from anon, authenticated;
revoke all on all functions in schema public from anon, authenticated;

-- Tables created later start with no privileges for the API roles: exposing one is a decision
-- written next to it, not a default.
alter default privileges in schema public revoke all on tables from anon, authenticated;
alter default privileges in schema public revoke all on sequences from anon, authenticated;
alter default privileges in schema public revoke all on functions from anon, authenticated;

-- Read by the dashboard as the caller, filtered by RLS. Not granted: metric_samples (charts read
-- rollups), metric_latest (the source of server_vitals), ingest_batches and agent_alerts (ingest
-- bookkeeping the dispatcher reads with service access).
grant select on
  public.organizations, public.memberships, public.invitations, public.api_keys,
  public.servers, public.monitors, public.metric_series, public.check_results,
  public.incidents, public.channels, public.channel_secrets, public.alert_rules,
  public.notification_outbox, public.maintenance_windows, public.status_pages,
  public.metric_rollups_1m, public.metric_rollups_5m, public.metric_rollups_1h,
  public.server_vitals, public.check_rollups_1h
  to authenticated;

-- Settings page (admins, by policy). Organizations are created with service access.
grant update (name, require_server_approval, raw_retention_days, flap_threshold, flap_window_minutes, agent_dedup_seconds)
  on public.organizations to authenticated;

-- Role changes and removal (admins, by policy). No insert: a membership is created with the
-- organization or by accepting an invitation, never by naming a user id (see the next migration).
grant update (role), delete on public.memberships to authenticated;

-- Inviting and revoking (admins). accepted_at is set when the invitation is accepted.
grant insert (org_id, email, role, token_hash, invited_by), delete on public.invitations to authenticated;

-- Creating and revoking keys (members). last_used_at is the key check's.
grant insert (org_id, name, prefix, secret_hash, scope, created_by), update (revoked_at)
  on public.api_keys to authenticated;

-- Renaming, timeout, probed endpoint, approval, deleting (admins). Servers are created by agent
-- registration; status, heartbeat, identity, agent facts and the registering key are the agent's.
grant update (name, heartbeat_timeout_seconds, public_endpoint, approval, updated_at), delete
  on public.servers to authenticated;

-- Backend probes (members): their settings and schedule. Agent monitors (server_id) are created
-- by ingest; state, counters, failing_since, recent_changes, flapping_notified_at, last_status
-- and last_checked_at are the state machine's.
grant insert (org_id, source, name, type, config, enabled, interval_seconds, failures_to_open, successes_to_resolve, next_run_at),
  update (name, type, config, enabled, interval_seconds, failures_to_open, successes_to_resolve, next_run_at),
  delete
  on public.monitors to authenticated;

-- Channels and their secrets (admins). A channel's kind and organization never change.
grant insert (org_id, name, kind, config, enabled), update (name, config, enabled), delete
  on public.channels to authenticated;
grant insert (channel_id, org_id, secret), update (secret) on public.channel_secrets to authenticated;

-- Routing rules (admins).
grant insert (org_id, name, min_severity, channel_ids, escalate_after_minutes, escalation_channel_ids,
              repeat_mode, repeat_every_minutes, notify_restored, enabled),
  update (name, min_severity, channel_ids, escalate_after_minutes, escalation_channel_ids,
          repeat_mode, repeat_every_minutes, notify_restored, enabled),
  delete
  on public.alert_rules to authenticated;

-- Maintenance (members): what it covers is fixed at creation, its time and reason can change.
grant insert (org_id, server_id, monitor_id, starts_at, ends_at, reason, created_by),
  update (starts_at, ends_at, reason),
  delete
  on public.maintenance_windows to authenticated;

-- Status pages (admins).
grant insert (org_id, slug, title, monitor_ids, enabled), update (slug, title, monitor_ids, enabled, updated_at), delete
  on public.status_pages to authenticated;

-- incidents, notification_outbox, check_results, metric_series and the rollups: no writes at all.
-- Acknowledging goes through private.acknowledge_incident() (next-but-one migration), resolving
-- through the engine's functions with service access (decision 0014).
