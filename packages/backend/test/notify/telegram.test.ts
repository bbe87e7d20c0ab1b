/**
 * Telegram's Bot API sendMessage, as its documentation describes it (see src/notify/telegram.ts):
 * POST /bot<token>/sendMessage with JSON; `{ ok: true, result }` or `{ ok: false, error_code,
 * description, parameters? }` with the same HTTP status.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChannelSettings, TelegramSecret } from "../../src/notify/index.ts";
import { telegram, telegramButtonUrl } from "../../src/notify/telegram.ts";
import { channel, downMessage, failure, restoredMessage, type Sink, startSink, testEnv } from "./helpers.ts";

const BOT_TOKEN = "123456789:AAHs3cr3tBotTokenXXXXXXXXXXXXXXXXXX";
const ACK_URL = "https://custos.example.com/ack/ak_0123456789abcdefghijklmnopqrstuv";

const sent = () => ({
  status: 200,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({
    ok: true,
    result: { message_id: 42, chat: { id: -1001234567890, type: "supergroup" }, date: 1772359200 },
  }),
});

const refuse = (error_code: number, description: string, parameters?: Record<string, unknown>) => () => ({
  status: error_code,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ ok: false, error_code, description, ...(parameters ? { parameters } : {}) }),
});

describe("telegram notifier", () => {
  let sink: Sink;
  let env: ReturnType<typeof testEnv>;
  const bot = (chat_id = "-1001234567890") => channel("telegram", { chat_id }, { bot_token: BOT_TOKEN });
  beforeEach(async () => {
    sink = await startSink(sent);
    env = testEnv({ telegramBaseUrl: sink.url });
  });
  afterEach(() => sink.close());

  it("posts sendMessage as JSON with the chat id, an HTML text with the incident link, and no link preview", async () => {
    await telegram(bot(), downMessage, env);

    expect(sink.received).toHaveLength(1);
    const [request] = sink.received;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe(`/bot${BOT_TOKEN}/sendMessage`);
    expect(request?.headers["content-type"]).toBe("application/json");
    const body = JSON.parse(request?.body ?? "");
    expect(body).toEqual({
      chat_id: "-1001234567890",
      parse_mode: "HTML",
      text:
        "<b>🔴 DOWN: web-1 (heartbeat missed)</b>\n" +
        "web-1 has not sent a heartbeat since 10:00:00 UTC (timeout 120 s).\nCause: agent dead (host answers).\n\n" +
        `<a href="${downMessage.url}">Open in Custos</a>`,
      link_preview_options: { is_disabled: true },
      reply_markup: { inline_keyboard: [[{ text: "Open in Custos", url: downMessage.url }]] },
    });
  });

  it("gives a page an Acknowledge button first and the link in the text; a recovery has neither", async () => {
    await telegram(bot("@custos_alerts"), { ...downMessage, ack_url: ACK_URL }, env);
    await telegram(bot(), restoredMessage, env);
    const [page, recovery] = sink.received.map((r) => JSON.parse(r.body));
    expect(page.chat_id).toBe("@custos_alerts");
    expect(page.reply_markup.inline_keyboard).toEqual([
      [{ text: "✅ Acknowledge", url: ACK_URL }],
      [{ text: "Open in Custos", url: downMessage.url }],
    ]);
    expect(page.text).toContain(
      `<b><a href="${ACK_URL}">Acknowledge</a></b> (stops escalation and reminders)`,
    );
    expect(recovery.text.startsWith("<b>✅ RESTORED: web-1 (down for 12m 30s)</b>")).toBe(true);
    expect(recovery.text).not.toContain("Acknowledge");
    expect(JSON.stringify(recovery.reply_markup)).not.toContain("Acknowledge");
  });

  it("escapes HTML in titles and text so a server name cannot inject markup", async () => {
    await telegram(bot(), { ...downMessage, title: "DOWN: <b>web</b> & co", text: 'a "<a href=x>" b' }, env);
    const { text } = JSON.parse(sink.received[0]?.body ?? "");
    expect(
      text.startsWith("<b>🔴 DOWN: &lt;b&gt;web&lt;/b&gt; &amp; co</b>\na &quot;&lt;a href=x&gt;&quot; b"),
    ).toBe(true);
  });

  it("keeps links to a dashboard on localhost or a LAN address in the text only (Telegram refuses such buttons)", async () => {
    const local = {
      ...downMessage,
      url: "http://localhost:8080/incidents/1",
      ack_url: "http://192.168.1.10:8080/ack/ak_x",
    };
    await telegram(bot(), local, env);
    const body = JSON.parse(sink.received[0]?.body ?? "");
    expect(body.reply_markup).toBeUndefined();
    expect(body.text).toContain('<a href="http://localhost:8080/incidents/1">Open in Custos</a>');
    expect(body.text).toContain('<a href="http://192.168.1.10:8080/ack/ak_x">Acknowledge</a>');
    expect(telegramButtonUrl("https://custos.example.com/x")).toBe("https://custos.example.com/x");
    expect(telegramButtonUrl("https://nas.local/x")).toBeUndefined();
    expect(telegramButtonUrl("https://[::1]/x")).toBeUndefined();
  });

  it("cuts a long text to Telegram's 4096 characters, keeping the links whole", async () => {
    await telegram(bot(), { ...downMessage, text: "x".repeat(6000), ack_url: ACK_URL }, env);
    const { text } = JSON.parse(sink.received[0]?.body ?? "");
    const visible = (text as string).replace(/<[^>]+>/g, "");
    expect(Array.from(visible).length).toBeLessThanOrEqual(4096);
    expect(text).toContain(`x…\n\n<a href="${downMessage.url}">Open in Custos</a>`);
    expect(text.endsWith("(stops escalation and reminders)")).toBe(true);
  });

  it.each([
    [400, "Bad Request: chat not found"],
    [401, "Unauthorized"],
    [403, "Forbidden: bot was blocked by the user"],
  ])("treats %i %s as permanent, quoting Telegram's description", async (status, description) => {
    sink.reply(refuse(status, description));
    const error = await failure(telegram(bot(), downMessage, env));
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(`Telegram: HTTP ${status}: ${description}`);
  });

  it("says which chat a group became when Telegram answers migrate_to_chat_id", async () => {
    sink.reply(
      refuse(400, "Bad Request: group chat was upgraded to a supergroup chat", {
        migrate_to_chat_id: -1009876543210,
      }),
    );
    const error = await failure(telegram(bot("-123456"), downMessage, env));
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      "Telegram: HTTP 400: Bad Request: group chat was upgraded to a supergroup chat; the group is now chat -1009876543210: set it as chat_id",
    );
  });

  it("retries a 429 after parameters.retry_after, and a 502", async () => {
    sink.reply(refuse(429, "Too Many Requests: retry after 35", { retry_after: 35 }));
    const limited = await failure(telegram(bot(), downMessage, env));
    expect([limited.retryable, limited.message]).toEqual([
      true,
      "Telegram: HTTP 429: Too Many Requests: retry after 35; retry after 35 s",
    ]);

    sink.reply(() => ({ status: 502, body: "<html>502 Bad Gateway</html>" }));
    expect((await failure(telegram(bot(), downMessage, env))).retryable).toBe(true);
  });

  it("never puts the bot token in an error, even when the answer echoes the request path", async () => {
    sink.reply((request) => refuse(404, `Not Found: ${request.path} (${BOT_TOKEN})`)());
    const error = await failure(telegram(bot(), downMessage, env));
    expect(error.message).not.toContain(BOT_TOKEN);
    expect(error.message).not.toContain("s3cr3t");
    expect(error.message).toBe("Telegram: HTTP 404: Not Found: [redacted] ([redacted])");

    sink.reply(() => "hang");
    const slow = await failure(
      telegram(bot(), downMessage, testEnv({ telegramBaseUrl: sink.url, timeoutMs: 200 })),
    );
    expect([slow.retryable, slow.message]).toEqual([true, "Telegram: no answer within 200 ms"]);
  });

  it("refuses to send with a malformed stored token, naming the field but not the value", async () => {
    const error = await failure(
      telegram(channel("telegram", { chat_id: "42" }, { bot_token: "s3cr3t-not-a-token" }), downMessage, env),
    );
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      'telegram channel "telegram on call" has invalid settings: secret.bot_token: must be a bot token from @BotFather, e.g. 123456789:AAE…',
    );
    expect(sink.received).toHaveLength(0);
  });
});

describe("telegram settings", () => {
  it("accepts numeric chat ids (negative for groups) and public @channel names", () => {
    for (const chat_id of ["123456789", "-123456", "-1001234567890", "@custos_alerts"]) {
      expect(
        ChannelSettings.safeParse({ kind: "telegram", config: { chat_id }, secret: { bot_token: BOT_TOKEN } })
          .success,
        chat_id,
      ).toBe(true);
    }
    expect(TelegramSecret.safeParse({ bot_token: BOT_TOKEN }).success).toBe(true);
  });

  it.each([
    [{ config: { chat_id: "my group" }, secret: { bot_token: BOT_TOKEN } }, ["config", "chat_id"]],
    [{ config: { chat_id: "@ab" }, secret: { bot_token: BOT_TOKEN } }, ["config", "chat_id"]],
    [{ config: {}, secret: { bot_token: BOT_TOKEN } }, ["config", "chat_id"]],
    [{ config: { chat_id: "42" }, secret: { bot_token: "AAHs3cr3t" } }, ["secret", "bot_token"]],
    [{ config: { chat_id: "42" }, secret: {} }, ["secret", "bot_token"]],
    [{ config: { chat_id: "42", bot_token: BOT_TOKEN }, secret: { bot_token: BOT_TOKEN } }, ["config"]],
  ])("rejects %j, naming %j", (settings, path) => {
    const result = ChannelSettings.safeParse({ kind: "telegram", ...settings });
    expect(result.error?.issues[0]?.path).toEqual(path);
  });
});
