/**
 * A real custos-server (its CLI, real PostgreSQL, scheduler off so nothing changes behind the
 * suite's back) with one organization holding one of every resource, and valid example requests
 * for every route of the contract: the starting points the fuzz suite mutates.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DASHBOARD_ROUTES } from "@custos/protocol";
import { type CustosServerHandle, startCustosServer } from "@custos/testkit";
import { importJWK, SignJWT } from "jose";
import postgres from "postgres";
import type { Json } from "./mutations.ts";

export type RouteName = keyof typeof DASHBOARD_ROUTES;

export interface Example {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: Json;
}

export interface Fixture {
  server: CustosServerHandle;
  sql: postgres.Sql;
  owner: { id: string; email: string; password: string; token: string; refresh: string };
  agentKey: string;
  ids: Record<string, string>;
  /** A token signed with the server's own key whose subject is not a uuid. */
  oddSubjectToken: string;
  /** The owner's subject with a session id that is not a uuid (and has a NUL). */
  oddSessionToken: string;
  close(): Promise<void>;
}

const API = "/functions/v1/api";

async function json(res: Response) {
  const body = (await res.json()) as Record<string, unknown> & { error?: unknown };
  if (!res.ok) throw new Error(`${res.status} ${res.url}: ${JSON.stringify(body)}`);
  return body as Record<string, any>;
}

export async function startFixture(adminUrl: string): Promise<Fixture> {
  const dataDir = mkdtempSync(join(tmpdir(), "custos-fuzz-"));
  const server = await startCustosServer({
    adminUrl,
    env: {
      CUSTOS_DATA_DIR: dataDir,
      CUSTOS_SCHEDULER: "off",
      CUSTOS_LOG: "warn",
      // the suite signs in with wrong passwords on purpose; 429s would hide the answers behind them
      CUSTOS_AUTH_RATE_LIMIT_ACCOUNT: "10000",
      CUSTOS_AUTH_RATE_LIMIT_ADDRESS: "1000000",
      CUSTOS_AGENT_RATE_LIMIT: "100000",
    },
  });
  const sql = postgres(server.databaseUrl, { max: 2, onnotice: () => undefined });
  const base = server.url;
  const email = `owner-${randomUUID().slice(0, 8)}@fuzz.example`;
  const password = "correct horse battery staple 12";
  await json(
    await fetch(`${base}/auth/v1/signup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password }),
    }),
  );
  const session = await json(
    await fetch(`${base}/auth/v1/token?grant_type=password`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password }),
    }),
  );
  const token = session.access_token as string;
  const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const v1 = async (method: string, path: string, body?: unknown) =>
    json(
      await fetch(`${base}${API}/v1${path}`, {
        method,
        headers: auth,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
    );

  const org = await v1("POST", "/orgs", { name: "Fuzz" });
  const o = `/orgs/${org.id}`;
  const agentKey = (await v1("POST", `${o}/api-keys`, { name: "agent", scope: "agent" })).key as string;
  const spareKey = (await v1("POST", `${o}/api-keys`, { name: "spare", scope: "read" })).api_key.id as string;
  const agent = async (route: string, body: unknown) =>
    json(
      await fetch(`${base}${API}/agent/${route}`, {
        method: "POST",
        headers: { authorization: `Bearer ${agentKey}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    );
  const serverId = (
    await agent("register", {
      hostname: "fuzz-1",
      server_name: "fuzz-1",
      agent_version: "1.0.0",
      os: "linux",
      arch: "x64",
    })
  ).server_id as string;
  // two failing results open an incident for the monitor
  for (const status of ["down", "down"]) {
    await agent("checks", {
      server_id: serverId,
      batch_id: randomUUID(),
      results: [{ monitor: "http:site", type: "http", status, ts: new Date().toISOString() }],
    });
  }
  const monitorId = (await sql`select id from monitors where server_id = ${serverId}`)[0]?.id as string;
  const incidents = await sql`select id from incidents where org_id = ${org.id as string} limit 1`;
  const channel = await v1("POST", `${o}/channels`, {
    name: "hook",
    kind: "webhook",
    config: { url: "http://127.0.0.1:9/hook" },
    secret: { signing_secret: "0123456789abcdef0123" },
  });
  const rule = await v1("POST", `${o}/alert-rules`, { name: "all", channel_ids: [channel.id] });
  const probe = await v1("POST", `${o}/probes`, {
    name: "site",
    config: { kind: "http", url: "http://127.0.0.1:9/" },
  });
  const start = new Date(Date.now() + 3_600_000);
  const window = await v1("POST", `${o}/maintenance-windows`, {
    starts_at: start.toISOString(),
    ends_at: new Date(start.getTime() + 3_600_000).toISOString(),
    reason: "upgrade",
  });
  const page = await v1("POST", `${o}/status-pages`, {
    slug: "fuzz-status",
    title: "Fuzz",
    monitor_ids: [monitorId],
  });
  const invitation = await v1("POST", `${o}/invitations`, { email: "invitee@fuzz.example", role: "member" });

  const keyFile = JSON.parse(readFileSync(join(dataDir, "auth-signing-key.json"), "utf8")) as {
    key: Record<string, string>;
  };
  const privateKey = await importJWK(keyFile.key, "ES256");
  const kid = (keyFile.key.kid as string | undefined) ?? "";
  const signed = (sub: string, sessionId: unknown) =>
    new SignJWT({ role: "authenticated", session_id: sessionId })
      .setProtectedHeader({ alg: "ES256", kid, typ: "JWT" })
      .setSubject(sub)
      .setAudience("authenticated")
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(privateKey);
  const oddSubjectToken = await signed("admin", randomUUID());
  const oddSessionToken = await signed(session.user.id as string, "not-a-uuid\u0000");

  return {
    server,
    sql,
    owner: {
      id: session.user.id as string,
      email,
      password,
      token,
      refresh: session.refresh_token as string,
    },
    agentKey,
    oddSubjectToken,
    oddSessionToken,
    ids: {
      org_id: org.id as string,
      server_id: serverId,
      monitor_id: monitorId,
      incident_id: (incidents[0]?.id as string | undefined) ?? randomUUID(),
      note_id: randomUUID(),
      test_id: randomUUID(),
      key_id: spareKey,
      channel_id: channel.id as string,
      rule_id: rule.id as string,
      probe_id: probe.id as string,
      window_id: window.id as string,
      page_id: page.id as string,
      invitation_id: invitation.invitation.id as string,
      user_id: session.user.id as string,
      slug: "fuzz-status",
    },
    async close() {
      await sql.end();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A valid request for every dashboard route (the lockstep test parses each with the contract). */
export function dashboardExamples(ids: Record<string, string>): Record<RouteName, Example> {
  const soon = Date.now() + 86_400_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    me: {},
    createOrg: { body: { name: "Another" } },
    getOrg: {},
    updateSettings: { body: { name: "Renamed", raw_retention_days: 30, flap_threshold: 5 } },
    summary: {},
    plan: {},
    servers: { query: { q: "fuzz", status: "up" } },
    server: {},
    updateServer: {
      body: {
        name: "fuzz-1",
        heartbeat_timeout_seconds: 120,
        public_endpoint: "https://fuzz.example/health",
      },
    },
    approveServer: {},
    deleteServer: {},
    metrics: { query: { names: "cpu.percent,load.1", range: "24h" } },
    metricNames: {},
    incidents: {
      query: { status: "all", limit: "10", before: iso(soon), server_id: ids.server_id as string },
    },
    incident: {},
    acknowledge: {},
    resolve: {},
    addIncidentNote: { body: { text: "switched the uplink back; watching it" } },
    deleteIncidentNote: {},
    exportIncidents: { query: { from: iso(soon - 7 * 86_400_000), to: iso(soon), format: "csv" } },
    exportChecks: { query: { from: iso(soon - 2 * 86_400_000), to: iso(soon), format: "json" } },
    exportMetrics: { query: { names: "cpu.percent,load.1", range: "24h", format: "csv" } },
    orgEvents: {
      query: { kind: "outage_ended", from: iso(soon - 7 * 86_400_000), to: iso(soon), limit: "20" },
    },
    serverEvents: {
      query: { limit: "20", before: iso(soon), before_id: "00000000-0000-4000-8000-000000000000" },
    },
    exportEvents: {
      query: {
        from: iso(soon - 7 * 86_400_000),
        to: iso(soon),
        format: "csv",
        kind: "reboot",
        server_id: ids.server_id as string,
      },
    },
    apiKeys: {},
    createApiKey: { body: { name: "ci", scope: "read" } },
    revokeApiKey: {},
    channels: {},
    createChannel: {
      body: {
        name: "hook 2",
        kind: "webhook",
        config: { url: "https://hooks.fuzz.example/x", headers: { "X-Team": "ops" } },
        secret: { signing_secret: "0123456789abcdef0123", headers: { Authorization: "Bearer t" } },
        enabled: true,
      },
    },
    updateChannel: { body: { name: "hook", enabled: true, config: { url: "http://127.0.0.1:9/hook" } } },
    deleteChannel: {},
    testChannel: {},
    alertRules: {},
    createAlertRule: {
      body: {
        name: "critical",
        min_severity: "critical",
        channel_ids: [ids.channel_id as string],
        escalate_after_minutes: 15,
        escalation_channel_ids: [ids.channel_id as string],
        repeat_mode: "repeat",
        repeat_every_minutes: 30,
        notify_restored: true,
        enabled: true,
      },
    },
    updateAlertRule: { body: { name: "all", repeat_mode: "once", channel_ids: [ids.channel_id as string] } },
    deleteAlertRule: {},
    members: {},
    updateMember: { body: { role: "owner" } },
    removeMember: {},
    invitations: {},
    createInvitation: { body: { email: "second@fuzz.example", role: "viewer" } },
    revokeInvitation: {},
    acceptInvitation: { body: { token: "cinv_0123456789abcdef" } },
    probes: {},
    createProbe: {
      body: {
        name: "tcp",
        interval_seconds: 60,
        failures_to_open: 2,
        successes_to_resolve: 2,
        config: { kind: "tcp", host: "127.0.0.1", port: 9, timeout_ms: 1000 },
      },
    },
    updateProbe: {
      body: {
        name: "site",
        enabled: true,
        config: { kind: "http", url: "http://127.0.0.1:9/", expected_status: [200, 204], keyword: "ok" },
      },
    },
    deleteProbe: {},
    testProbe: {
      body: { config: { kind: "http", url: "http://127.0.0.1:9/", keyword: "ok", timeout_ms: 1000 } },
    },
    monitor: {},
    monitorResponseTimes: { query: { range: "24h" } },
    monitorResults: { query: { limit: "20" } },
    maintenanceWindows: { query: { when: "all" } },
    createMaintenanceWindow: {
      body: {
        server_id: ids.server_id as string,
        monitor_id: ids.monitor_id as string,
        starts_at: iso(soon),
        ends_at: iso(soon + 3_600_000),
        reason: "disk swap",
      },
    },
    updateMaintenanceWindow: {
      body: { starts_at: iso(soon), ends_at: iso(soon + 7_200_000), reason: "longer" },
    },
    deleteMaintenanceWindow: {},
    statusPages: {},
    createStatusPage: {
      body: { slug: "second-page", title: "Second", monitor_ids: [ids.monitor_id as string], enabled: true },
    },
    updateStatusPage: { body: { title: "Fuzz", monitor_ids: [ids.monitor_id as string], enabled: true } },
    deleteStatusPage: {},
    publicStatusPage: {},
    monitorConfig: {},
    putMonitorConfig: {
      body: {
        scope: "org",
        monitors: [
          { type: "http", name: "site", check_interval: "30s", options: { url: "http://127.0.0.1:9/" } },
        ],
        thresholds: [{ metric: "cpu.percent", crit_above: 90, for: "5m" }],
      },
    },
    serverMonitorConfig: {},
    putServerTags: { body: { tags: ["web", "db"] } },
    createMonitorTest: {
      body: {
        monitor: { type: "http", name: "site", timeout: "5s", options: { url: "http://127.0.0.1:9/" } },
      },
    },
    monitorTest: {},
  };
}

/** A valid request for every agent route; fresh batch ids and times each call. */
export function agentExamples(serverId: string): Record<string, Json> {
  const now = new Date().toISOString();
  const batch = () => randomUUID();
  return {
    register: {
      hostname: "fuzz-2",
      server_name: "fuzz-2",
      agent_version: "1.0.0",
      os: "linux",
      arch: "x64",
      machine_id: "0123456789abcdef0123456789abcdef",
    },
    heartbeat: {
      server_id: serverId,
      sent_at: now,
      agent_version: "1.0.0",
      uptime_seconds: 12,
      dropped_samples: 0,
    },
    metrics: {
      server_id: serverId,
      batch_id: batch(),
      samples: [
        { ts: now, name: "cpu.percent", value: 3.5 },
        { ts: Date.now(), name: "disk.used_percent", labels: { mount: "/" }, value: 41 },
      ],
    },
    checks: {
      server_id: serverId,
      batch_id: batch(),
      results: [
        { monitor: "http:site", type: "http", status: "ok", latency_ms: 12, message: "200 OK", ts: now },
      ],
    },
    alerts: {
      server_id: serverId,
      batch_id: batch(),
      alerts: [
        {
          incident_key: `${serverId}:http:site:${now}`,
          monitor: "http:site",
          state: "down",
          started_at: now,
          sent_at: now,
          channels: ["webhook", "email"],
          message: "site down",
        },
      ],
    },
    // the outage log (decision 0044)
    events: {
      server_id: serverId,
      batch_id: batch(),
      events: [
        {
          id: randomUUID(),
          kind: "outage_ended",
          monitor: "internet",
          occurred_at: now,
          started_at: new Date(Date.now() - 95_000).toISOString(),
          ended_at: now,
          duration_ms: 95_000,
          message: "internet outage: 1m 35s",
          data: { targets: ["1.1.1.1", "8.8.8.8"] },
        },
      ],
    },
    // the combined push (decision 0036): every part, metrics in the compact encoding
    push: {
      v: 1,
      server_id: serverId,
      heartbeat: { sent_at: now, agent_version: "1.0.0", uptime_seconds: 12, dropped_samples: 0 },
      checks: {
        batch_id: batch(),
        results: [{ monitor: "http:site", type: "http", status: "ok", latency_ms: 12, ts: Date.now() }],
      },
      metrics: {
        batch_id: batch(),
        series: [["cpu.percent"], ["disk.used_percent", { mount: "/" }]],
        at: [{ t: Date.now(), s: 0, v: [3.5, 41] }],
      },
      events: {
        batch_id: batch(),
        events: [
          {
            id: randomUUID(),
            kind: "reboot",
            monitor: "system",
            occurred_at: Date.now(),
            started_at: Date.now() - 70_000,
            ended_at: Date.now(),
            duration_ms: 70_000,
            message: "rebooted",
            data: { boot_id: "b2", uptime_seconds: 12 },
          },
        ],
      },
    },
    config: { server_id: serverId },
    "monitor-tests/claim": { server_id: serverId },
    "config/report": {
      server_id: serverId,
      version: "0".repeat(64),
      status: "refused",
      reason: "monitors[0].options.url: invalid URL",
      local_monitors: ["system"],
    },
  };
}
