import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChannelSettings, NtfyConfig } from "../../src/notify/index.ts";
import { ntfy } from "../../src/notify/ntfy.ts";
import { channel, downMessage, failure, restoredMessage, type Sink, startSink, testEnv } from "./helpers.ts";

const TOKEN = "tk_s3cr3tntfytoken0000000000000";

/** Decodes an RFC 2047 "=?UTF-8?B?...?=" word the way ntfy does; plain values pass through. */
function decodeWord(value: string | undefined): string | undefined {
  const match = value?.match(/^=\?UTF-8\?B\?(.*)\?=$/);
  return match ? Buffer.from(match[1] ?? "", "base64").toString("utf8") : value;
}

describe("ntfy notifier", () => {
  let sink: Sink;
  beforeEach(async () => {
    sink = await startSink(() => ({ status: 200, body: '{"id":"abc","event":"message"}' }));
  });
  afterEach(() => sink.close());

  const topic = (extra: { token?: string; server?: string } = {}) =>
    channel(
      "ntfy",
      { server: extra.server ?? sink.url, topic: "custos-alerts" },
      extra.token ? { token: extra.token } : {},
    );

  it("publishes a critical outage as urgent with a siren tag, the title, the text and a click link", async () => {
    await ntfy(topic({ token: TOKEN }), downMessage, testEnv());

    expect(sink.received).toHaveLength(1);
    const [request] = sink.received;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/custos-alerts");
    expect(request?.body).toBe(downMessage.text);
    expect(request?.headers.title).toBe("DOWN: web-1 (heartbeat missed)");
    expect(request?.headers.priority).toBe("urgent");
    expect(request?.headers.tags).toBe("rotating_light");
    expect(request?.headers.click).toBe(downMessage.url);
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it.each([
    ["restored", "info", "default", "white_check_mark"],
    ["escalation", "critical", "high", "rotating_light,loudspeaker"],
    ["down", "warning", "high", "rotating_light"],
    ["test", "info", "default", "test_tube"],
  ] as const)(
    "sends a %s (%s) message with priority %s and tags %s",
    async (event, severity, priority, tags) => {
      await ntfy(topic(), { ...restoredMessage, event, severity }, testEnv());
      expect(sink.received[0]?.headers.priority).toBe(priority);
      expect(sink.received[0]?.headers.tags).toBe(tags);
    },
  );

  it("sends no Authorization header for a topic without a token", async () => {
    await ntfy(topic(), restoredMessage, testEnv());
    expect(sink.received[0]?.headers.authorization).toBeUndefined();
  });

  it("encodes a title with non-ASCII characters as an RFC 2047 word that decodes back", async () => {
    await ntfy(topic(), { ...downMessage, title: "DOWN: Büro-NAS ⚠ (heartbeat missed)" }, testEnv());
    const title = sink.received[0]?.headers.title as string;
    expect(title).toMatch(/^=\?UTF-8\?B\?/);
    expect(decodeWord(title)).toBe("DOWN: Büro-NAS ⚠ (heartbeat missed)");
  });

  it("posts under a server's path prefix, ignoring a trailing slash", async () => {
    await ntfy(topic({ server: `${sink.url}/ntfy/` }), downMessage, testEnv());
    expect(sink.received[0]?.path).toBe("/ntfy/custos-alerts");
  });

  it("treats 403 forbidden as permanent, quoting ntfy's error without the token or the topic", async () => {
    sink.reply((request) => ({
      status: 403,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code: 40301, http: 403, error: `forbidden (${request.headers.authorization})` }),
    }));
    const error = await failure(ntfy(topic({ token: TOKEN }), downMessage, testEnv()));
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(`ntfy ${sink.url}: HTTP 403: forbidden (Bearer [redacted]) (40301)`);
    expect(error.message).not.toContain("custos-alerts");
    expect(error.message).not.toContain(TOKEN);
  });

  it("retries a 429 with the wait from Retry-After, and a 502", async () => {
    sink.reply(() => ({
      status: 429,
      headers: { "retry-after": "12" },
      body: '{"code":42901,"http":429,"error":"limit reached: too many requests"}',
    }));
    const limited = await failure(ntfy(topic(), downMessage, testEnv()));
    expect(limited.retryable).toBe(true);
    expect(limited.message).toBe(
      `ntfy ${sink.url}: HTTP 429: limit reached: too many requests (42901); retry after 12 s`,
    );

    sink.reply(() => ({ status: 502, body: "<html>Bad Gateway</html>" }));
    expect((await failure(ntfy(topic(), downMessage, testEnv()))).retryable).toBe(true);
  });

  it("gives up after timeoutMs as a retryable failure", async () => {
    sink.reply(() => "hang");
    const error = await failure(ntfy(topic(), downMessage, testEnv({ timeoutMs: 200 })));
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(`ntfy ${sink.url}: no answer within 200 ms`);
  });
});

describe("ntfy settings", () => {
  it("defaults the server to https://ntfy.sh", () => {
    expect(NtfyConfig.parse({ topic: "alerts" })).toEqual({ server: "https://ntfy.sh", topic: "alerts" });
  });

  it("rejects a topic that is not a valid ntfy topic name, naming config.topic", () => {
    const result = ChannelSettings.safeParse({ kind: "ntfy", config: { topic: "ops/alerts" } });
    expect(result.error?.issues[0]?.path).toEqual(["config", "topic"]);
  });

  it("rejects a server URL with credentials in it and an empty token", () => {
    const server = NtfyConfig.safeParse({ server: "https://user:pw@ntfy.example.com", topic: "a" });
    expect(server.error?.issues[0]?.path).toEqual(["server"]);
    const token = ChannelSettings.safeParse({ kind: "ntfy", config: { topic: "a" }, secret: { token: "" } });
    expect(token.error?.issues[0]?.path).toEqual(["secret", "token"]);
  });
});
