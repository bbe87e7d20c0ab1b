/**
 * Gotify's POST /message, as gotify/server's sources describe it (see src/notify/gotify.ts):
 * X-Gotify-Key, JSON `{ title, message, priority, extras }`; 200 with the stored message; errors
 * `{ error, errorCode, errorDescription }`.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { gotify } from "../../src/notify/gotify.ts";
import { ChannelSettings, GotifyConfig } from "../../src/notify/index.ts";
import { channel, downMessage, failure, restoredMessage, type Sink, startSink, testEnv } from "./helpers.ts";

const APP_TOKEN = "AqS3cr3t.Gotify_k";
const ACK_URL = "https://custos.example.com/ack/ak_0123456789abcdefghijklmnopqrstuv";

/** gotify/server's answer to a created message. */
const stored = (request: { body: string }) => {
  const sent = JSON.parse(request.body);
  return {
    status: 200,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ id: 25, appid: 5, ...sent, date: "2026-03-01T10:00:01Z" }),
  };
};

const refuse = (errorCode: number, error: string, errorDescription: string) => () => ({
  status: errorCode,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ error, errorCode, errorDescription }),
});

describe("gotify notifier", () => {
  let sink: Sink;
  const app = (server = sink.url) => channel("gotify", { server }, { app_token: APP_TOKEN });
  beforeEach(async () => {
    sink = await startSink(stored);
  });
  afterEach(() => sink.close());

  it("posts /message with the token in X-Gotify-Key and JSON title, plain text, priority and a click link", async () => {
    await gotify(app(), downMessage, testEnv());

    expect(sink.received).toHaveLength(1);
    const [request] = sink.received;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/message");
    expect(request?.headers["x-gotify-key"]).toBe(APP_TOKEN);
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request?.body ?? "")).toEqual({
      title: "DOWN: web-1 (heartbeat missed)",
      message: `${downMessage.text}\n\n${downMessage.url}`,
      priority: 8,
      extras: {
        "client::display": { contentType: "text/plain" },
        "client::notification": { click: { url: downMessage.url } },
      },
    });
  });

  it("puts the acknowledge link in a page's text, and none in a recovery", async () => {
    await gotify(app(), { ...downMessage, ack_url: ACK_URL }, testEnv());
    await gotify(app(), restoredMessage, testEnv());
    const [page, recovery] = sink.received.map((r) => JSON.parse(r.body));
    expect(page.message).toBe(
      `${downMessage.text}\n\n${downMessage.url}\n\nAcknowledge (stops escalation and reminders): ${ACK_URL}`,
    );
    expect(page.extras["client::notification"].click.url).toBe(downMessage.url);
    expect(recovery.message).not.toContain("Acknowledge");
    expect(recovery.priority).toBe(5);
  });

  it.each([
    ["down", "critical", 8],
    ["down", "warning", 6],
    ["escalation", "critical", 8],
    ["flapping", "warning", 6],
    ["restored", "info", 5],
    ["test", "info", 5],
  ] as const)("sends a %s (%s) message with priority %i", async (event, severity, priority) => {
    await gotify(app(), { ...downMessage, event, severity }, testEnv());
    expect(JSON.parse(sink.received[0]?.body ?? "").priority).toBe(priority);
  });

  it("posts under a server's path prefix, ignoring a trailing slash, and leaves out a malformed link", async () => {
    await gotify(app(`${sink.url}/gotify/`), { ...downMessage, url: "not a url" }, testEnv());
    expect(sink.received[0]?.path).toBe("/gotify/message");
    expect(JSON.parse(sink.received[0]?.body ?? "").extras["client::notification"]).toBeUndefined();
  });

  it("treats 401 and 403 as permanent, quoting Gotify's error and description without the token", async () => {
    sink.reply(
      refuse(
        401,
        "Unauthorized",
        "you need to provide a valid access token or user credentials to access this api",
      ),
    );
    const unauthorized = await failure(gotify(app(), downMessage, testEnv()));
    expect(unauthorized.retryable).toBe(false);
    expect(unauthorized.message).toBe(
      `Gotify ${sink.url}: HTTP 401: Unauthorized: you need to provide a valid access token or user credentials to access this api`,
    );

    sink.reply((request) =>
      refuse(
        403,
        "Forbidden",
        `you are not allowed to access this api (${request.headers["x-gotify-key"]})`,
      )(),
    );
    const forbidden = await failure(gotify(app(), downMessage, testEnv()));
    expect(forbidden.retryable).toBe(false);
    expect(forbidden.message).toBe(
      `Gotify ${sink.url}: HTTP 403: Forbidden: you are not allowed to access this api ([redacted])`,
    );
    expect(forbidden.message).not.toContain(APP_TOKEN);
  });

  it("treats 400 (a message Gotify will not take) as permanent", async () => {
    sink.reply(refuse(400, "Bad Request", "Field 'message' is required"));
    const error = await failure(gotify(app(), downMessage, testEnv()));
    expect([error.retryable, error.message]).toEqual([
      false,
      `Gotify ${sink.url}: HTTP 400: Bad Request: Field 'message' is required`,
    ]);
  });

  it("retries a 502 from a proxy in front of Gotify, a 500, and a server that does not answer", async () => {
    sink.reply(() => ({ status: 502, body: "<html>502 Bad Gateway</html>" }));
    expect((await failure(gotify(app(), downMessage, testEnv()))).retryable).toBe(true);
    sink.reply(refuse(500, "Internal Server Error", "database is locked"));
    const internal = await failure(gotify(app(), downMessage, testEnv()));
    expect([internal.retryable, internal.message]).toEqual([
      true,
      `Gotify ${sink.url}: HTTP 500: Internal Server Error: database is locked`,
    ]);
    sink.reply(() => "hang");
    const slow = await failure(gotify(app(), downMessage, testEnv({ timeoutMs: 200 })));
    expect([slow.retryable, slow.message]).toEqual([true, `Gotify ${sink.url}: no answer within 200 ms`]);
  });

  it("refuses to send without a stored token, naming the field", async () => {
    const error = await failure(gotify(channel("gotify", { server: sink.url }, {}), downMessage, testEnv()));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(
      /^gotify channel "gotify on call" has invalid settings: secret\.app_token: /,
    );
    expect(sink.received).toHaveLength(0);
  });
});

describe("gotify settings", () => {
  it("accepts an https server, and http for a home-lab server on the LAN", () => {
    expect(GotifyConfig.safeParse({ server: "https://push.example.com" }).success).toBe(true);
    expect(GotifyConfig.safeParse({ server: "http://192.168.1.5:8080/gotify" }).success).toBe(true);
  });

  it.each([
    [{ config: {}, secret: { app_token: APP_TOKEN } }, ["config", "server"]],
    [{ config: { server: "gotify.example.com" }, secret: { app_token: APP_TOKEN } }, ["config", "server"]],
    [
      { config: { server: "https://u:p@gotify.example.com" }, secret: { app_token: APP_TOKEN } },
      ["config", "server"],
    ],
    [
      { config: { server: "https://gotify.example.com" }, secret: { app_token: "has space" } },
      ["secret", "app_token"],
    ],
    [{ config: { server: "https://gotify.example.com", app_token: APP_TOKEN }, secret: {} }, ["config"]],
  ])("rejects %j, naming %j", (settings, path) => {
    const result = ChannelSettings.safeParse({ kind: "gotify", ...settings });
    expect(result.error?.issues[0]?.path).toEqual(path);
  });
});
