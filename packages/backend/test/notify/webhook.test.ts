import { createHmac, timingSafeEqual } from "node:crypto";
import { WebhookPayload } from "@custos/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChannelSettings, WebhookConfig } from "../../src/notify/index.ts";
import { webhook } from "../../src/notify/webhook.ts";
import {
  channel,
  downMessage,
  failure,
  type Received,
  restoredMessage,
  type Sink,
  startSink,
  testEnv,
} from "./helpers.ts";

const SIGNING_SECRET = "whsec_0123456789abcdef0123456789abcdef";
const API_TOKEN = "Bearer receiver-s3cr3t-token";

/** What a receiver does with the documented scheme: HMAC-SHA256 over "<timestamp>.<raw body>". */
function receiverAccepts(request: Pick<Received, "headers" | "body">, secret = SIGNING_SECRET): boolean {
  const timestamp = request.headers["x-custos-timestamp"] as string;
  const signature = request.headers["x-custos-signature"] as string;
  const expected = `sha256=${createHmac("sha256", secret).update(`${timestamp}.${request.body}`).digest("hex")}`;
  return (
    signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
  );
}

describe("webhook notifier", () => {
  let sink: Sink;
  let hook: ReturnType<typeof channel>;
  beforeEach(async () => {
    sink = await startSink(() => ({ status: 204 }));
    hook = channel(
      "webhook",
      { url: `${sink.url}/hooks/custos?source=custos`, headers: { "X-Team": "ops" } },
      { signing_secret: SIGNING_SECRET, headers: { Authorization: API_TOKEN } },
    );
  });
  afterEach(() => sink.close());

  it("posts the shared WebhookPayload (source backend) with event, timestamp and signature headers", async () => {
    const before = Math.floor(Date.now() / 1000);
    await webhook(hook, downMessage, testEnv());
    const after = Math.floor(Date.now() / 1000);

    expect(sink.received).toHaveLength(1);
    const [request] = sink.received;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/hooks/custos?source=custos");
    expect(request?.headers["content-type"]).toMatch(/^application\/json/);
    expect(request?.headers["x-custos-event"]).toBe("down");
    const timestamp = Number(request?.headers["x-custos-timestamp"]);
    expect(timestamp).toBeGreaterThanOrEqual(before);
    expect(timestamp).toBeLessThanOrEqual(after);
    expect(request?.headers["x-custos-signature"]).toMatch(/^sha256=[0-9a-f]{64}$/);

    const payload = WebhookPayload.strict().parse(JSON.parse(request?.body ?? ""));
    expect(payload).toEqual({
      source: "backend",
      event: "down",
      title: downMessage.title,
      text: downMessage.text,
      // downMessage carries no incident key: the field is there, null
      incident_key: null,
      server: downMessage.incident?.server,
      monitor: null,
      started_at: downMessage.incident?.opened_at,
      duration_seconds: null,
      duration: null,
      // downMessage has no acknowledge link: the field is there, null
      ack_url: null,
      sent_at: payload.sent_at,
      severity: "critical",
      org: downMessage.org,
      url: downMessage.url,
      incident: downMessage.incident,
    });
    expect(Math.abs(Date.parse(payload.sent_at) / 1000 - timestamp)).toBeLessThan(1);
  });

  it("signs so that a receiver recomputing the HMAC accepts it, and a tampered body does not match", async () => {
    await webhook(hook, downMessage, testEnv());
    const [request] = sink.received as [Received];

    expect(receiverAccepts(request)).toBe(true);
    expect(receiverAccepts({ ...request, body: request.body.replace('"critical"', '"info"') })).toBe(false);
    expect(
      receiverAccepts({
        ...request,
        headers: {
          ...request.headers,
          "x-custos-timestamp": String(Number(request.headers["x-custos-timestamp"]) - 600),
        },
      }),
    ).toBe(false);
    expect(receiverAccepts(request, "another-secret-of-enough-length")).toBe(false);
  });

  it("sends null incident, server, start and url for a test message without them", async () => {
    await webhook(hook, { ...downMessage, event: "test", incident: undefined, url: undefined }, testEnv());
    const payload = WebhookPayload.parse(JSON.parse(sink.received[0]?.body ?? ""));
    expect(payload).toMatchObject({
      incident: null,
      server: null,
      monitor: null,
      started_at: null,
      url: null,
    });
    expect(sink.received[0]?.headers["x-custos-event"]).toBe("test");
  });

  it("adds the configured headers and the secret headers", async () => {
    await webhook(hook, downMessage, testEnv());
    expect(sink.received[0]?.headers["x-team"]).toBe("ops");
    expect(sink.received[0]?.headers.authorization).toBe(API_TOKEN);
    expect(sink.received[0]?.headers["user-agent"]).toBe("Custos-Webhook/1");
  });

  it("says how long a restored incident lasted, in seconds and in words", async () => {
    await webhook(hook, restoredMessage, testEnv());
    const payload = WebhookPayload.parse(JSON.parse(sink.received[0]?.body ?? ""));
    expect(payload).toMatchObject({ event: "restored", duration_seconds: 750, duration: "12m 30s" });
  });

  it("treats a 410 from the receiver as permanent and a 503 as retryable with its Retry-After", async () => {
    sink.reply(() => ({ status: 410, body: "gone" }));
    const gone = await failure(webhook(hook, downMessage, testEnv()));
    expect(gone.retryable).toBe(false);
    expect(gone.message).toBe(`webhook ${sink.url}: HTTP 410: gone`);

    sink.reply(() => ({ status: 503, headers: { "retry-after": "120" }, body: "maintenance" }));
    const busy = await failure(webhook(hook, downMessage, testEnv()));
    expect(busy.retryable).toBe(true);
    expect(busy.message).toBe(`webhook ${sink.url}: HTTP 503: maintenance; retry after 120 s`);
  });

  it("keeps the signing secret and secret headers out of the error when the receiver echoes them", async () => {
    sink.reply((request) => ({
      status: 401,
      body: `bad credentials ${request.headers.authorization} for key ${SIGNING_SECRET}`,
    }));
    const error = await failure(webhook(hook, downMessage, testEnv()));
    expect(error.retryable).toBe(false);
    expect(error.message).not.toContain("receiver-s3cr3t-token");
    expect(error.message).not.toContain(SIGNING_SECRET);
    expect(error.message).toBe(
      `webhook ${sink.url}: HTTP 401: bad credentials [redacted] for key [redacted]`,
    );
  });

  it("gives up after timeoutMs as a retryable failure naming only the receiver's origin", async () => {
    sink.reply(() => "hang");
    const error = await failure(webhook(hook, downMessage, testEnv({ timeoutMs: 200 })));
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(`webhook ${sink.url}: no answer within 200 ms`);
  });
});

describe("webhook settings", () => {
  it("requires a signing secret of at least 16 characters, naming secret.signing_secret", () => {
    const result = ChannelSettings.safeParse({
      kind: "webhook",
      config: { url: "https://example.com/hook" },
      secret: { signing_secret: "short" },
    });
    expect(result.error?.issues[0]?.path).toEqual(["secret", "signing_secret"]);
    expect(result.error?.issues[0]?.message).toBe("must be at least 16 characters");
  });

  it("rejects a URL with credentials, naming config.url", () => {
    const result = WebhookConfig.safeParse({ url: "https://admin:pw@example.com/hook" });
    expect(result.error?.issues[0]?.path).toEqual(["url"]);
    expect(result.error?.issues[0]?.message).toBe("must not contain a user name or password");
  });

  it("accepts a plain-http receiver on the LAN", () => {
    expect(WebhookConfig.parse({ url: "http://192.168.1.20:8123/api/webhook/custos" })).toEqual({
      url: "http://192.168.1.20:8123/api/webhook/custos",
      headers: {},
    });
  });

  it("rejects headers that would override Custos' own or smuggle a line break", () => {
    const reserved = WebhookConfig.safeParse({
      url: "https://example.com",
      headers: { "X-Custos-Signature": "x" },
    });
    expect(reserved.error?.issues[0]?.path).toEqual(["headers", "X-Custos-Signature"]);
    expect(reserved.error?.issues[0]?.message).toBe("is set by Custos and cannot be overridden");
    const smuggled = WebhookConfig.safeParse({
      url: "https://example.com",
      headers: { "X-A": "1\r\nX-B: 2" },
    });
    expect(smuggled.error?.issues[0]?.path).toEqual(["headers", "X-A"]);
  });
});
