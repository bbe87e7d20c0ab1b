/**
 * What each chat-app and paging channel kind (Discord, Telegram, Gotify, Pushover, PagerDuty,
 * Matrix, Teams) owes the
 * recipient and the operator, checked the same way for each: the incident link always, the
 * acknowledge link on a page and never on a recovery, and no secret in an error even when the
 * provider echoes the whole request back.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { secretValues } from "../../src/notify/http.ts";
import { type Channel, deliver, type NotifierEnv } from "../../src/notify/index.ts";
import { channel, downMessage, failure, restoredMessage, type Sink, startSink, testEnv } from "./helpers.ts";

const ACK_URL = "https://custos.example.com/ack/ak_0123456789abcdefghijklmnopqrstuv";

const kinds: {
  kind: Channel["kind"];
  make: (sink: Sink) => Channel;
  /** PagerDuty's resolve names the alert by its dedup key only: the event takes no links. */
  recoveryHasLink?: false;
}[] = [
  {
    kind: "discord",
    make: (sink) =>
      channel("discord", {}, { webhook_url: `${sink.url}/api/webhooks/42/d1sc0rdS3cr3tT0ken-abcdef` }),
  },
  {
    kind: "telegram",
    make: () =>
      channel("telegram", { chat_id: "-100123" }, { bot_token: "123456:AAHt3l3gr4mS3cr3tT0kenXXXXXXXX" }),
  },
  {
    kind: "gotify",
    make: (sink) => channel("gotify", { server: sink.url }, { app_token: "AqG0t1fyS3cr3t.x" }),
  },
  {
    kind: "pushover",
    make: () =>
      channel(
        "pushover",
        {},
        { app_token: "aP0shoverAppT0kenXXXXXXXXXXXXX", user_key: "uP0shoverUserKeyXXXXXXXXXXXXXX" },
      ),
  },
  {
    kind: "pagerduty",
    make: () => channel("pagerduty", {}, { routing_key: "pAg3rDutyR0ut1ngK3yXXXXXXXXXXXXX" }),
    recoveryHasLink: false,
  },
  {
    kind: "matrix",
    make: (sink) =>
      channel(
        "matrix",
        { homeserver: sink.url, room_id: "!ops:example.org" },
        { access_token: "syt_m4tr1xS3cr3t" },
      ),
  },
  {
    kind: "teams",
    make: (sink) =>
      channel(
        "teams",
        {},
        { webhook_url: `${sink.url}/workflows/1/triggers/manual/paths/invoke?sig=t3amsS1gS3cr3t` },
      ),
  },
];

describe.each(kinds)("$kind", ({ make, recoveryHasLink }) => {
  let sink: Sink;
  let env: NotifierEnv;
  beforeEach(async () => {
    sink = await startSink(() => ({
      status: 200,
      headers: { "content-type": "application/json" },
      body: '{"ok":true,"status":1}',
    }));
    env = testEnv({ telegramBaseUrl: sink.url, pushoverBaseUrl: sink.url, pagerdutyBaseUrl: sink.url });
  });
  afterEach(() => sink.close());

  it("links a page to its incident and carries its acknowledge link", async () => {
    await deliver(make(sink), { ...downMessage, ack_url: ACK_URL }, env);
    const raw = JSON.stringify(sink.received[0]);
    expect(raw).toContain(downMessage.url);
    expect(raw).toContain(ACK_URL);
  });

  it("links a recovery to its incident, without an acknowledge link", async () => {
    await deliver(
      make(sink),
      { ...restoredMessage, incident_key: "s1:heartbeat:2026-03-01T10:00:00.000Z" },
      env,
    );
    const raw = JSON.stringify(sink.received[0]);
    expect(raw).toContain(
      recoveryHasLink === false ? "s1:heartbeat:2026-03-01T10:00:00.000Z" : downMessage.url,
    );
    expect(raw).not.toContain("/ack/");
  });

  it("keeps every secret out of the error when the provider echoes the request back", async () => {
    const ch = make(sink);
    sink.reply((request) => ({
      status: 400,
      body: `rejected ${request.path} ${String(request.headers["x-gotify-key"] ?? "")} ${String(request.headers.authorization ?? "")} ${request.body.slice(0, 120)}`,
    }));
    const error = await failure(deliver(ch, downMessage, env));
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("[redacted]");
    for (const secret of secretValues(ch.secret)) expect(error.message).not.toContain(secret);
  });
});
