/**
 * The agent's SMS channel (Twilio's Messages API) against a loopback server standing in for
 * Twilio: the request is the protocol builder's (notify-requests/sms.ts), the one the backend's
 * SMS channel sends (packages/backend/test/notify/sms.test.ts checks the same format): one
 * form-encoded POST per number to /2010-04-01/Accounts/{AccountSid}/Messages.json with HTTP Basic
 * auth AccountSid:AuthToken, the acknowledge link on a page and none on a recovery.
 */
import { type LocalAlertChannel, LocalAlerts } from "@custos/protocol";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RecordingServer, startRecordingServer } from "../../../test/helpers/sinks.ts";
import type { StoredAlert } from "../../store/alerts.ts";
import { createChannel } from "./index.ts";
import type { AlertMessage } from "./types.ts";

const ACCOUNT_SID = `AC${"a1".repeat(16)}`;
const AUTH_TOKEN = "tw1l10-auth-t0ken";
const MESSAGES_PATH = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;
const ACK = "https://custos.example.com/functions/v1/api/ack/a1.claim.signature0123456789abc";

/** Numbers the stand-in refuses as Twilio does (code 21211, HTTP 400). */
const INVALID = new Set(["+15005550001"]);
let sink: RecordingServer;

beforeAll(async () => {
  sink = await startRecordingServer((request, res) => {
    const to = new URLSearchParams(request.body).get("To") ?? "";
    if (INVALID.has(to)) {
      res.writeHead(400, { "content-type": "application/json" }).end(
        JSON.stringify({
          code: 21211,
          message: `The 'To' number ${to} is not a valid phone number.`,
          status: 400,
        }),
      );
      return;
    }
    res.writeHead(201, { "content-type": "application/json" }).end('{"sid":"SM1","status":"queued"}');
  });
});
afterAll(() => sink.close());
beforeEach(() => {
  sink.received.length = 0;
});

const down: StoredAlert = {
  id: 7,
  incidentKey: "3f1c0a6e-1111-4222-8333-444455556666:http:api:2026-03-01T10:00:00.000Z",
  monitor: "http:api",
  state: "down",
  startedAt: Date.parse("2026-03-01T10:00:00.000Z"),
  createdAt: Date.parse("2026-03-01T10:00:30.000Z"),
  title: "DOWN: http:api on web-1",
  body: "http:api on web-1 is down since 2026-03-01T10:00:00.000Z (2 failed checks in a row).\nsecond line",
  durationMs: null,
};
const page: AlertMessage = { alert: down, serverName: "web-1", serverId: "3f1c0a6e", ackUrl: ACK };
const recovery: AlertMessage = {
  alert: {
    ...down,
    id: 8,
    state: "restored",
    title: "RESTORED: http:api on web-1",
    body: "back",
    durationMs: 1,
  },
  serverName: "web-1",
  serverId: "3f1c0a6e",
};

const entry = (overrides: Record<string, unknown> = {}) => ({
  type: "sms",
  to: ["+14155550123", "+447700900123"],
  from: "+14155550100",
  account_sid: ACCOUNT_SID,
  auth_token: AUTH_TOKEN,
  api_url: sink.url,
  ...overrides,
});
const channelOf = (raw: Record<string, unknown>) => {
  const [config] = LocalAlerts.parse({ channels: [raw] }).channels as [LocalAlertChannel];
  return createChannel(config);
};
const form = (body: string) => Object.fromEntries(new URLSearchParams(body));

describe("the agent's SMS channel", () => {
  it("posts one form-encoded message per number with Basic auth, the words and the acknowledge link", async () => {
    const channel = channelOf(entry());
    await channel.send(page, AbortSignal.timeout(5_000));

    expect(sink.received).toHaveLength(2);
    for (const request of sink.received) {
      expect(request.method).toBe("POST");
      expect(request.url).toBe(MESSAGES_PATH);
      expect(request.headers["content-type"]).toBe("application/x-www-form-urlencoded");
      expect(request.headers.authorization).toBe(
        `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64")}`,
      );
      expect(request.headers["user-agent"]).toMatch(/^custos-agent\//);
    }
    expect(sink.received.map((r) => form(r.body).To).sort()).toEqual(["+14155550123", "+447700900123"]);
    expect(form(sink.received[0]?.body ?? "")).toEqual({
      To: expect.any(String),
      From: "+14155550100",
      Body: `DOWN: http:api on web-1\nhttp:api on web-1 is down since 2026-03-01T10:00:00.000Z (2 failed checks in a row).\nAck: ${ACK}`,
    });
    expect(channel.type).toBe("sms");
    // one destination per number, as the backend counts them, so neither path pages a number twice
    expect(channel.destinations).toHaveLength(2);
  });

  it("sends a recovery without an acknowledge link, through a Messaging Service when configured", async () => {
    const service = `MG${"b2".repeat(16)}`;
    await channelOf(entry({ from: undefined, messaging_service_sid: service, to: ["+14155550123"] })).send(
      recovery,
      AbortSignal.timeout(5_000),
    );
    const sent = form(sink.received[0]?.body ?? "");
    expect(sent).toEqual({
      To: "+14155550123",
      MessagingServiceSid: service,
      Body: "RESTORED: http:api on web-1\nback",
    });
  });

  it("keeps the acknowledge link whole when the words are cut to 320 characters", async () => {
    const long = { ...page, alert: { ...down, body: "x".repeat(600) } };
    await channelOf(entry({ to: ["+14155550123"] })).send(long, AbortSignal.timeout(5_000));
    const body = form(sink.received[0]?.body ?? "").Body ?? "";
    expect(Array.from(body)).toHaveLength(320);
    expect(body.endsWith(`…\nAck: ${ACK}`)).toBe(true);
  });

  it("fails the page naming the refused number, with neither the token nor the credentials in the error", async () => {
    const channel = channelOf(entry({ to: ["+14155550123", "+15005550001"] }));
    const error = await channel.send(page, AbortSignal.timeout(5_000)).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toMatch(/^SMS failed for 1 of 2 numbers \(\+15005550001: HTTP 400/);
    expect(error?.message).toContain("21211");
    expect(error?.message).not.toContain(AUTH_TOKEN);
    expect(error?.message).not.toContain(Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64"));
  });
});

describe("agent.yaml entries for the SMS channel", () => {
  const base = {
    type: "sms",
    to: ["+14155550123"],
    from: "+14155550100",
    account_sid: ACCOUNT_SID,
    auth_token: AUTH_TOKEN,
  };
  it.each([
    [{ ...base, to: undefined }, "to"],
    [{ ...base, to: [] }, "to"],
    [{ ...base, to: "+14155550123" }, "to"],
    [{ ...base, to: Array.from({ length: 11 }, (_, i) => `+1415555${String(i).padStart(4, "0")}`) }, "to"],
    [{ ...base, to: ["0041 79 123 45 67"] }, "to"],
    [{ ...base, to: ["+14155550123\r\nBcc: +15555550123"] }, "to"],
    [{ ...base, from: undefined }, "from"],
    [{ ...base, messaging_service_sid: `MG${"b2".repeat(16)}` }, "from"],
    [{ ...base, from: "Custos" }, "from"],
    [{ ...base, messaging_service_sid: "MG1", from: undefined }, "messaging_service_sid"],
    [{ ...base, account_sid: undefined }, "account_sid"],
    [{ ...base, account_sid: `AC${"a1".repeat(16)}/../../x` }, "account_sid"],
    [{ ...base, auth_token: undefined }, "auth_token"],
    [{ ...base, auth_token: "tok en\r\nX-Injected: 1" }, "auth_token"],
    [{ ...base, auth_token: "t".repeat(201) }, "auth_token"],
    [{ ...base, api_url: "ftp://api.twilio.com" }, "api_url"],
    [{ ...base, api_url: "https://user:pass@api.twilio.com" }, "api_url"],
    [{ ...base, password: "x" }, undefined],
  ])("refuses %j, naming the field", (raw, field) => {
    const result = LocalAlerts.safeParse({ channels: [raw] });
    expect(result.success).toBe(false);
    const issue = result.error?.issues[0];
    if (field) expect(issue?.path.slice(0, 3)).toEqual(["channels", 0, field]);
    else expect(issue?.code).toBe("unrecognized_keys");
  });
});
