/**
 * Discord's Execute Webhook, as its documentation and discord-api-types describe it (see
 * src/notify/discord.ts): POST /api/webhooks/<id>/<token>?wait=true with JSON; 200 with the
 * message when waited for; errors `{ message, code }`; 429 `{ message, retry_after, global }`.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { discord } from "../../src/notify/discord.ts";
import { ChannelSettings, DiscordSecret } from "../../src/notify/index.ts";
import {
  channel,
  deadUrl,
  downMessage,
  failure,
  restoredMessage,
  type Sink,
  startSink,
  testEnv,
} from "./helpers.ts";

const TOKEN = "s3cr3tDiscordWebhookToken_abc-123";
const HOOK_PATH = `/api/webhooks/123456789012345678/${TOKEN}`;
const ACK_URL = "https://custos.example.com/ack/ak_0123456789abcdefghijklmnopqrstuv";

/** What Discord answers with ?wait=true: the message it created. */
const created = (request: { body: string }) => ({
  status: 200,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({
    id: "1180000000000000000",
    type: 0,
    channel_id: "1170000000000000000",
    webhook_id: "123456789012345678",
    content: JSON.parse(request.body).content,
  }),
});

describe("discord notifier", () => {
  let sink: Sink;
  let hook: ReturnType<typeof channel>;
  beforeEach(async () => {
    sink = await startSink(created);
    hook = channel("discord", {}, { webhook_url: `${sink.url}${HOOK_PATH}` });
  });
  afterEach(() => sink.close());

  it("posts JSON to the webhook URL with wait=true: a one-line content and an embed linking to the incident", async () => {
    await discord(hook, downMessage, testEnv());

    expect(sink.received).toHaveLength(1);
    const [request] = sink.received;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe(`${HOOK_PATH}?wait=true`);
    expect(request?.headers["content-type"]).toBe("application/json");
    const payload = JSON.parse(request?.body ?? "");
    expect(payload.content).toBe("🔴 DOWN: web-1 (heartbeat missed)");
    expect(payload.allowed_mentions).toEqual({ parse: [] });
    expect(payload.embeds).toHaveLength(1);
    expect(payload.embeds[0]).toEqual({
      title: "DOWN: web-1 (heartbeat missed)",
      url: downMessage.url,
      description:
        "web-1 has not sent a heartbeat since 10:00:00 UTC (timeout 120 s).\nCause: agent dead (host answers).\n\n" +
        `[Open in Custos](${downMessage.url})`,
      color: 0xe01e5a,
      footer: { text: "Acme" },
      timestamp: "2026-03-01T10:00:00.000Z",
    });
  });

  it("puts the acknowledge link in the embed of a page, and none in a recovery", async () => {
    await discord(hook, { ...downMessage, ack_url: ACK_URL }, testEnv());
    await discord(hook, restoredMessage, testEnv());
    const [page, recovery] = sink.received.map((r) => JSON.parse(r.body));
    expect(page.embeds[0].description).toMatch(
      new RegExp(
        `\\[Open in Custos\\]\\(${downMessage.url}\\) · \\*\\*\\[Acknowledge\\]\\(${ACK_URL}\\)\\*\\*`,
      ),
    );
    expect(page.content).not.toContain(ACK_URL);
    expect(recovery.embeds[0].description).not.toContain("Acknowledge");
    expect(recovery.content).toBe("✅ RESTORED: web-1 (down for 12m 30s)");
    expect(recovery.embeds[0].color).toBe(0x2eb67d);
    expect(recovery.embeds[0].timestamp).toBe("2026-03-01T10:12:30.000Z");
  });

  it("keeps a thread_id the webhook URL carries", async () => {
    const threaded = channel("discord", {}, { webhook_url: `${sink.url}${HOOK_PATH}?thread_id=42` });
    await discord(threaded, downMessage, testEnv());
    expect(sink.received[0]?.path).toBe(`${HOOK_PATH}?thread_id=42&wait=true`);
  });

  it("escapes Discord markdown in the text and cuts a long text to 4096 characters, keeping the links whole", async () => {
    const text = `disk *full* on db_1 \`/var\` ${"x".repeat(5000)}`;
    await discord(hook, { ...downMessage, text, ack_url: ACK_URL }, testEnv());
    const { description } = JSON.parse(sink.received[0]?.body ?? "").embeds[0];
    expect(description.startsWith("disk \\*full\\* on db\\_1 \\`/var\\` xxx")).toBe(true);
    expect(Array.from(description as string).length).toBeLessThanOrEqual(4096);
    expect(description).toContain(`…\n\n[Open in Custos](${downMessage.url})`);
    expect(description.endsWith(`[Acknowledge](${ACK_URL})** (stops escalation and reminders)`)).toBe(true);
  });

  it("treats 404 Unknown Webhook as permanent, quoting Discord's message and code without the token", async () => {
    sink.reply(() => ({
      status: 404,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: "Unknown Webhook", code: 10015 }),
    }));
    const error = await failure(discord(hook, downMessage, testEnv()));
    expect(error.retryable).toBe(false);
    expect(error.message).toBe("Discord: HTTP 404: Unknown Webhook (10015)");
  });

  it("treats 401 Invalid Webhook Token and 400 Invalid Form Body as permanent", async () => {
    sink.reply(() => ({
      status: 401,
      body: JSON.stringify({ message: "Invalid Webhook Token", code: 50027 }),
    }));
    const token = await failure(discord(hook, downMessage, testEnv()));
    expect([token.retryable, token.message]).toEqual([
      false,
      "Discord: HTTP 401: Invalid Webhook Token (50027)",
    ]);

    sink.reply(() => ({
      status: 400,
      body: JSON.stringify({
        message: "Invalid Form Body",
        code: 50035,
        errors: { embeds: { "0": { description: { _errors: [{ code: "BASE_TYPE_MAX_LENGTH" }] } } } },
      }),
    }));
    const body = await failure(discord(hook, downMessage, testEnv()));
    expect([body.retryable, body.message]).toEqual([false, "Discord: HTTP 400: Invalid Form Body (50035)"]);
  });

  it("retries a 429, waiting retry_after from the body rounded up to whole seconds", async () => {
    sink.reply(() => ({
      status: 429,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: "You are being rate limited.", retry_after: 1.337, global: false }),
    }));
    const error = await failure(discord(hook, downMessage, testEnv()));
    expect(error.retryable).toBe(true);
    expect(error.message).toBe("Discord: HTTP 429: You are being rate limited.; retry after 2 s");
  });

  it("retries a 429 without a JSON body from its Retry-After header, and a 502", async () => {
    sink.reply(() => ({ status: 429, headers: { "retry-after": "7" }, body: "rate limited" }));
    const limited = await failure(discord(hook, downMessage, testEnv()));
    expect([limited.retryable, limited.message]).toEqual([
      true,
      "Discord: HTTP 429: rate limited; retry after 7 s",
    ]);

    sink.reply(() => ({ status: 502, body: "<html>Bad Gateway</html>" }));
    expect((await failure(discord(hook, downMessage, testEnv()))).retryable).toBe(true);
  });

  it("keeps the webhook token out of the error even when the answer echoes the URL", async () => {
    sink.reply((request) => ({
      status: 400,
      body: JSON.stringify({ message: `bad request to ${sink.url}${request.path}`, code: 50035 }),
    }));
    const error = await failure(discord(hook, downMessage, testEnv()));
    expect(error.message).not.toContain(TOKEN);
    expect(error.message).toBe("Discord: HTTP 400: bad request to [redacted] (50035)");
  });

  it("retries when nothing listens or Discord does not answer in time, naming Discord and not the token", async () => {
    const dead = channel("discord", {}, { webhook_url: `${await deadUrl()}${HOOK_PATH}` });
    const refused = await failure(discord(dead, downMessage, testEnv()));
    expect(refused.retryable).toBe(true);
    expect(refused.message).toMatch(/^Discord: request failed \(/);
    expect(refused.message).not.toContain(TOKEN);

    sink.reply(() => "hang");
    const slow = await failure(discord(hook, downMessage, testEnv({ timeoutMs: 200 })));
    expect([slow.retryable, slow.message]).toEqual([true, "Discord: no answer within 200 ms"]);
  });

  it("refuses to send when the stored webhook URL is not a Discord webhook, naming the field but not the value", async () => {
    const error = await failure(
      discord(channel("discord", {}, { webhook_url: `${sink.url}/hooks/${TOKEN}` }), downMessage, testEnv()),
    );
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      'discord channel "discord on call" has invalid settings: secret.webhook_url: must be a Discord webhook URL, e.g. https://discord.com/api/webhooks/<id>/<token>',
    );
    expect(sink.received).toHaveLength(0);
  });
});

describe("discord settings", () => {
  it("accepts the URL Discord's Copy Webhook URL gives, with or without an API version", () => {
    for (const url of [
      `https://discord.com/api/webhooks/123456789012345678/${TOKEN}`,
      `https://discordapp.com/api/v10/webhooks/123456789012345678/${TOKEN}`,
      `https://discord.com/api/webhooks/123456789012345678/${TOKEN}?thread_id=42`,
    ]) {
      expect(DiscordSecret.safeParse({ webhook_url: url }).success, url).toBe(true);
    }
  });

  it.each([
    [
      "a plain-http URL",
      "http://discord.com/api/webhooks/1/x",
      "must be an https:// URL (http:// only for localhost)",
    ],
    [
      "a URL without the webhook path",
      "https://discord.com/channels/1/2",
      "must be a Discord webhook URL, e.g. https://discord.com/api/webhooks/<id>/<token>",
    ],
    [
      "something that is not a URL",
      "discord webhook",
      "must be an absolute URL, e.g. https://example.com/hook",
    ],
  ])("rejects %s, naming secret.webhook_url", (_, webhook_url, message) => {
    const result = ChannelSettings.safeParse({ kind: "discord", secret: { webhook_url } });
    expect(result.error?.issues[0]?.path).toEqual(["secret", "webhook_url"]);
    expect(result.error?.issues[0]?.message).toBe(message);
  });

  it("rejects a missing webhook URL and unknown keys", () => {
    const missing = ChannelSettings.safeParse({ kind: "discord", secret: {} });
    expect(missing.error?.issues[0]?.path).toEqual(["secret", "webhook_url"]);
    const unknown = ChannelSettings.safeParse({
      kind: "discord",
      config: { username: "Custos" },
      secret: { webhook_url: `https://discord.com/api/webhooks/1/${TOKEN}` },
    });
    expect(unknown.error?.issues[0]?.path).toEqual(["config"]);
    expect(unknown.error?.issues[0]?.message).toContain('"username"');
  });
});
