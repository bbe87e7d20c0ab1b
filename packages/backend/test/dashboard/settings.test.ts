import {
  AlertRuleItem,
  AlertRuleList,
  ApiKeyItem,
  ApiKeyList,
  ChannelItem,
  ChannelList,
  ChannelTestResult,
  CreatedApiKey,
  MaintenanceWindowItem,
  MaintenanceWindowList,
  ProbeItem,
  ProbeList,
} from "@custos/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSink } from "../sinks.ts";
import { type Dashboard, expectContract, setupDashboard } from "./helpers.ts";

let d: Dashboard;
let sink: Awaited<ReturnType<typeof startSink>>;
beforeAll(async () => {
  sink = await startSink();
  d = await setupDashboard(
    {},
    { telegramBaseUrl: sink.url, pushoverBaseUrl: sink.url, pagerdutyBaseUrl: sink.url },
  );
});
afterAll(async () => {
  await d.close();
  await sink.close();
});

describe("API keys", () => {
  let created: CreatedApiKey;

  it("returns a new key once, with the install command for this deployment's URL", async () => {
    created = expectContract(
      await d.api("POST", `/orgs/${d.orgA}/api-keys`, {
        as: d.users.member,
        body: { name: "laptop" },
        headers: { "x-forwarded-proto": "https", "x-forwarded-host": "custos.example.com" },
      }),
      201,
      CreatedApiKey,
    );
    expect(created.key).toMatch(/^cus_[0-9A-Za-z]{40}$/);
    expect(created.api_key).toMatchObject({
      name: "laptop",
      scope: "agent",
      prefix: created.key.slice(0, 12),
      revoked_at: null,
      created_by: { id: d.users.member.id, email: "member@a.example" },
    });
    expect(created.install_command).toBe(
      `curl -fsSL https://custos.example.com/install.sh | $([ "$(id -u)" -eq 0 ] || echo sudo) bash -s -- --api-key=${created.key} --url https://custos.example.com`,
    );
    // the key works for an agent
    expect(
      (
        await d.agent(
          "/register",
          { hostname: "k", server_name: "k", agent_version: "1", os: "linux", arch: "x64" },
          created.key,
        )
      ).status,
    ).toBe(200);
  });

  it("lists keys with prefix and last use, never the key or its hash", async () => {
    const res = await d.api("GET", `/orgs/${d.orgA}/api-keys`, { as: d.users.viewer });
    const list = expectContract(res, 200, ApiKeyList);
    const item = list.api_keys.find((k) => k.id === created.api_key.id);
    expect(item?.last_used_at).not.toBeNull();
    expect(res.text).not.toContain(created.key);
    expect(res.text).not.toContain(created.key.slice(12));
    expect(res.text).not.toMatch(/hash/);
    const [row] =
      await d.sql`select encode(secret_hash, 'hex') as h from api_keys where id = ${created.api_key.id}`;
    expect(res.text).not.toContain(row?.h);
  });

  it("revokes a key so the agent using it is refused at once", async () => {
    expect(
      (await d.api("POST", `/orgs/${d.orgA}/api-keys/${created.api_key.id}/revoke`, { as: d.users.viewer }))
        .status,
    ).toBe(403);
    const revoked = expectContract(
      await d.api("POST", `/orgs/${d.orgA}/api-keys/${created.api_key.id}/revoke`, { as: d.users.member }),
      200,
      ApiKeyItem,
    );
    expect(revoked.revoked_at).not.toBeNull();
    const res = await d.agent(
      "/register",
      { hostname: "k", server_name: "k", agent_version: "1", os: "linux", arch: "x64" },
      created.key,
    );
    expect(res.status).toBe(401);
    expect(
      (await d.api("POST", `/orgs/${d.orgB}/api-keys/${created.api_key.id}/revoke`, { as: d.users.ownerB }))
        .status,
    ).toBe(404);
  });

  it("tells agents the configured agent URL (cloud: the project URL), and takes the files from the dashboard's host", async () => {
    const other = await setupDashboard({
      dashboardUrl: "https://dash.example.org",
      agentUrl: "https://abc.supabase.co",
    });
    try {
      const res = expectContract(await other.api("POST", `/orgs/${other.orgA}/api-keys`), 201, CreatedApiKey);
      expect(res.install_command).toBe(
        `curl -fsSL https://dash.example.org/install.sh | $([ "$(id -u)" -eq 0 ] || echo sudo) bash -s -- --api-key=${res.key} --url https://abc.supabase.co --downloads https://dash.example.org/downloads`,
      );
    } finally {
      await other.close();
    }
  });

  it("uses the configured dashboard URL for the install command when there is one", async () => {
    const other = await setupDashboard({ dashboardUrl: "https://monitor.example.org/" });
    try {
      const res = expectContract(await other.api("POST", `/orgs/${other.orgA}/api-keys`), 201, CreatedApiKey);
      expect(res.install_command).toContain("https://monitor.example.org/install.sh");
      expect(res.install_command).toMatch(/--url https:\/\/monitor\.example\.org$/);
    } finally {
      await other.close();
    }
  });
});

describe("a server's own key and limited fleet keys", () => {
  const machine = (name: string) => ({
    hostname: name,
    server_name: name,
    agent_version: "1",
    os: "linux",
    arch: "x64",
    machine_id: `id-${name}-0000`,
  });

  it("creates a server's own key, lists the server using it, and refuses a second machine", async () => {
    const own = expectContract(
      await d.api("POST", `/orgs/${d.orgA}/api-keys`, {
        as: d.users.member,
        body: { name: "db-1 only", max_servers: 1 },
      }),
      201,
      CreatedApiKey,
    );
    expect(own.api_key).toMatchObject({
      max_servers: 1,
      enroll_until: null,
      servers: { count: 0, names: [] },
    });
    expect((await d.agent("/register", machine("db-1"), own.key)).status).toBe(200);
    expect((await d.agent("/register", machine("db-2"), own.key)).status).toBe(403);
    const list = expectContract(
      await d.api("GET", `/orgs/${d.orgA}/api-keys`, { as: d.users.viewer }),
      200,
      ApiKeyList,
    );
    expect(list.api_keys.find((k) => k.id === own.api_key.id)?.servers).toEqual({
      count: 1,
      names: ["db-1"],
    });
  });

  it("counts every server using a fleet key and names the first five alphabetically", async () => {
    const fleet = expectContract(
      await d.api("POST", `/orgs/${d.orgA}/api-keys`, {
        as: d.users.member,
        body: { name: "fleet", enroll_until: new Date(Date.now() + 3_600_000).toISOString() },
      }),
      201,
      CreatedApiKey,
    );
    for (const name of ["f-7", "f-3", "f-1", "f-6", "f-2", "f-5", "f-4"]) {
      expect((await d.agent("/register", machine(name), fleet.key)).status).toBe(200);
    }
    const list = expectContract(
      await d.api("GET", `/orgs/${d.orgA}/api-keys`, { as: d.users.viewer }),
      200,
      ApiKeyList,
    );
    const item = list.api_keys.find((k) => k.id === fleet.api_key.id);
    expect(item?.servers).toEqual({ count: 7, names: ["f-1", "f-2", "f-3", "f-4", "f-5"] });
    expect(item?.enroll_until).not.toBeNull();
  });

  it.each([
    [{ max_servers: 0 }, "max_servers"],
    [{ max_servers: 1.5 }, "max_servers"],
    [{ max_servers: 100_001 }, "max_servers"],
    [{ max_servers: "1" }, "max_servers"],
    [{ enroll_until: "tomorrow" }, "enroll_until"],
    [{ enroll_until: new Date(Date.now() - 60_000).toISOString() }, "enroll_until"],
  ])("refuses the limit %j with 400 naming %s, creating no key", async (limits, field) => {
    const [before] = await d.sql`select count(*)::int as n from api_keys`;
    const res = await d.api("POST", `/orgs/${d.orgA}/api-keys`, { as: d.users.member, body: limits });
    expect(res.status).toBe(400);
    expect(res.text).toContain(field);
    const [after] = await d.sql`select count(*)::int as n from api_keys`;
    expect(after?.n).toBe(before?.n);
  });
});

describe("channels", () => {
  let channel: ChannelItem;

  it("creates a channel and never returns its secret, to anyone", async () => {
    const res = await d.api("POST", `/orgs/${d.orgA}/channels`, {
      as: d.users.admin,
      body: {
        name: "ops",
        kind: "webhook",
        config: { url: `${sink.url}/hook` },
        secret: {
          signing_secret: "super-secret-signing-key",
          headers: { Authorization: "Bearer hunter2-token" },
        },
      },
    });
    channel = expectContract(res, 201, ChannelItem);
    expect(channel).toMatchObject({
      kind: "webhook",
      has_secret: true,
      secret_fields: ["headers", "signing_secret"],
    });
    expect(res.text).not.toContain("super-secret-signing-key");
    expect(res.text).not.toContain("hunter2");
    for (const as of [d.users.viewer, d.users.admin, d.users.owner]) {
      const list = await d.api("GET", `/orgs/${d.orgA}/channels`, { as });
      const parsed = expectContract(list, 200, ChannelList);
      expect(parsed.channels[0]).toMatchObject({ name: "ops", has_secret: true });
      expect(list.text).not.toContain("super-secret-signing-key");
      expect(list.text).not.toContain("hunter2");
    }
  });

  it("validates settings per kind and names the field", async () => {
    const cases = [
      [{ name: "sms", kind: "sms", config: { to: ["0123"] }, secret: {} }, "config.to.0"],
      [
        { name: "slack", kind: "slack", secret: { webhook_url: "http://hooks.slack.com/x" } },
        "secret.webhook_url",
      ],
      [{ name: "mail", kind: "email", config: { to: [] } }, "config.to"],
      [{ name: "x", kind: "pager" }, "kind"],
      [{ name: "", kind: "email", config: { to: ["a@b.example"] } }, "name"],
    ] as const;
    for (const [body, field] of cases) {
      const res = await d.api("POST", `/orgs/${d.orgA}/channels`, { as: d.users.admin, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.field).toBe(field);
    }
  });

  it("updates config and replaces the secret, still without returning it", async () => {
    const res = await d.api("PATCH", `/orgs/${d.orgA}/channels/${channel.id}`, {
      as: d.users.admin,
      body: { name: "ops-2", secret: { signing_secret: "another-long-secret-1234" } },
    });
    const updated = expectContract(res, 200, ChannelItem);
    expect(updated).toMatchObject({ name: "ops-2", secret_fields: ["headers", "signing_secret"] });
    expect(res.text).not.toContain("another-long-secret");
    const bad = await d.api("PATCH", `/orgs/${d.orgA}/channels/${channel.id}`, {
      as: d.users.admin,
      body: { config: { url: "ftp://x" } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("config.url");
  });

  it("sends a test notification through the real notifier and reports the outcome", async () => {
    expect(
      (await d.api("POST", `/orgs/${d.orgA}/channels/${channel.id}/test`, { as: d.users.member })).status,
    ).toBe(403);
    const ok = expectContract(
      await d.api("POST", `/orgs/${d.orgA}/channels/${channel.id}/test`, { as: d.users.admin }),
      200,
      ChannelTestResult,
    );
    expect(ok).toMatchObject({ delivered: true, error: null });
    const got = sink.received.at(-1);
    expect(got?.json()).toMatchObject({ event: "test", title: "Custos test notification" });
    expect(got?.headers["x-custos-signature"]).toMatch(/^sha256=/);
    sink.answer(503);
    const failed = expectContract(
      await d.api("POST", `/orgs/${d.orgA}/channels/${channel.id}/test`, { as: d.users.admin }),
      200,
      ChannelTestResult,
    );
    sink.answer(200);
    expect(failed).toMatchObject({ delivered: false, retryable: true });
    expect(failed.error).toMatch(/503/);
    expect(failed.error).not.toContain("another-long-secret");
  });

  it("deletes a channel and removes it from alert rules", async () => {
    const rule = expectContract(
      await d.api("POST", `/orgs/${d.orgA}/alert-rules`, {
        as: d.users.admin,
        body: {
          name: "r",
          channel_ids: [channel.id],
          escalate_after_minutes: 5,
          escalation_channel_ids: [channel.id],
        },
      }),
      201,
      AlertRuleItem,
    );
    expect(
      (await d.api("DELETE", `/orgs/${d.orgA}/channels/${channel.id}`, { as: d.users.admin })).status,
    ).toBe(200);
    const rules = expectContract(await d.api("GET", `/orgs/${d.orgA}/alert-rules`), 200, AlertRuleList);
    expect(rules.alert_rules.find((r) => r.id === rule.id)).toMatchObject({
      channel_ids: [],
      escalation_channel_ids: [],
    });
  });
});

describe("channels of the kinds people already use (Discord, Telegram, Gotify, Pushover, PagerDuty, Matrix, Teams)", () => {
  /** Per kind: settings pointing at the loopback sink, the secret that must never come back. */
  const kinds = [
    {
      kind: "discord",
      config: () => ({}),
      secret: () => ({ webhook_url: `${sink.url}/api/webhooks/123456789012345678/d1sc0rd-s3cr3t-token` }),
      hidden: "d1sc0rd-s3cr3t-token",
      path: "/api/webhooks/123456789012345678/d1sc0rd-s3cr3t-token?wait=true",
      sent: (body: any) => expect(body.embeds[0].title).toBe("Custos test notification"),
    },
    {
      kind: "telegram",
      config: () => ({ chat_id: "-1001234567890" }),
      secret: () => ({ bot_token: "123456789:AAHt3l3gr4mS3cr3tXXXXXXXXXXXXXXXXX" }),
      hidden: "AAHt3l3gr4mS3cr3t",
      path: "/bot123456789:AAHt3l3gr4mS3cr3tXXXXXXXXXXXXXXXXX/sendMessage",
      sent: (body: any) =>
        expect(body).toMatchObject({
          chat_id: "-1001234567890",
          parse_mode: "HTML",
          text: expect.stringContaining("Custos test notification"),
        }),
    },
    {
      kind: "gotify",
      config: () => ({ server: `${sink.url}/gotify` }),
      secret: () => ({ app_token: "AqG0t1fyS3cr3t.x" }),
      hidden: "AqG0t1fyS3cr3t.x",
      path: "/gotify/message",
      sent: (body: any) => expect(body).toMatchObject({ title: "Custos test notification", priority: 5 }),
    },
    {
      kind: "pushover",
      config: () => ({ device: "phone" }),
      secret: () => ({
        app_token: "aP0shoverAppT0kenXXXXXXXXXXXXX",
        user_key: "uP0shoverUserKeyXXXXXXXXXXXXXX",
      }),
      hidden: "P0shover",
      path: "/1/messages.json",
      sent: (body: any) =>
        expect(body).toMatchObject({
          token: "aP0shoverAppT0kenXXXXXXXXXXXXX",
          user: "uP0shoverUserKeyXXXXXXXXXXXXXX",
          device: "phone",
          title: "Custos test notification",
        }),
    },
    {
      kind: "pagerduty",
      config: () => ({}),
      secret: () => ({ routing_key: "pAg3rDutyR0ut1ngK3yXXXXXXXXXXXXX" }),
      hidden: "pAg3rDutyR0ut1ngK3y",
      path: "/v2/enqueue",
      sent: (body: any) =>
        expect(body).toMatchObject({
          event_action: "trigger",
          payload: { summary: "Custos test notification", severity: "info" },
        }),
    },
    {
      kind: "matrix",
      config: () => ({ homeserver: sink.url, room_id: "!ops:example.org" }),
      secret: () => ({ access_token: "syt_m4tr1xS3cr3tT0ken" }),
      hidden: "m4tr1xS3cr3t",
      path: expect.stringMatching(
        /^\/_matrix\/client\/v3\/rooms\/!ops%3Aexample\.org\/send\/m\.room\.message\/custos-[0-9a-f]{16}$/,
      ),
      sent: (body: any) =>
        expect(body).toMatchObject({
          msgtype: "m.text",
          body: expect.stringContaining("Custos test notification"),
        }),
    },
    {
      kind: "teams",
      config: () => ({}),
      secret: () => ({
        webhook_url: `${sink.url}/workflows/7/triggers/manual/paths/invoke?sig=t3amsS1gS3cr3t`,
      }),
      hidden: "t3amsS1gS3cr3t",
      path: "/workflows/7/triggers/manual/paths/invoke?sig=t3amsS1gS3cr3t",
      sent: (body: any) =>
        expect(body.attachments[0]).toMatchObject({ contentType: "application/vnd.microsoft.card.adaptive" }),
    },
  ] as const;

  it.each(kinds)(
    "creates a $kind channel without ever returning its secret, and sends a test through it",
    async (k) => {
      const res = await d.api("POST", `/orgs/${d.orgA}/channels`, {
        as: d.users.admin,
        body: { name: `team ${k.kind}`, kind: k.kind, config: k.config(), secret: k.secret() },
      });
      const created = expectContract(res, 201, ChannelItem);
      expect(created).toMatchObject({ kind: k.kind, config: k.config(), has_secret: true });
      expect(res.text).not.toContain(k.hidden);
      const list = await d.api("GET", `/orgs/${d.orgA}/channels`, { as: d.users.viewer });
      expect(expectContract(list, 200, ChannelList).channels.map((c) => c.kind)).toContain(k.kind);
      expect(list.text).not.toContain(k.hidden);

      const before = sink.received.length;
      const test = expectContract(
        await d.api("POST", `/orgs/${d.orgA}/channels/${created.id}/test`, { as: d.users.admin }),
        200,
        ChannelTestResult,
      );
      expect(test).toMatchObject({ delivered: true, error: null });
      const got = sink.received.slice(before);
      expect(got.map((r) => r.path)).toEqual([k.path]);
      k.sent(got[0]?.json());
    },
  );

  it.each([
    [{ kind: "discord", secret: { webhook_url: "https://discord.com/channels/1/2" } }, "secret.webhook_url"],
    [{ kind: "telegram", config: { chat_id: "ops group" }, secret: {} }, "config.chat_id"],
    [{ kind: "telegram", config: { chat_id: "42" }, secret: { bot_token: "42" } }, "secret.bot_token"],
    [{ kind: "gotify", config: { server: "gotify.lan" }, secret: { app_token: "x1" } }, "config.server"],
    [{ kind: "gotify", config: { server: "https://gotify.example.com" }, secret: {} }, "secret.app_token"],
    [{ kind: "pushover", secret: { app_token: "x".repeat(30), user_key: "short" } }, "secret.user_key"],
    [
      {
        kind: "pushover",
        config: { device: "my phone" },
        secret: { app_token: "x".repeat(30), user_key: "y".repeat(30) },
      },
      "config.device",
    ],
    [{ kind: "pagerduty", secret: { routing_key: "short" } }, "secret.routing_key"],
    [
      {
        kind: "matrix",
        config: { homeserver: "https://m.example.org", room_id: "#ops:m.example.org" },
        secret: { access_token: "t" },
      },
      "config.room_id",
    ],
    [
      {
        kind: "matrix",
        config: { homeserver: "https://m.example.org", room_id: "!ops:m.example.org" },
        secret: {},
      },
      "secret.access_token",
    ],
    [
      { kind: "teams", secret: { webhook_url: "http://prod-01.westus.logic.azure.com/workflows/1" } },
      "secret.webhook_url",
    ],
  ])("refuses malformed %j settings, naming %s", async (settings, field) => {
    const res = await d.api("POST", `/orgs/${d.orgA}/channels`, {
      as: d.users.admin,
      body: { name: "bad", ...settings },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.field).toBe(field);
  });
});

describe("alert rules", () => {
  it("creates, updates and deletes rules with escalation and repeat; admins only", async () => {
    const ch = expectContract(
      await d.api("POST", `/orgs/${d.orgA}/channels`, {
        as: d.users.admin,
        body: { name: "mail", kind: "email", config: { to: ["ops@a.example"] } },
      }),
      201,
      ChannelItem,
    );
    const body = {
      name: "critical",
      min_severity: "critical",
      channel_ids: [ch.id],
      escalate_after_minutes: 5,
      escalation_channel_ids: [ch.id],
      repeat_mode: "repeat",
      repeat_every_minutes: 30,
      notify_restored: false,
    };
    expect((await d.api("POST", `/orgs/${d.orgA}/alert-rules`, { as: d.users.member, body })).status).toBe(
      403,
    );
    const rule = expectContract(
      await d.api("POST", `/orgs/${d.orgA}/alert-rules`, { as: d.users.admin, body }),
      201,
      AlertRuleItem,
    );
    expect(rule).toMatchObject({ ...body, enabled: true });
    const noPeriod = await d.api("PATCH", `/orgs/${d.orgA}/alert-rules/${rule.id}`, {
      as: d.users.admin,
      body: { repeat_every_minutes: null },
    });
    expect(noPeriod.status).toBe(400);
    expect(noPeriod.body.error.field).toBe("repeat_every_minutes");
    const once = expectContract(
      await d.api("PATCH", `/orgs/${d.orgA}/alert-rules/${rule.id}`, {
        as: d.users.admin,
        body: { repeat_mode: "once", repeat_every_minutes: null },
      }),
      200,
      AlertRuleItem,
    );
    expect(once).toMatchObject({
      repeat_mode: "once",
      repeat_every_minutes: null,
      escalate_after_minutes: 5,
    });
    const foreign = await d.api("PATCH", `/orgs/${d.orgA}/alert-rules/${rule.id}`, {
      as: d.users.admin,
      body: { channel_ids: [ch.id, "00000000-0000-4000-8000-000000000000"] },
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.field).toBe("channel_ids.1");
    expect(
      (await d.api("DELETE", `/orgs/${d.orgA}/alert-rules/${rule.id}`, { as: d.users.admin })).status,
    ).toBe(200);
    expect(
      (await d.api("DELETE", `/orgs/${d.orgA}/alert-rules/${rule.id}`, { as: d.users.admin })).status,
    ).toBe(404);
  });
});

describe("probes and maintenance windows", () => {
  it("lets a member add, change and delete an HTTP probe; a viewer cannot", async () => {
    const body = {
      name: "site",
      interval_seconds: 30,
      config: { kind: "http", url: "https://example.com/health" },
    };
    expect((await d.api("POST", `/orgs/${d.orgA}/probes`, { as: d.users.viewer, body })).status).toBe(403);
    const probe = expectContract(
      await d.api("POST", `/orgs/${d.orgA}/probes`, { as: d.users.member, body }),
      201,
      ProbeItem,
    );
    expect(probe).toMatchObject({
      name: "site",
      kind: "http",
      interval_seconds: 30,
      config: { degraded_ms: 80, down_ms: 200 },
    });
    const bad = await d.api("POST", `/orgs/${d.orgA}/probes`, {
      as: d.users.member,
      body: { name: "x", config: { kind: "tcp", host: "db", port: 70000 } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("config.port");
    const changed = expectContract(
      await d.api("PATCH", `/orgs/${d.orgA}/probes/${probe.id}`, {
        as: d.users.member,
        body: { enabled: false, config: { kind: "tcp", host: "db.internal", port: 5432 } },
      }),
      200,
      ProbeItem,
    );
    expect(changed).toMatchObject({
      enabled: false,
      kind: "tcp",
      config: { host: "db.internal", port: 5432 },
    });
    expect(expectContract(await d.api("GET", `/orgs/${d.orgA}/probes`), 200, ProbeList).probes).toHaveLength(
      1,
    );
    expect((await d.api("DELETE", `/orgs/${d.orgA}/probes/${probe.id}`, { as: d.users.member })).status).toBe(
      200,
    );
  });

  it("schedules, lists, ends and deletes a maintenance window for a server", async () => {
    const server = await d.register("maint-1");
    const foreign = await d.register("b-1", d.agentKeyB);
    const starts = new Date(Date.now() - 60_000).toISOString();
    const ends = new Date(Date.now() + 3_600_000).toISOString();
    const refused = await d.api("POST", `/orgs/${d.orgA}/maintenance-windows`, {
      as: d.users.member,
      body: { server_id: foreign, starts_at: starts, ends_at: ends },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.field).toBe("server_id");
    const backwards = await d.api("POST", `/orgs/${d.orgA}/maintenance-windows`, {
      as: d.users.member,
      body: { starts_at: ends, ends_at: starts },
    });
    expect(backwards.body.error.field).toBe("ends_at");
    const w = expectContract(
      await d.api("POST", `/orgs/${d.orgA}/maintenance-windows`, {
        as: d.users.member,
        body: { server_id: server, starts_at: starts, ends_at: ends, reason: "kernel update" },
      }),
      201,
      MaintenanceWindowItem,
    );
    expect(w).toMatchObject({
      server_id: server,
      active: true,
      reason: "kernel update",
      created_by: { id: d.users.member.id },
    });
    const ended = expectContract(
      await d.api("PATCH", `/orgs/${d.orgA}/maintenance-windows/${w.id}`, {
        as: d.users.member,
        body: { ends_at: new Date(Date.now() - 1_000).toISOString() },
      }),
      200,
      MaintenanceWindowItem,
    );
    expect(ended.active).toBe(false);
    const upcoming = expectContract(
      await d.api("GET", `/orgs/${d.orgA}/maintenance-windows`),
      200,
      MaintenanceWindowList,
    );
    expect(upcoming.maintenance_windows).toEqual([]);
    const past = expectContract(
      await d.api("GET", `/orgs/${d.orgA}/maintenance-windows?when=past`),
      200,
      MaintenanceWindowList,
    );
    expect(past.maintenance_windows.map((x) => x.id)).toEqual([w.id]);
    expect(
      (await d.api("DELETE", `/orgs/${d.orgA}/maintenance-windows/${w.id}`, { as: d.users.viewer })).status,
    ).toBe(403);
    expect(
      (await d.api("DELETE", `/orgs/${d.orgA}/maintenance-windows/${w.id}`, { as: d.users.member })).status,
    ).toBe(200);
  });
});
