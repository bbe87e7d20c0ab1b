import { describe, expect, it } from "vitest";
import { WebhookChannel } from "./config.ts";
import { signWebhook, verifyWebhookSignature, WEBHOOK_HEADERS, webhookHeaders } from "./webhook-signature.ts";

const SECRET = "whsec_0123456789abcdef";
const BODY = '{"source":"agent","event":"down"}';
const NOW = new Date("2026-05-01T10:00:00.000Z");

describe("webhook signatures", () => {
  it("signs HMAC-SHA256 over '<timestamp>.<body>' as sha256=<hex>", async () => {
    // computed apart, with Python: hmac.new(b"Jefe", b"1714557600.what do ya want for nothing?", sha256)
    expect(await signWebhook("Jefe", 1714557600, "what do ya want for nothing?")).toBe(
      "sha256=8c1429e5895d85c606b94df2ca75a4b6c5c9fcb6f636a2d797600841e04ba56e",
    );
  });

  it("gives the event, the timestamp in seconds and the signature as headers", async () => {
    const headers = await webhookHeaders(SECRET, "down", BODY, NOW);
    expect(headers[WEBHOOK_HEADERS.event]).toBe("down");
    expect(headers[WEBHOOK_HEADERS.timestamp]).toBe(String(NOW.getTime() / 1000));
    expect(headers[WEBHOOK_HEADERS.signature]).toBe(await signWebhook(SECRET, NOW.getTime() / 1000, BODY));
  });

  it("lets a receiver accept the request as sent and refuse a changed body, another secret or an old timestamp", async () => {
    const headers = await webhookHeaders(SECRET, "down", BODY, NOW);
    const check = (changes: Partial<Parameters<typeof verifyWebhookSignature>[0]>) =>
      verifyWebhookSignature({
        secret: SECRET,
        body: BODY,
        timestamp: headers[WEBHOOK_HEADERS.timestamp],
        signature: headers[WEBHOOK_HEADERS.signature],
        now: new Date(NOW.getTime() + 60_000),
        ...changes,
      });
    expect(await check({})).toBe(true);
    expect(await check({ body: BODY.replace("down", "restored") })).toBe(false);
    expect(await check({ secret: "another-secret-of-enough-length" })).toBe(false);
    expect(await check({ now: new Date(NOW.getTime() + 301_000) })).toBe(false);
    expect(await check({ signature: undefined })).toBe(false);
    expect(await check({ timestamp: "soon" })).toBe(false);
  });

  it("lets the agent's webhook channel take an optional signing secret, refusing a short one by name", () => {
    const channel = { type: "webhook", url: "http://ha.local:8123/api/webhook/custos" };
    expect(WebhookChannel.parse(channel).signing_secret).toBeUndefined();
    expect(WebhookChannel.parse({ ...channel, signing_secret: SECRET }).signing_secret).toBe(SECRET);
    expect(WebhookChannel.safeParse({ ...channel, signing_secret: "short" }).error?.issues[0]?.path).toEqual([
      "signing_secret",
    ]);
  });
});
