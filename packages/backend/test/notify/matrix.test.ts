/**
 * Matrix's "send a message event" as the client-server specification describes it
 * (spec.matrix.org client-server API, PUT /_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId},
 * m.room.message with msgtype m.text and org.matrix.custom.html; see src/notify/matrix.ts):
 * `Authorization: Bearer`, 200 `{ event_id }`, errors `{ errcode, error }`, 429 with
 * `retry_after_ms`.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChannelSettings, type NotificationMessage } from "../../src/notify/index.ts";
import { matrix } from "../../src/notify/matrix.ts";
import { channel, downMessage, failure, restoredMessage, type Sink, startSink, testEnv } from "./helpers.ts";

const TOKEN = "syt_Y3VzdG9z_M4tr1xS3cr3tT0ken_0abc12";
const ROOM = "!OpsRoom42:example.org";
const ACK_URL = "https://custos.example.com/ack/ak_0123456789abcdefghijklmnopqrstuv";
const page: NotificationMessage = { ...downMessage, ack_url: ACK_URL, notification_id: "outbox:41" };

const stored = () => ({
  status: 200,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ event_id: "$YUwRidLecu:example.org" }),
});

describe("matrix notifier", () => {
  let sink: Sink;
  const room = (homeserver = sink.url, roomId = ROOM) =>
    channel("matrix", { homeserver, room_id: roomId }, { access_token: TOKEN });
  beforeEach(async () => {
    sink = await startSink(stored);
  });
  afterEach(() => sink.close());

  it("PUTs an m.room.message with the token as a Bearer, plain and HTML bodies, and both links", async () => {
    await matrix(room(), page, testEnv());

    const [request] = sink.received;
    expect(request?.method).toBe("PUT");
    expect(request?.path).toMatch(
      /^\/_matrix\/client\/v3\/rooms\/!OpsRoom42%3Aexample\.org\/send\/m\.room\.message\/custos-[0-9a-f]{16}$/,
    );
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request?.headers["content-type"]).toBe("application/json");
    const content = JSON.parse(request?.body ?? "");
    expect(content).toMatchObject({ msgtype: "m.text", format: "org.matrix.custom.html" });
    expect(content.body).toBe(
      `🔴 ${page.title}\n${page.text}\n\n${page.url}\n\nAcknowledge (stops escalation and reminders): ${ACK_URL}`,
    );
    expect(content.formatted_body).toContain(`<a href="${page.url}">Open in Custos</a>`);
    expect(content.formatted_body).toContain(`<b><a href="${ACK_URL}">Acknowledge</a></b>`);
  });

  it("sends a retry of the same notification under the same txnId, and another notification under another", async () => {
    await matrix(room(), page, testEnv());
    await matrix(room(), page, testEnv());
    await matrix(room(), { ...restoredMessage, notification_id: "outbox:42" }, testEnv());
    const [first, retry, other] = sink.received.map((r) => r.path.split("/").at(-1));
    expect(retry).toBe(first);
    expect(other).not.toBe(first);
  });

  it("carries no acknowledge link in a recovery, and escapes HTML in the words", async () => {
    await matrix(
      room(),
      { ...restoredMessage, title: "RESTORED: <web-1> & co", notification_id: "outbox:7" },
      testEnv(),
    );
    const content = JSON.parse(sink.received[0]?.body ?? "");
    expect(content.body).not.toContain("/ack/");
    expect(content.formatted_body).toContain("RESTORED: &lt;web-1&gt; &amp; co");
    expect(content.formatted_body).not.toContain("<web-1>");
  });

  it("posts under a homeserver's path prefix, ignoring a trailing slash", async () => {
    await matrix(room(`${sink.url}/matrix/`), page, testEnv());
    expect(sink.received[0]?.path).toMatch(/^\/matrix\/_matrix\/client\/v3\/rooms\//);
  });

  it("treats an unknown token and a room it may not post in as permanent, without the token", async () => {
    sink.reply(() => ({
      status: 401,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ errcode: "M_UNKNOWN_TOKEN", error: `Unrecognised access token ${TOKEN}` }),
    }));
    const unknown = await failure(matrix(room(), page, testEnv()));
    expect([unknown.retryable, unknown.message]).toEqual([
      false,
      `Matrix ${sink.url}: HTTP 401: M_UNKNOWN_TOKEN: Unrecognised access token [redacted]`,
    ]);
    sink.reply(() => ({
      status: 403,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ errcode: "M_FORBIDDEN", error: "User @custos:example.org not in room" }),
    }));
    const forbidden = await failure(matrix(room(), page, testEnv()));
    expect([forbidden.retryable, forbidden.message]).toEqual([
      false,
      `Matrix ${sink.url}: HTTP 403: M_FORBIDDEN: User @custos:example.org not in room`,
    ]);
  });

  it("retries a rate limit after retry_after_ms, a 502 and a homeserver that does not answer", async () => {
    sink.reply(() => ({
      status: 429,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ errcode: "M_LIMIT_EXCEEDED", error: "Too Many Requests", retry_after_ms: 2500 }),
    }));
    const limited = await failure(matrix(room(), page, testEnv()));
    expect([limited.retryable, limited.message]).toEqual([
      true,
      `Matrix ${sink.url}: HTTP 429: M_LIMIT_EXCEEDED: Too Many Requests; retry after 3 s`,
    ]);
    sink.reply(() => ({ status: 502, body: "<html>bad gateway</html>" }));
    expect((await failure(matrix(room(), page, testEnv()))).retryable).toBe(true);
    sink.reply(() => "hang");
    const slow = await failure(matrix(room(), page, testEnv({ timeoutMs: 200 })));
    expect([slow.retryable, slow.message]).toEqual([true, `Matrix ${sink.url}: no answer within 200 ms`]);
  });
});

describe("matrix settings", () => {
  const ok = { homeserver: "https://matrix.example.org", room_id: ROOM };
  it("accepts a room id with and without a server part (room version 12), and a LAN homeserver over http", () => {
    for (const config of [
      ok,
      { ...ok, room_id: "!aBcDeFgH1234567890" },
      { ...ok, homeserver: "http://10.0.0.5:8008" },
    ]) {
      expect(
        ChannelSettings.safeParse({ kind: "matrix", config, secret: { access_token: TOKEN } }).success,
      ).toBe(true);
    }
  });

  it.each([
    [
      { config: { ...ok, room_id: "#ops:example.org" }, secret: { access_token: TOKEN } },
      ["config", "room_id"],
    ],
    [
      { config: { ...ok, room_id: `!${"a".repeat(300)}:example.org` }, secret: { access_token: TOKEN } },
      ["config", "room_id"],
    ],
    [
      { config: { ...ok, room_id: "!ops room:example.org" }, secret: { access_token: TOKEN } },
      ["config", "room_id"],
    ],
    [
      { config: { ...ok, room_id: "!ops/../../admin:example.org" }, secret: { access_token: TOKEN } },
      ["config", "room_id"],
    ],
    [{ config: { room_id: ROOM }, secret: { access_token: TOKEN } }, ["config", "homeserver"]],
    [
      { config: { ...ok, homeserver: "matrix.example.org" }, secret: { access_token: TOKEN } },
      ["config", "homeserver"],
    ],
    [{ config: ok, secret: {} }, ["secret", "access_token"]],
    [{ config: ok, secret: { access_token: "has space" } }, ["secret", "access_token"]],
    [{ config: ok, secret: { access_token: "t".repeat(1001) } }, ["secret", "access_token"]],
    [{ config: { ...ok, access_token: TOKEN }, secret: { access_token: TOKEN } }, ["config"]],
  ])("rejects %j, naming %j", (settings, path) => {
    const result = ChannelSettings.safeParse({ kind: "matrix", ...settings });
    expect(result.error?.issues[0]?.path).toEqual(path);
  });
});
