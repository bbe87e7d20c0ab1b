import { randomUUID } from "node:crypto";
import { createApiKey } from "../src/index.ts";
import { samples, type setup } from "./harness.ts";

type Harness = Awaited<ReturnType<typeof setup>>;

/**
 * One organization with a row in every tenant table, written with service access through the
 * real ingest routes where there are some: the tenancy tests run their checks against this.
 * A table added later needs a row here (the tests say so).
 */
export async function seedOrg(h: Harness, orgId: string, userId: string, email: string): Promise<void> {
  await h.sql`insert into auth.users (id, email, aud, role) values (${userId}, ${email}, 'authenticated', 'authenticated')`;
  await h.sql`insert into memberships (org_id, user_id, role) values (${orgId}, ${userId}, 'owner')`;
  const { key } = await createApiKey({
    ctx: { sql: h.sql },
    input: { org_id: orgId, scope: "agent", created_by: userId },
  });
  const reg = await h.call(
    "/register",
    { hostname: `host-${email}`, server_name: email, agent_version: "1", os: "linux", arch: "x64" },
    { key },
  );
  const serverId = reg.body.server_id as string;
  const now = Date.now();
  await h.call("/heartbeat", { server_id: serverId, sent_at: new Date().toISOString() }, { key });
  await h.call("/metrics", { server_id: serverId, batch_id: randomUUID(), samples: samples(6) }, { key });
  await h.call(
    "/checks",
    {
      server_id: serverId,
      batch_id: randomUUID(),
      results: [{ monitor: "http:site", status: "down", ts: new Date(now).toISOString() }],
    },
    { key },
  );
  await h.call(
    "/alerts",
    {
      server_id: serverId,
      batch_id: randomUUID(),
      alerts: [
        {
          incident_key: `${serverId}:http:site:x`,
          monitor: "http:site",
          state: "down",
          started_at: new Date(now).toISOString(),
          sent_at: new Date(now).toISOString(),
          channels: ["email"],
        },
      ],
    },
    { key },
  );
  // the outage log (decision 0044)
  await h.call(
    "/events",
    {
      server_id: serverId,
      batch_id: randomUUID(),
      events: [
        {
          id: randomUUID(),
          kind: "outage_ended",
          monitor: "internet",
          occurred_at: new Date(now).toISOString(),
          started_at: new Date(now - 60_000).toISOString(),
          ended_at: new Date(now).toISOString(),
          duration_ms: 60_000,
          message: "internet outage: 1m",
        },
      ],
    },
    { key },
  );
  const [monitor] = await h.sql`select id from monitors where server_id = ${serverId}`;
  await h.sql`
    insert into monitors (org_id, source, name, type, config, interval_seconds, next_run_at)
    values (${orgId}, 'probe', 'site', 'http', '{"kind":"http","url":"https://example.com"}', 60, now() + interval '1 hour')`;
  await h.sql`insert into invitations (org_id, email, token_hash, invited_by) values (${orgId}, ${`invite-${email}`}, ${Buffer.from(randomUUID())}, ${userId})`;
  const [channel] =
    await h.sql`insert into channels (org_id, name, kind, config) values (${orgId}, 'mail', 'email', '{"to":"ops@example.com"}') returning id`;
  await h.sql`insert into channel_secrets (channel_id, org_id, secret) values (${channel?.id}, ${orgId}, '{"smtp_password":"s3cret"}')`;
  await h.sql`insert into alert_rules (org_id, name, channel_ids) values (${orgId}, 'default', ${[channel?.id]})`;
  const [incident] = await h.sql`
    insert into incidents (org_id, server_id, monitor_id, subject_key, kind, title)
    values (${orgId}, ${serverId}, ${monitor?.id}, ${`monitor:${monitor?.id}`}, 'agent_check', 'site down') returning id`;
  await h.sql`insert into notification_outbox (org_id, incident_id, channel_id, event, payload) values (${orgId}, ${incident?.id}, ${channel?.id}, 'down', '{}')`;
  await h.sql`insert into incident_notes (org_id, incident_id, author_id, body) values (${orgId}, ${incident?.id}, ${userId}, 'swapped the cable')`;
  await h.sql`insert into maintenance_windows (org_id, server_id, starts_at, ends_at, created_by) values (${orgId}, ${serverId}, now(), now() + interval '1 hour', ${userId})`;
  // dashboard: rollups (through the real refresh, plus the tiers it fills later), status page
  await h.sql`select private.refresh_rollups()`;
  const [series] =
    await h.sql`select id from metric_series where server_id = ${serverId} order by id limit 1`;
  await h.sql`
    insert into metric_rollups_1h (series_id, bucket, sum_value, sample_count, min_value, max_value)
    values (${series?.id}, date_trunc('hour', now(), 'UTC') - interval '1 day', 1, 1, 1, 1)`;
  await h.sql`
    insert into check_rollups_1h (monitor_id, bucket, org_id, ok_count)
    values (${monitor?.id}, date_trunc('hour', now(), 'UTC') - interval '1 day', ${orgId}, 1)`;
  await h.sql`insert into status_pages (org_id, slug, title, monitor_ids) values (${orgId}, ${`status-${email.slice(0, 1)}`}, 'Status', ${[monitor?.id]})`;
  // central configuration: an org-wide entry, a server's own, and what its agent reported
  await h.sql`insert into monitor_configs (org_id, scope, monitors) values (${orgId}, 'org', '[{"type":"system","name":"system","options":{}}]')`;
  await h.sql`insert into monitor_configs (org_id, scope, server_id, thresholds) values (${orgId}, 'server', ${serverId}, '[{"metric":"cpu.percent","crit_above":90}]')`;
  await h.sql`insert into server_config_reports (server_id, org_id, applied_version) values (${serverId}, ${orgId}, ${"0".repeat(64)})`;
  // a monitor test waiting for the server's agent (decision 0045)
  await h.sql`insert into monitor_test_runs (org_id, server_id, monitor, requested_by) values (${orgId}, ${serverId}, '{"type":"system","name":"system"}', ${userId})`;
}
