/**
 * Local alerts delivered for real: SMTP to an smtp-server on loopback, Slack / webhook / ntfy to
 * HTTP sinks on loopback. Deliveries that fail are retried and arrive once the sink is back.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LocalAlertChannel, parseAgentAck } from "@custos/protocol";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { agentAckLinks } from "../src/alerts/ack-link.ts";
import { createChannels } from "../src/alerts/channels/index.ts";
import { AlertDispatcher } from "../src/alerts/dispatcher.ts";
import { AlertEngine } from "../src/alerts/engine.ts";
import { DEFAULT_ALERT_POLICY } from "../src/alerts/state-machine.ts";
import { silentLogger } from "../src/log.ts";
import { COVERED, SUPERSEDED } from "../src/store/alerts.ts";
import { KV } from "../src/store/kv.ts";
import { openStore, type Store } from "../src/store/store.ts";
import { waitFor } from "./helpers/agent-files.ts";
import { type HttpSink, type SmtpSink, startHttpSink, startSmtpSink } from "./helpers/sinks.ts";

let smtp: SmtpSink;
let http: HttpSink;
const dir = mkdtempSync(join(tmpdir(), "custos-alerts-"));
let running: { store: Store; dispatcher: AlertDispatcher } | undefined;

beforeAll(async () => {
  smtp = await startSmtpSink();
  http = await startHttpSink();
});
afterAll(async () => {
  await smtp.stop();
  await http.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await running?.dispatcher.stop();
  running?.store.close();
  running = undefined;
  smtp.mails.length = 0;
  http.requests.length = 0;
  http.status = 200;
  http.hang = false;
});

function channelsConfig(): LocalAlertChannel[] {
  return [
    {
      type: "email",
      host: "127.0.0.1",
      port: smtp.port,
      secure: false,
      from: "custos@example.test",
      to: ["ops@example.test"],
    },
    { type: "slack", webhook_url: `${http.url}/slack/T000/B000/secret` },
    { type: "webhook", url: `${http.url}/hook`, headers: { "x-hook-token": "t1" } },
    { type: "ntfy", server: http.url, topic: "custos-alerts", token: "tk_ntfy" },
  ];
}

const SERVER_ID = "7f9c0a6e-0000-4000-8000-000000000001";
const API_KEY = "cus_AbCdEfGh0123456789abcdefghijABCDEFGHIJ01";

function setup(name: string, deliveryTimeoutMs = 5_000, options: { ackLinks?: boolean } = {}) {
  const store = openStore(join(dir, `${name}.db`));
  const channels = createChannels(channelsConfig());
  const ackLink = options.ackLinks
    ? agentAckLinks({ store, apiKey: API_KEY, backendUrl: "http://127.0.0.1:1", serverId: () => SERVER_ID })
    : undefined;
  const dispatcher = new AlertDispatcher({
    ...(ackLink ? { ackLink } : {}),
    store,
    channels,
    serverName: "web-1",
    serverId: () => "7f9c0a6e-0000-4000-8000-000000000001",
    log: silentLogger,
    backoff: { baseMs: 50, capMs: 200 },
    deliveryTimeoutMs,
    idleMs: 100,
  });
  const engine = new AlertEngine({
    store,
    serverName: "web-1",
    serverId: () => "7f9c0a6e-0000-4000-8000-000000000001",
    policy: DEFAULT_ALERT_POLICY,
    channels: channels.map((c) => ({ key: c.key, type: c.type })),
    log: silentLogger,
    onAlert: () => dispatcher.wake(),
  });
  running = { store, dispatcher };
  dispatcher.start();
  const check = (status: "ok" | "down", ts: number) =>
    store.transaction(() =>
      engine.observe({
        monitor: "http:api",
        parent: "http:api",
        type: "http",
        status,
        ts,
        message: status === "down" ? "HTTP 503" : "HTTP 200",
      }),
    );
  const reports = () => {
    const batch = store.outbox.nextBatch("alerts", Date.now());
    return (batch?.payloads ?? []).map(
      (p) =>
        JSON.parse(p) as { state: string; channels: string[]; destinations: string[]; incident_key: string },
    );
  };
  return { store, check, reports, dispatcher, channels };
}

describe("direct alerts", () => {
  it("puts an acknowledge link signed for each channel into DOWN on every channel, and none into RESTORED", async () => {
    const { check, store } = setup("ack", 5_000, { ackLinks: true });
    const base = "https://custos.example.com/functions/v1/api/ack/";
    store.kv.set(KV.ackLinkBase, base);
    const started = Date.UTC(2026, 4, 1, 10, 0, 0);
    check("down", started);
    check("down", started + 10_000);
    await waitFor(() => smtp.mails.length === 1 && http.requests.length === 3, 15_000, "four deliveries");
    const link =
      /https:\/\/custos\.example\.com\/functions\/v1\/api\/ack\/(a1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)/;
    const channelOf = (text: string | undefined) => {
      const token = link.exec(text ?? "")?.[1];
      return token ? parseAgentAck(token)?.claim.channel : undefined;
    };
    // the mail's text part may be folded (quoted-printable): unfold it before reading the link
    const mailText = (smtp.mails[0]?.raw ?? "").replace(/=\r?\n/g, "").replace(/=3D/g, "=");
    expect(channelOf(mailText)).toBe("email");
    const body = (path: string) => http.requests.find((r) => r.path === path);
    expect(channelOf(JSON.parse(body("/slack/T000/B000/secret")?.body ?? "{}").text)).toBe("slack");
    const hook = JSON.parse(body("/hook")?.body ?? "{}");
    expect(hook.ack_url.startsWith(base)).toBe(true);
    expect(channelOf(hook.ack_url)).toBe("webhook");
    const actions = String(body("/custos-alerts")?.headers.actions);
    expect(actions).toMatch(
      /^http, Acknowledge, https:\/\/custos\.example\.com\/\S+, method=POST, headers\.Accept=application\/json, clear=true$/,
    );
    expect(channelOf(actions)).toBe("ntfy");
    expect(parseAgentAck(link.exec(actions)?.[1] ?? "")?.claim).toMatchObject({
      serverId: SERVER_ID,
      monitor: "http:api",
      startedAt: started,
    });

    http.requests.length = 0;
    check("ok", started + 20_000);
    check("ok", started + 30_000);
    await waitFor(
      () => http.requests.length === 3 && smtp.mails.length === 2,
      15_000,
      "four RESTORED deliveries",
    );
    expect(smtp.mails[1]?.raw).not.toContain("/api/ack/");
    for (const request of http.requests) {
      expect(request.body).not.toContain("/api/ack/");
      expect(request.headers.actions).toBeUndefined();
    }
    expect(JSON.parse(body("/hook")?.body ?? "{}").ack_url).toBeNull();
  });

  it("delivers DOWN to SMTP, Slack, a webhook and ntfy, and reports it to the backend with those channels", async () => {
    const { check, reports } = setup("all");
    const started = Date.UTC(2026, 4, 1, 10, 0, 0);
    check("down", started);
    check("down", started + 10_000);
    await waitFor(() => smtp.mails.length === 1 && http.requests.length === 3, 15_000, "four deliveries");

    const mail = smtp.mails[0];
    expect(mail?.to).toEqual(["ops@example.test"]);
    expect(mail?.raw).toContain("Subject: DOWN: http:api on web-1");
    expect(mail?.raw).toMatch(
      /X-Custos-Incident:\s+7f9c0a6e-0000-4000-8000-000000000001:http:api:2026-05-01T10:00:00\.000Z/,
    );

    const slack = http.requests.find((r) => r.path === "/slack/T000/B000/secret");
    expect(JSON.parse(slack?.body ?? "{}").text).toMatch(
      /^\*DOWN: http:api on web-1\*\nhttp:api on web-1 is down since 2026-05-01T10:00:00.000Z/,
    );

    const hook = http.requests.find((r) => r.path === "/hook");
    expect(hook?.headers["x-hook-token"]).toBe("t1");
    expect(JSON.parse(hook?.body ?? "{}")).toMatchObject({
      incident_key: "7f9c0a6e-0000-4000-8000-000000000001:http:api:2026-05-01T10:00:00.000Z",
      monitor: "http:api",
      event: "down",
      started_at: "2026-05-01T10:00:00.000Z",
      duration: null,
      server: { name: "web-1" },
    });

    const ntfy = http.requests.find((r) => r.path === "/custos-alerts");
    expect(ntfy?.headers).toMatchObject({
      title: "DOWN: http:api on web-1",
      priority: "high",
      tags: "rotating_light",
      authorization: "Bearer tk_ntfy",
    });
    expect(ntfy?.body).toContain("HTTP 503");

    await waitFor(() => reports().length > 0, 5_000, "alert report queued");
    const [report] = reports();
    expect(report?.state).toBe("down");
    expect([...(report?.channels ?? [])].sort()).toEqual(["email", "ntfy", "slack", "webhook"]);
  });

  it("sends RESTORED with the outage duration after DOWN, on every channel", async () => {
    const { check } = setup("restored");
    const started = Date.UTC(2026, 4, 1, 10, 0, 0);
    check("down", started);
    check("down", started + 10_000);
    check("ok", started + 192_000);
    // restored after the second success in a row (the backend's rule), dated from the first
    check("ok", started + 202_000);
    await waitFor(() => smtp.mails.length === 2 && http.requests.length === 6, 15_000, "eight deliveries");
    expect(smtp.mails[1]?.raw).toContain("Subject: RESTORED: http:api on web-1");
    expect(smtp.mails[1]?.raw).toContain("restored after 3m 12s");
    const hooks = http.requests.filter((r) => r.path === "/hook").map((r) => JSON.parse(r.body));
    expect(hooks.map((h) => h.event)).toEqual(["down", "restored"]);
    expect(hooks[1]).toMatchObject({ duration: "3m 12s", duration_seconds: 192 });
  });

  it("retries a failed delivery with backoff and delivers it once the sink is back", async () => {
    http.status = 503;
    await smtp.stop();
    const { store, check, reports } = setup("retry");
    check("down", 1_000);
    check("down", 2_000);
    await waitFor(
      () => store.alerts.recent(1)[0]?.deliveries.every((d) => d.attempts >= 3 && d.status === "pending"),
      15_000,
      "three failed attempts per channel",
    );
    expect(smtp.mails).toHaveLength(0);
    const errors = store.alerts.recent(1)[0]?.deliveries.map((d) => d.lastError);
    expect(errors).toContain("HTTP 503: broken");

    http.status = 200;
    await smtp.start();
    await waitFor(
      () => store.alerts.recent(1)[0]?.deliveries.every((d) => d.status === "delivered"),
      15_000,
      "delivered",
    );
    expect(smtp.mails).toHaveLength(1);
    expect(http.requests.filter((r) => r.path === "/hook" && r.status === 200)).toHaveLength(1);
    await waitFor(() => reports().length > 0, 5_000, "report");
    expect(
      reports()
        .flatMap((r) => r.channels)
        .sort(),
    ).toEqual(["email", "ntfy", "slack", "webhook"]);
    // and where they went, as the keys the backend compares with its own channels'
    const expected = createChannels(channelsConfig()).flatMap((c) => c.destinations);
    expect(expected).toHaveLength(4);
    expect(
      reports()
        .flatMap((r) => r.destinations)
        .sort(),
    ).toEqual(expected.sort());
  });

  it("sends one RESTORED instead of a late DOWN and a RESTORED when the incident ended while the channels were failing", async () => {
    http.status = 503;
    await smtp.stop();
    const { store, check } = setup("superseded");
    const started = Date.UTC(2026, 4, 1, 10, 0, 0);
    check("down", started);
    check("down", started + 10_000);
    await waitFor(
      () => store.alerts.recent(1)[0]?.deliveries.every((d) => d.attempts >= 2),
      15_000,
      "two failed attempts per channel",
    );
    // the target recovers while every channel is still failing
    check("ok", started + 240_000);
    check("ok", started + 250_000);
    const [restored, down] = store.alerts.recent(2);
    expect(down?.deliveries.map((d) => [d.status, d.lastError])).toEqual(
      Array(4).fill(["failed", SUPERSEDED]),
    );

    http.status = 200;
    await smtp.start();
    await waitFor(
      () => store.alerts.recent(1)[0]?.deliveries.every((d) => d.status === "delivered"),
      15_000,
      "the RESTORED delivered",
    );
    expect(restored?.state).toBe("restored");
    expect(smtp.mails.map((m) => /Subject: (\w+)/.exec(m.raw)?.[1])).toEqual(["RESTORED"]);
    const hooks = http.requests
      .filter((r) => r.path === "/hook" && r.status === 200)
      .map((r) => JSON.parse(r.body));
    expect(hooks.map((h) => h.event)).toEqual(["restored"]);
    expect(hooks[0]?.text).toContain("restored after 4m (down since 2026-05-01T10:00:00.000Z)");
  });

  it("does not page late the destinations the backend paged for the same incident while the channels failed, and still pages the others", async () => {
    http.status = 503;
    await smtp.stop();
    const { store, check, dispatcher, channels } = setup("covered");
    const started = Date.UTC(2026, 4, 1, 10, 0, 0);
    check("down", started);
    check("down", started + 10_000);
    await waitFor(
      () => store.alerts.recent(1)[0]?.deliveries.every((d) => d.attempts >= 1),
      15_000,
      "a failed attempt per channel",
    );
    // what the next heartbeat asks
    expect(dispatcher.awaitingPages()).toEqual([
      { monitor: "http:api", started_at: "2026-05-01T10:00:00.000Z", state: "down" },
    ]);
    const keysOf = (type: string) => channels.find((c) => c.type === type)?.destinations ?? [];
    // the backend's answer: it paged the webhook URL and the email address (and a destination
    // this agent does not know); a page of another incident of the monitor covers nothing
    const reached = [...keysOf("webhook"), ...keysOf("email"), "0123456789abcdef0123456789abcdef"];
    expect(
      dispatcher.learnBackendPages([
        { monitor: "http:api", started_at: "2026-05-01T09:00:00.000Z", state: "down", destinations: reached },
        {
          monitor: "http:api",
          started_at: "2026-05-01T10:00:00.000Z",
          state: "restored",
          destinations: reached,
        },
      ]),
    ).toBe(0);
    expect(
      dispatcher.learnBackendPages([
        { monitor: "http:api", started_at: "2026-05-01T10:00:00.000Z", state: "down", destinations: reached },
      ]),
    ).toBe(2);

    http.status = 200;
    await smtp.start();
    await waitFor(
      () => store.alerts.recent(1)[0]?.deliveries.every((d) => d.status !== "pending"),
      15_000,
      "every delivery settled",
    );
    const states = Object.fromEntries(
      (store.alerts.recent(1)[0]?.deliveries ?? []).map((d) => [d.channelType, [d.status, d.lastError]]),
    );
    expect(states).toEqual({
      email: ["covered", COVERED],
      webhook: ["covered", COVERED],
      slack: ["delivered", null],
      ntfy: ["delivered", null],
    });
    expect(smtp.mails).toHaveLength(0);
    const delivered = http.requests.filter((r) => r.status === 200).map((r) => r.path.split("/")[1]);
    expect(delivered.sort()).toEqual(["custos-alerts", "slack"]);
    // nothing is left to ask about
    expect(dispatcher.awaitingPages()).toEqual([]);
  });

  it("keeps recording checks while a receiver hangs", async () => {
    http.hang = true;
    const { store, check } = setup("hang", 60_000);
    check("down", 1_000);
    check("down", 2_000);
    const started = Date.now();
    for (let i = 0; i < 50; i++) check("down", 3_000 + i);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(store.monitors.get("http:api")?.consecutiveFailures).toBe(52);
  });

  it("survives a restart: pending deliveries are sent by the next process", async () => {
    http.status = 500;
    const first = setup("restart");
    first.check("down", 1_000);
    first.check("down", 2_000);
    await waitFor(
      () => first.store.alerts.recent(1)[0]?.deliveries.some((d) => d.attempts >= 1),
      10_000,
      "a failed attempt",
    );
    await running?.dispatcher.stop();
    running?.store.close();
    running = undefined;
    expect(http.requests.filter((r) => r.path === "/hook" && r.status === 200)).toHaveLength(0);

    http.status = 200;
    const second = setup("restart");
    await waitFor(
      () => http.requests.filter((r) => r.path === "/hook" && r.status === 200).length === 1,
      15_000,
      "delivery after restart",
    );
    expect(second.store.alerts.recent(10)).toHaveLength(1);
  });
});
