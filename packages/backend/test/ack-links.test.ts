import { randomUUID } from "node:crypto";
import { signAgentAck } from "@custos/protocol";
import postgres from "postgres";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createApiKey,
  createApp,
  dispatchDue,
  runEscalations,
  runSweep,
  type SmtpTransport,
} from "../src/index.ts";
import { ackLinkBase } from "../src/links.ts";
import { setup } from "./harness.ts";
import { type Received, type Sink, startSink } from "./notify/helpers.ts";

/**
 * One-click acknowledge links, end to end: the sweep opens an incident, the dispatcher pages one
 * channel of each kind (loopback stand-ins for the webhook receiver, ntfy, Slack and Twilio, a
 * recording SMTP transport), and the link each page carries is followed through the app.
 */
const PUBLIC_URL = "https://custos.example.com";
const LINK_RE = /^https:\/\/custos\.example\.com\/functions\/v1\/api\/ack\/[0-9A-Za-z]{24}$/;
const KINDS = ["webhook", "ntfy", "slack", "sms", "email"] as const;
type Kind = (typeof KINDS)[number];

type H = Awaited<ReturnType<typeof setup>>;
type Mail = Parameters<SmtpTransport["send"]>[0];
let h: H;
let app: ReturnType<typeof createApp>;
let sinks: Record<Exclude<Kind, "email">, Sink>;
const mails: Mail[] = [];
let channels: Record<Kind, string>;

const twilio = (request: Received) => ({
  status: 201,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ sid: `SM${"0".repeat(32)}`, to: new URLSearchParams(request.body).get("To") }),
});

beforeAll(async () => {
  sinks = {
    webhook: await startSink(),
    ntfy: await startSink(),
    slack: await startSink(),
    sms: await startSink(twilio),
  };
});
afterAll(async () => {
  await Promise.all(Object.values(sinks).map((s) => s.close()));
});

beforeEach(async () => {
  const config = { dashboardUrl: PUBLIC_URL, retryBaseMs: 20, retryCapMs: 50 };
  h = await setup(config);
  app = createApp({
    sql: h.sql,
    config,
    notifierEnv: {
      timeoutMs: 5_000,
      twilioBaseUrl: sinks.sms.url,
      emailTransport: "smtp",
      smtp: { send: async (mail) => void mails.push(mail) },
    },
    // a warning here (an acknowledge link not made) is a failure these tests want to see
    log: { info() {}, warn: (m, d) => console.warn(m, d), error: (m, d) => console.error(m, d) },
  });
  for (const sink of Object.values(sinks)) sink.received.length = 0;
  mails.length = 0;
  await h.sql`insert into private.job_runs (job, last_run_at, resumed_at) values ('sweep', now(), now() - interval '1 day')`;
  await h.sql`update organizations set agent_dedup_seconds = 0`;
  channels = {
    webhook: await addChannel(
      "webhook",
      { url: `${sinks.webhook.url}/hook` },
      { signing_secret: "a-signing-secret-of-some-length" },
    ),
    ntfy: await addChannel("ntfy", { server: sinks.ntfy.url, topic: "oncall" }, {}),
    slack: await addChannel("slack", {}, { webhook_url: `${sinks.slack.url}/services/T/B/x` }),
    sms: await addChannel(
      "sms",
      { to: ["+14155550123"], from: "+14155550100" },
      { account_sid: `AC${"a1".repeat(16)}`, auth_token: "s3cr3tTwilioAuthToken0000000000" },
    ),
    email: await addChannel("email", { to: ["oncall@example.com"] }, {}),
  };
  await h.sql`insert into alert_rules (org_id, name, channel_ids) values (${h.orgId}, 'everything', ${Object.values(channels)})`;
});
afterEach(() => h.close());

async function addChannel(
  kind: Kind,
  config: Record<string, string | string[]>,
  secret: Record<string, string>,
) {
  const [row] = await h.sql`
    insert into channels (org_id, name, kind, config) values (${h.orgId}, ${`${kind} on call`}, ${kind}, ${h.sql.json(config)}) returning id`;
  await h.sql`insert into channel_secrets (channel_id, org_id, secret) values (${row?.id}, ${h.orgId}, ${h.sql.json(secret)})`;
  return row?.id as string;
}

/** A server silent past its timeout, swept and paged on every channel; its incident's id. */
async function pageDown(name = "web-1"): Promise<string> {
  const serverId = await h.register(name);
  await h.call("/heartbeat", { server_id: serverId, sent_at: new Date().toISOString() });
  await h.sql`update servers set last_heartbeat_at = now() - interval '300 seconds' where id = ${serverId}`;
  await runSweep({ ctx: app.ctx });
  await dispatchDue({ ctx: app.ctx });
  const [incident] = await h.sql<{ id: string }[]>`select id from incidents where server_id = ${serverId}`;
  return incident?.id as string;
}

/** The acknowledge link each channel's last message carried, read the way its recipient sees it. */
function lastLinks(): Record<Kind, string | undefined> {
  const last = (sink: Sink) => sink.received.at(-1);
  const webhook = last(sinks.webhook);
  const ntfy = last(sinks.ntfy)?.headers.actions as string | undefined;
  const slack = last(sinks.slack);
  const sms = new URLSearchParams(last(sinks.sms)?.body ?? "").get("Body") ?? "";
  const mail = mails.at(-1)?.text ?? "";
  return {
    webhook: webhook ? (JSON.parse(webhook.body).ack_url ?? undefined) : undefined,
    ntfy: /^http, Acknowledge, (\S+), method=POST/.exec(ntfy ?? "")?.[1],
    slack: slack
      ? JSON.parse(slack.body)
          .blocks.find((b: { type: string }) => b.type === "actions")
          ?.elements.find((e: { action_id: string }) => e.action_id === "custos_acknowledge")?.url
      : undefined,
    sms: /\nAck: (\S+)$/.exec(sms)?.[1],
    email: /\nAcknowledge \(stops escalation and reminders\): (\S+)/.exec(mail)?.[1],
  };
}

/** The app-relative path of an acknowledge link (the app is mounted under /functions/v1). */
const pathOf = (link: string) => link.slice(`${PUBLIC_URL}/functions/v1`.length);

async function follow(path: string, method: "GET" | "POST", headers: Record<string, string> = {}) {
  const response = await app.request(path, { method, headers });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

const incidentState = async (id: string) =>
  (await h.sql`select status::text, acknowledged_by, acknowledged_via from incidents where id = ${id}`)[0];

describe("acknowledge links in notifications", () => {
  it("puts a separate acknowledge link into the down page of every channel kind", async () => {
    await pageDown();
    const links = lastLinks();
    for (const kind of KINDS) expect(links[kind], kind).toMatch(LINK_RE);
    expect(new Set(Object.values(links)).size).toBe(KINDS.length);
    // the outbox keeps the words for the dashboard, not the credential
    const payloads = await h.sql`select payload::text as p from notification_outbox`;
    for (const { p } of payloads) expect(p).not.toMatch(/\/ack\//);
    // a token is stored only as its hash
    const stored =
      await h.sql`select encode(token_hash, 'hex') as hash, channel_kind::text from private.ack_links`;
    expect(stored.map((s) => s.channel_kind).sort()).toEqual([...KINDS].sort());
    for (const link of Object.values(links)) {
      expect(stored.some((s) => link?.endsWith(s.hash))).toBe(false);
    }
  });

  it.each(KINDS)(
    "acknowledges the incident when the %s page's link is opened and confirmed, and nothing escalates or repeats after",
    async (kind) => {
      await h.sql`update alert_rules set escalate_after_minutes = 5, escalation_channel_ids = ${[channels.webhook]},
                  repeat_mode = 'repeat', repeat_every_minutes = 1`;
      const incidentId = await pageDown();
      const link = lastLinks()[kind] as string;

      const shown = await follow(pathOf(link), "GET");
      expect(shown.status).toBe(200);
      expect(shown.headers.get("content-type")).toMatch(/^text\/html/);
      expect(shown.body).toContain("web-1 stopped sending heartbeats");
      expect(shown.body).toMatch(/<form method="post"><button type="submit">Acknowledge<\/button><\/form>/);
      // opening the page (or a link preview fetching it) acknowledges nothing
      expect((await incidentState(incidentId))?.status).toBe("open");

      const done = await follow(pathOf(link), "POST");
      expect(done.status).toBe(200);
      expect(done.body).toMatch(/Acknowledged by link at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
      expect(await incidentState(incidentId)).toEqual({
        status: "acknowledged",
        acknowledged_by: null,
        acknowledged_via: `link in ${kind} notification`,
      });

      // ten minutes on, past the escalation and ten repeat intervals: nothing is queued or sent
      const sentBefore = Object.values(sinks).reduce((n, s) => n + s.received.length, 0) + mails.length;
      await h.sql`update incidents set opened_at = now() - interval '10 minutes'`;
      expect(await runEscalations({ ctx: app.ctx })).toEqual({ queued: 0 });
      await dispatchDue({ ctx: app.ctx });
      const [queued] =
        await h.sql`select count(*)::int as n from notification_outbox where event in ('escalation', 'repeat')`;
      expect(queued?.n).toBe(0);
      expect(Object.values(sinks).reduce((n, s) => n + s.received.length, 0) + mails.length).toBe(sentBefore);
    },
  );

  it("acknowledges from ntfy's action button in one tap, answering JSON", async () => {
    const incidentId = await pageDown();
    const action = sinks.ntfy.received.at(-1)?.headers.actions;
    expect(action).toMatch(
      /^http, Acknowledge, https:\/\/\S+, method=POST, headers\.Accept=application\/json, clear=true$/,
    );
    const answer = await follow(pathOf(lastLinks().ntfy as string), "POST", { accept: "application/json" });
    expect(answer.status).toBe(200);
    const body = JSON.parse(answer.body);
    expect(body).toMatchObject({
      outcome: "acknowledged",
      incident: { id: incidentId, title: "web-1 stopped sending heartbeats" },
      via: "link in ntfy notification",
    });
    expect(Date.parse(body.acknowledged_at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it("gives repeats a fresh link of their own and puts none on restored pages", async () => {
    await h.sql`update alert_rules set repeat_mode = 'repeat', repeat_every_minutes = 1`;
    const incidentId = await pageDown();
    const down = lastLinks().webhook;
    await h.sql`update incidents set opened_at = now() - interval '65 seconds'`;
    await runEscalations({ ctx: app.ctx });
    await dispatchDue({ ctx: app.ctx });
    const repeat = JSON.parse(sinks.webhook.received.at(-1)?.body ?? "{}");
    expect(repeat.event).toBe("repeat");
    expect(repeat.ack_url).toMatch(LINK_RE);
    expect(repeat.ack_url).not.toBe(down);

    // the server comes back: the restored pages carry no link on any channel
    const [server] = await h.sql`select server_id from incidents where id = ${incidentId}`;
    await h.call("/heartbeat", { server_id: server?.server_id, sent_at: new Date().toISOString() });
    await dispatchDue({ ctx: app.ctx });
    const restored = JSON.parse(sinks.webhook.received.at(-1)?.body ?? "{}");
    expect(restored.event).toBe("restored");
    expect(restored.ack_url).toBeNull();
    expect(lastLinks()).toEqual({
      webhook: undefined,
      ntfy: undefined,
      slack: undefined,
      sms: undefined,
      email: undefined,
    });
  });

  it("keeps the SMS within its length with the link whole, however long the incident's title", async () => {
    const serverId = await h.register("web-1");
    await h.call("/heartbeat", { server_id: serverId, sent_at: new Date().toISOString() });
    await h.sql`update servers set last_heartbeat_at = now() - interval '300 seconds' where id = ${serverId}`;
    await runSweep({ ctx: app.ctx });
    // the message is built when it is sent, from the incident as it is then
    await h.sql`update incidents set title = ${"a-very-long-service-name ".repeat(20)}`;
    await dispatchDue({ ctx: app.ctx });
    const body = new URLSearchParams(sinks.sms.received.at(-1)?.body ?? "").get("Body") ?? "";
    expect(lastLinks().sms).toMatch(LINK_RE);
    expect(body.length).toBeLessThanOrEqual(320);
    expect(body).toMatch(/…\nhttps?:\/\/\S+\nAck: /);
  });
});

describe("acknowledge route against hostile and stale links", () => {
  const refused = async (path: string, method: "GET" | "POST" = "POST") => {
    const answer = await follow(path, method);
    expect(answer.status, `${method} ${path.slice(0, 80)}`).toBeGreaterThanOrEqual(400);
    expect(answer.status, `${method} ${path.slice(0, 80)}`).toBeLessThan(500);
    return answer;
  };

  it("answers 404 with a page, never 5xx, for empty, huge, NUL-laden, malformed and unknown tokens", async () => {
    const incidentId = await pageDown();
    const valid = pathOf(lastLinks().sms as string);
    const token = valid.slice(-24);
    const hostile = [
      "/api/ack",
      "/api/ack/",
      `/api/ack/${"A".repeat(100_000)}`,
      `/api/ack/${token.slice(0, 23)}%00`,
      `/api/ack/%00${token.slice(1)}`,
      `/api/ack/${token}%00`,
      `/api/ack/${token.slice(0, 23)}`,
      `/api/ack/${token}x`,
      `/api/ack/${token.slice(0, 23)}%C3%A9`,
      `/api/ack/${token.slice(0, 12)}%2F${token.slice(12)}`,
      `/api/ack/${token.slice(0, 12)}/${token.slice(12)}`,
      `/api/ack/${"0".repeat(24)}`,
      `/api/ack/..%2F..%2Fv1%2Fme`,
      `/api/ack/${token.toUpperCase() === token ? token.toLowerCase() : token.toUpperCase()}`,
    ];
    for (const path of hostile) {
      for (const method of ["GET", "POST"] as const) {
        const answer = await refused(path, method);
        expect(answer.status).toBe(404);
      }
    }
    const page = await follow(`/api/ack/${"0".repeat(24)}`, "GET");
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.body).toContain("This acknowledge link is not valid");
    const json = await follow(`/api/ack/${"0".repeat(24)}`, "POST", { accept: "application/json" });
    expect(JSON.parse(json.body)).toMatchObject({ outcome: "invalid" });
    expect((await incidentState(incidentId))?.status).toBe("open");
  });

  it("answers 4xx, never 5xx, to 400 random byte strings as tokens with any method, acknowledging nothing", async () => {
    const incidentId = await pageDown();
    // a fixed seed: a failure names the same input on every run
    let seed = 13;
    const next = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed;
    };
    const methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"];
    for (let i = 0; i < 400; i++) {
      const bytes = Array.from({ length: next() % 64 }, () => next() % 256);
      const token = bytes.map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
      const method = methods[next() % methods.length] as string;
      const response = await app.request(`/api/ack/${token}`, {
        method,
        headers: { accept: i % 2 ? "application/json" : "text/html" },
      });
      expect(response.status, `${method} /api/ack/${token}`).toBeGreaterThanOrEqual(400);
      expect(response.status, `${method} /api/ack/${token}`).toBeLessThan(500);
    }
    expect((await incidentState(incidentId))?.status).toBe("open");
  });

  it("answers 503 'try again' when the database is unreachable, and never logs the token", async () => {
    await pageDown();
    const path = pathOf(lastLinks().sms as string);
    const token = path.slice(-24);
    const logged: string[] = [];
    const record = (message: string, data?: Record<string, unknown>) =>
      void logged.push(JSON.stringify({ message, data }));
    // a pool pointing at a port where nothing listens: every query fails
    const gone = postgres("postgres://custos@127.0.0.1:1/none", {
      max: 1,
      connect_timeout: 2,
      onnotice: () => undefined,
    });
    const broken = createApp({
      sql: gone,
      config: { dashboardUrl: PUBLIC_URL },
      log: { info: record, warn: record, error: record },
    });
    try {
      for (const method of ["GET", "POST"]) {
        const answer = await broken.request(path, { method });
        expect(answer.status).toBe(503);
        expect(await answer.text()).toContain("Nothing was changed; try again in a minute.");
      }
    } finally {
      await gone.end();
    }
    expect(logged.length).toBeGreaterThan(0);
    for (const line of logged) expect(line).not.toContain(token);
  });

  it("acknowledges only the incident a link was made for", async () => {
    const first = await pageDown("web-1");
    const second = await pageDown("web-2");
    const secondLink = lastLinks().webhook as string;
    expect((await follow(pathOf(secondLink), "POST")).status).toBe(200);
    expect((await incidentState(second))?.status).toBe("acknowledged");
    expect((await incidentState(first))?.status).toBe("open");
  });

  it("answers 410 for an expired link and acknowledges nothing", async () => {
    const incidentId = await pageDown();
    const link = lastLinks().email as string;
    await h.sql`update private.ack_links set created_at = now() - interval '25 hours', expires_at = now() - interval '1 hour'`;
    const shown = await refused(pathOf(link), "GET");
    expect(shown.status).toBe(410);
    expect(shown.body).toContain("Link expired");
    expect((await refused(pathOf(link))).status).toBe(410);
    expect((await incidentState(incidentId))?.status).toBe("open");
  });

  it("answers 409 to a link followed again after the acknowledgement, and after the incident resolved", async () => {
    const incidentId = await pageDown();
    const links = lastLinks();
    expect((await follow(pathOf(links.slack as string), "POST")).status).toBe(200);
    const again = await refused(pathOf(links.slack as string));
    expect(again.status).toBe(409);
    expect(again.body).toMatch(/already acknowledged at \d{4}-/);
    // another channel's link for the same incident says the same
    expect((await refused(pathOf(links.sms as string), "GET")).status).toBe(409);

    const [server] = await h.sql`select server_id from incidents where id = ${incidentId}`;
    await h.call("/heartbeat", { server_id: server?.server_id, sent_at: new Date().toISOString() });
    expect((await incidentState(incidentId))?.status).toBe("resolved");
    const replay = await refused(pathOf(links.slack as string));
    expect(replay.status).toBe(409);
    expect(replay.body).toContain("This incident is resolved");
  });

  it("answers a resolved incident's unused link with 409 and leaves it resolved", async () => {
    const incidentId = await pageDown();
    const link = lastLinks().ntfy as string;
    const [server] = await h.sql`select server_id from incidents where id = ${incidentId}`;
    await h.call("/heartbeat", { server_id: server?.server_id, sent_at: new Date().toISOString() });
    expect((await refused(pathOf(link))).status).toBe(409);
    expect(await incidentState(incidentId)).toMatchObject({ status: "resolved", acknowledged_via: null });
  });

  it("acknowledges once when the same link is confirmed twice at the same moment", async () => {
    await pageDown();
    const path = pathOf(lastLinks().webhook as string);
    const others = Array.from({ length: 3 }, () =>
      createApp({ sql: postgres(h.url, { max: 1, onnotice: () => undefined }) }),
    );
    try {
      const answers = await Promise.all(
        [app, ...others].map(async (a) => (await a.request(path, { method: "POST" })).status),
      );
      expect(answers.sort()).toEqual([200, 409, 409, 409]);
    } finally {
      await Promise.all(others.map((o) => o.ctx.sql.end()));
    }
  });

  it("serves the page so it cannot be framed, cached or leak its URL as a referrer", async () => {
    await pageDown();
    const shown = await follow(pathOf(lastLinks().webhook as string), "GET");
    expect(shown.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(shown.headers.get("cache-control")).toBe("no-store");
    expect(shown.headers.get("referrer-policy")).toBe("no-referrer");
  });
});

describe("acknowledge links the agent signs for its own pages", () => {
  const MONITOR = "http:api";
  const DOWN_SINCE = Date.now() - 60_000;

  /** An agent check failing since DOWN_SINCE, reported to the backend: its incident's id. */
  async function agentCheckDown(name = "web-1"): Promise<{ serverId: string; incidentId: string }> {
    const serverId = await h.register(name);
    await h.call("/checks", {
      server_id: serverId,
      batch_id: randomUUID(),
      results: [0, 1, 2].map((i) => ({
        monitor: MONITOR,
        status: "down",
        ts: new Date(DOWN_SINCE + i * 5_000).toISOString(),
      })),
    });
    const [incident] = await h.sql<{ id: string }[]>`
      select id from incidents where server_id = ${serverId} and kind = 'agent_check'`;
    expect(incident, "the checks opened an incident").toBeDefined();
    return { serverId, incidentId: incident?.id as string };
  }

  const agentLink = async (
    serverId: string,
    claim: Partial<Parameters<typeof signAgentAck>[1]> = {},
    key: string = h.key,
  ) =>
    `/api/ack/${await signAgentAck(key, {
      serverId,
      monitor: MONITOR,
      startedAt: DOWN_SINCE,
      expiresAt: Date.now() + 86_400_000,
      channel: "ntfy",
      ...claim,
    })}`;

  it("tells an agent that asks where its links point: the API under the public URL, and nothing unasked", async () => {
    const serverId = await h.register("web-1");
    const beat = (extra: Record<string, unknown>) =>
      app.request("/api/agent/heartbeat", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${h.key}` },
        body: JSON.stringify({ server_id: serverId, sent_at: new Date().toISOString(), ...extra }),
      });
    const asked = await beat({ want_links: true });
    expect(asked.status).toBe(200);
    expect((await asked.json()).ack_link_base).toBe(`${PUBLIC_URL}/functions/v1/api/ack/`);
    const unasked = await (await beat({})).json();
    expect(unasked.ok).toBe(true);
    expect(unasked).not.toHaveProperty("ack_link_base");
    for (const wrong of [false, "yes", 1, null]) {
      const refused = await beat({ want_links: wrong });
      expect(refused.status, JSON.stringify(wrong)).toBe(400);
      expect(JSON.stringify(await refused.json())).toContain("want_links");
    }
  });

  it("acknowledges the incident the agent paged for, recording the agent's channel, once", async () => {
    const { serverId, incidentId } = await agentCheckDown();
    const link = await agentLink(serverId);
    const view = await follow(link, "GET");
    expect(view.status).toBe(200);
    expect(view.body).toContain("Acknowledge this incident?");
    expect((await incidentState(incidentId))?.status).toBe("open");
    const done = await follow(link, "POST", { accept: "application/json" });
    expect(done.status).toBe(200);
    expect(JSON.parse(done.body)).toMatchObject({ outcome: "acknowledged", incident: { id: incidentId } });
    expect(await incidentState(incidentId)).toMatchObject({
      status: "acknowledged",
      acknowledged_via: "link in ntfy notification from the agent",
    });
    expect((await follow(link, "POST")).status).toBe(409);
  });

  it("finds the incident from a start a little after the backend's (the agent counted from a later check)", async () => {
    const { serverId, incidentId } = await agentCheckDown();
    const done = await follow(await agentLink(serverId, { startedAt: DOWN_SINCE + 5_000 }), "POST");
    expect(done.status).toBe(200);
    expect((await incidentState(incidentId))?.status).toBe("acknowledged");
  });

  it("says 'not received yet' (404) while the backend has no such incident, and acknowledges once it arrives", async () => {
    const serverId = await h.register("web-1");
    const link = await agentLink(serverId);
    const early = await follow(link, "POST", { accept: "application/json" });
    expect(early.status).toBe(404);
    expect(JSON.parse(early.body)).toMatchObject({ outcome: "not_received" });
    expect((await follow(link, "GET")).body).toContain("has not received it yet");
    const { incidentId } = await agentCheckDown("web-1");
    expect((await follow(link, "POST")).status).toBe(200);
    expect((await incidentState(incidentId))?.status).toBe("acknowledged");
  });

  it("refuses forged, revoked, foreign, expired and wrong-monitor links, acknowledging nothing", async () => {
    const { serverId, incidentId } = await agentCheckDown();
    const other = await setup();
    try {
      const [foreignServer] = await other.sql<{ id: string }[]>`select gen_random_uuid() as id`;
      const valid = await agentLink(serverId);
      const [version, claim, signature] = valid.slice("/api/ack/".length).split(".") as [
        string,
        string,
        string,
      ];
      const flipped = signature.startsWith("A") ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
      // another org's key signs a claim about this org's server
      expect((await follow(await agentLink(serverId, {}, other.key), "POST")).status).toBe(404);
      expect((await follow(`/api/ack/${version}.${claim}.${flipped}`, "POST")).status).toBe(404);
      expect((await follow(await agentLink(foreignServer?.id as string), "POST")).status).toBe(404);
      expect((await follow(await agentLink("not-a-uuid"), "POST")).status).toBe(404);
      const gone = await follow(await agentLink(serverId, { expiresAt: Date.now() - 1_000 }), "POST");
      expect(gone.status).toBe(410);
      const wrongMonitor = await follow(await agentLink(serverId, { monitor: "http:other" }), "POST", {
        accept: "application/json",
      });
      expect(JSON.parse(wrongMonitor.body)).toMatchObject({ outcome: "not_received" });
      expect((await incidentState(incidentId))?.status).toBe("open");
      await h.sql`update api_keys set revoked_at = now()`;
      expect((await follow(valid, "POST")).status).toBe(404);
      expect((await incidentState(incidentId))?.status).toBe("open");
    } finally {
      await other.close();
    }
  });
  it("takes a server's own key's link only for that server's incident", async () => {
    const { serverId: fleetServer, incidentId: fleetIncident } = await agentCheckDown("fleet-1");
    const own = await createApiKey({ ctx: { sql: h.sql }, input: { org_id: h.orgId, scope: "agent" } });
    await h.sql`update api_keys set max_servers = 1 where id = ${own.id}`;
    const registered = await h.call(
      "/register",
      { hostname: "own-1", server_name: "own-1", agent_version: "1", os: "linux", arch: "x64" },
      { key: own.key },
    );
    expect(registered.status).toBe(200);
    const stolen = await follow(await agentLink(fleetServer, {}, own.key), "POST", {
      accept: "application/json",
    });
    expect(JSON.parse(stolen.body)).toMatchObject({ outcome: "not_received" });
    expect((await incidentState(fleetIncident))?.status).toBe("open");
    await h.call(
      "/checks",
      {
        server_id: registered.body.server_id,
        batch_id: randomUUID(),
        results: [0, 1, 2].map((i) => ({
          monitor: MONITOR,
          status: "down",
          ts: new Date(DOWN_SINCE + i * 5_000).toISOString(),
        })),
      },
      { key: own.key },
    );
    const [ownIncident] = await h.sql<{ id: string }[]>`
      select id from incidents where server_id = ${registered.body.server_id} and kind = 'agent_check'`;
    expect((await follow(await agentLink(registered.body.server_id, {}, own.key), "POST")).status).toBe(200);
    expect((await incidentState(ownIncident?.id as string))?.status).toBe("acknowledged");
  });
});

describe("acknowledge links in the cloud (API and dashboard on different origins)", () => {
  it("sends a person's GET on to the dashboard's page, which reads JSON and confirms across origins", async () => {
    const cloud = createApp({
      sql: h.sql,
      config: { agentUrl: "https://proj.supabase.co", dashboardUrl: "https://app.example.com" },
      notifierEnv: { timeoutMs: 5_000 },
    });
    const serverId = await h.register("web-9");
    await h.call("/heartbeat", { server_id: serverId, sent_at: new Date().toISOString() });
    await h.sql`update servers set last_heartbeat_at = now() - interval '300 seconds' where id = ${serverId}`;
    await runSweep({ ctx: cloud.ctx });
    await dispatchDue({ ctx: cloud.ctx });
    const link = JSON.parse(sinks.webhook.received.at(-1)?.body ?? "{}").ack_url as string;
    const match = /^https:\/\/proj\.supabase\.co\/functions\/v1(\/api\/ack\/([0-9A-Za-z]{24}))$/.exec(link);
    expect(match).not.toBeNull();
    const [, path, token] = match as RegExpExecArray;

    // Supabase would turn an HTML answer to a GET into plain text: the browser goes to the dashboard
    const shown = await cloud.request(path as string, { method: "GET" });
    expect(shown.status).toBe(303);
    expect(shown.headers.get("location")).toBe(`https://app.example.com/ack#${token}`);

    const origin = { origin: "https://app.example.com", accept: "application/json" };
    const view = await cloud.request(path as string, { method: "GET", headers: origin });
    expect(view.status).toBe(200);
    expect(view.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(await view.json()).toMatchObject({
      outcome: "ready",
      incident: { title: "web-9 stopped sending heartbeats" },
    });

    const done = await cloud.request(path as string, { method: "POST", headers: origin });
    expect(done.status).toBe(200);
    expect(done.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(await done.json()).toMatchObject({ outcome: "acknowledged", via: "link in webhook notification" });

    // a malformed token is not sent anywhere: it is refused here
    expect((await cloud.request("/api/ack/%00", { method: "GET" })).status).toBe(404);
  });
});

describe("acknowledge link base", () => {
  it("uses the API's origin: the agents' URL in the cloud, else the dashboard's, and none when neither is known", () => {
    expect(ackLinkBase({ agentUrl: "https://p.supabase.co/", dashboardUrl: "https://app.example" })).toBe(
      "https://p.supabase.co/functions/v1/api/ack/",
    );
    expect(ackLinkBase({ fallbackDashboardUrl: "http://10.0.0.1:8080" })).toBe(
      "http://10.0.0.1:8080/functions/v1/api/ack/",
    );
    expect(ackLinkBase({})).toBeUndefined();
  });
});
