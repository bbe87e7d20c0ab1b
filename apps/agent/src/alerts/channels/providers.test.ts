/**
 * The agent's Discord, Telegram, Gotify, Pushover, PagerDuty, Matrix and Teams channels against a
 * loopback server standing in for each provider: the request is the protocol builder's (the one
 * the backend sends; formats and their origins in packages/protocol/src/notify-requests/*.ts and
 * the backend's test/notify/*.test.ts), sent with the agent's own HTTP client, with the agent's
 * acknowledge link on a page and none on a recovery.
 */
import { type LocalAlertChannel, LocalAlerts } from "@custos/protocol";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type RecordedRequest,
  type RecordingServer,
  startRecordingServer,
} from "../../../test/helpers/sinks.ts";
import type { StoredAlert } from "../../store/alerts.ts";
import { createChannel } from "./index.ts";
import type { AlertMessage } from "./types.ts";

let status = 200;
let sink: RecordingServer;
let base: string;
let received: RecordedRequest[];

beforeAll(async () => {
  sink = await startRecordingServer((_, res) => {
    res.writeHead(status, { "content-type": "application/json" }).end(status < 300 ? "{}" : '{"error":"no"}');
  });
  base = sink.url;
  received = sink.received;
});
afterAll(() => sink.close());
beforeEach(() => {
  received.length = 0;
  status = 200;
});

const KEY = "3f1c0a6e-1111-4222-8333-444455556666:http:api:2026-03-01T10:00:00.000Z";
const ACK = "https://custos.example.com/functions/v1/api/ack/a1.claim.signature0123456789abc";
const down: StoredAlert = {
  id: 7,
  incidentKey: KEY,
  monitor: "http:api",
  state: "down",
  startedAt: Date.parse("2026-03-01T10:00:00.000Z"),
  createdAt: Date.parse("2026-03-01T10:00:30.000Z"),
  title: "DOWN: http:api on web-1",
  body: "http:api on web-1 is down since 2026-03-01T10:00:00.000Z (2 failed checks in a row).",
  durationMs: null,
};
const restored: StoredAlert = {
  ...down,
  id: 8,
  state: "restored",
  createdAt: Date.parse("2026-03-01T10:05:00.000Z"),
  title: "RESTORED: http:api on web-1",
  body: "http:api on web-1 restored after 5m.",
  durationMs: 300_000,
};
const page: AlertMessage = { alert: down, serverName: "web-1", serverId: "3f1c0a6e", ackUrl: ACK };
const recovery: AlertMessage = { alert: restored, serverName: "web-1", serverId: "3f1c0a6e" };

/** Each kind's entry as agent.yaml would have it (parsed by the real config schema), its request's method and path. */
const kinds = () =>
  [
    {
      entry: { type: "discord", webhook_url: `${base}/api/webhooks/42/t0ken` },
      method: "POST",
      path: "/api/webhooks/42/t0ken?wait=true",
    },
    {
      entry: {
        type: "telegram",
        chat_id: "-100123",
        bot_token: "123456:AAHt3l3gr4mT0kenXXXXXXXX",
        api_url: base,
      },
      method: "POST",
      path: "/bot123456:AAHt3l3gr4mT0kenXXXXXXXX/sendMessage",
    },
    {
      entry: { type: "gotify", server: `${base}/gotify`, app_token: "AqG0t1fy.x" },
      method: "POST",
      path: "/gotify/message",
    },
    {
      entry: { type: "pushover", app_token: "a".repeat(30), user_key: "u".repeat(30), api_url: base },
      method: "POST",
      path: "/1/messages.json",
    },
    {
      entry: { type: "pagerduty", routing_key: "k".repeat(32), api_url: base },
      method: "POST",
      path: "/v2/enqueue",
    },
    {
      entry: { type: "matrix", homeserver: base, room_id: "!ops:example.org", access_token: "syt_agent" },
      method: "PUT",
      path: expect.stringMatching(
        /^\/_matrix\/client\/v3\/rooms\/!ops%3Aexample\.org\/send\/m\.room\.message\/custos-[0-9a-f]{16}$/,
      ),
    },
    {
      entry: { type: "teams", webhook_url: `${base}/workflows/1/triggers/manual/paths/invoke?sig=s` },
      method: "POST",
      path: "/workflows/1/triggers/manual/paths/invoke?sig=s",
    },
  ] as const;

const channelOf = (entry: Record<string, unknown>) => {
  const [config] = LocalAlerts.parse({ channels: [entry] }).channels as [LocalAlertChannel];
  return createChannel(config);
};

describe("the agent's chat and paging channels", () => {
  it.each(["discord", "telegram", "gotify", "pushover", "pagerduty", "matrix", "teams"])(
    "%s sends the provider's request with the page's words and acknowledge link",
    async (type) => {
      // the entries name the loopback server, known only once it listens
      const kind = kinds().find((k) => k.entry.type === type);
      if (!kind) throw new Error(`no entry for ${type}`);
      const channel = channelOf(kind.entry);
      await channel.send(page, AbortSignal.timeout(5_000));
      expect(received).toHaveLength(1);
      const [request] = received;
      expect(request?.method).toBe(kind.method);
      expect(request?.url).toEqual(kind.path);
      expect(request?.headers["user-agent"]).toMatch(/^custos-agent\//);
      expect(request?.body).toContain("DOWN: http:api on web-1");
      expect(request?.body).toContain(ACK);
      expect(channel.type).toBe(type);
      expect(channel.destinations).toHaveLength(1);
    },
  );

  it("sends a recovery without an acknowledge link on every kind", async () => {
    for (const k of kinds()) await channelOf(k.entry).send(recovery, AbortSignal.timeout(5_000));
    expect(received).toHaveLength(kinds().length);
    for (const request of received) expect(request.body).not.toContain("/ack/");
  });

  it("opens and resolves one PagerDuty alert under the incident key the backend uses", async () => {
    const pagerduty = channelOf({ type: "pagerduty", routing_key: "k".repeat(32), api_url: base });
    await pagerduty.send(page, AbortSignal.timeout(5_000));
    await pagerduty.send(recovery, AbortSignal.timeout(5_000));
    const [trigger, resolve] = received.map((r) => JSON.parse(r.body));
    expect(trigger).toMatchObject({
      event_action: "trigger",
      dedup_key: KEY,
      payload: { source: "web-1", component: "http:api", severity: "critical" },
      links: [{ href: ACK }],
    });
    expect(resolve).toEqual({ routing_key: "k".repeat(32), event_action: "resolve", dedup_key: KEY });
  });

  it("retries a Matrix page under the same txnId, so the room gets it once", async () => {
    const matrix = channelOf({
      type: "matrix",
      homeserver: base,
      room_id: "!ops:example.org",
      access_token: "syt_agent",
    });
    await matrix.send(page, AbortSignal.timeout(5_000));
    await matrix.send(page, AbortSignal.timeout(5_000));
    await matrix.send(recovery, AbortSignal.timeout(5_000));
    const [first, retry, other] = received.map((r) => r.url);
    expect(retry).toBe(first);
    expect(other).not.toBe(first);
    expect(received[0]?.headers.authorization).toBe("Bearer syt_agent");
  });

  it("fails the delivery with the status when the provider refuses", async () => {
    status = 400;
    await expect(channelOf(kinds()[4].entry).send(page, AbortSignal.timeout(5_000))).rejects.toThrow(
      /^HTTP 400/,
    );
  });
});

describe("agent.yaml entries for the chat and paging channels", () => {
  it.each([
    [{ type: "discord", webhook_url: "https://discord.com/channels/1/2" }, "webhook_url"],
    [{ type: "telegram", chat_id: "ops group", bot_token: "1:AAAAAAAAAAAAAAAAAAAAAAAA" }, "chat_id"],
    [{ type: "telegram", chat_id: "42", bot_token: "42" }, "bot_token"],
    [{ type: "gotify", server: "gotify.lan", app_token: "x" }, "server"],
    [{ type: "pushover", app_token: "a".repeat(30), user_key: "short" }, "user_key"],
    [{ type: "pagerduty", routing_key: "k".repeat(33) }, "routing_key"],
    [{ type: "pagerduty", routing_key: "k".repeat(32), api_url: "ftp://events.pagerduty.com" }, "api_url"],
    [
      {
        type: "matrix",
        homeserver: "https://m.example.org",
        room_id: "#ops:m.example.org",
        access_token: "t",
      },
      "room_id",
    ],
    [{ type: "matrix", homeserver: "https://m.example.org", room_id: "!ops:m.example.org" }, "access_token"],
    [{ type: "teams", webhook_url: "http://prod-01.westus.logic.azure.com/workflows/1" }, "webhook_url"],
    [{ type: "teams", webhook_url: `https://example.com/${"x".repeat(3000)}` }, "webhook_url"],
    [{ type: "teams", webhook_url: "https://example.com/hook", token: "x" }, undefined],
  ])("refuses %j, naming the field", (entry, field) => {
    const result = LocalAlerts.safeParse({ channels: [entry] });
    expect(result.success).toBe(false);
    const issue = result.error?.issues[0];
    if (field) expect(issue?.path).toEqual(["channels", 0, field]);
    else expect(issue?.code).toBe("unrecognized_keys");
  });
});
