/**
 * Pushover's POST /1/messages.json, as its API documentation describes it (see
 * src/notify/pushover.ts): JSON `{ token, user, title, message, url, url_title, priority }`;
 * `{ status: 1, request }`, or a 4xx `{ status: 0, errors: [...], request }`.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChannelSettings, PushoverConfig } from "../../src/notify/index.ts";
import { pushover } from "../../src/notify/pushover.ts";
import { channel, downMessage, failure, restoredMessage, type Sink, startSink, testEnv } from "./helpers.ts";

const APP_TOKEN = "azGDORePK8gMaC0QOYAMyEEuzJnyUi";
const USER_KEY = "uQiRzpo4DXghDmr9QzzfQu27cmVRsG";
const ACK_URL = "https://custos.example.com/ack/ak_0123456789abcdefghijklmnopqrstuv";
const REQUEST_ID = "5042853c-402d-4a18-abcb-168734a801de";

const accepted = () => ({
  status: 200,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ status: 1, request: REQUEST_ID }),
});

const refuse =
  (status: number, errors: string[], extra: Record<string, string> = {}) =>
  () => ({
    status,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...extra, errors, status: 0, request: REQUEST_ID }),
  });

describe("pushover notifier", () => {
  let sink: Sink;
  let env: ReturnType<typeof testEnv>;
  const user = (config: Record<string, unknown> = {}) =>
    channel("pushover", config, { app_token: APP_TOKEN, user_key: USER_KEY });
  beforeEach(async () => {
    sink = await startSink(accepted);
    env = testEnv({ pushoverBaseUrl: sink.url });
  });
  afterEach(() => sink.close());

  it("posts /1/messages.json as JSON with token, user, title, the text with the incident link, and the link as its URL", async () => {
    await pushover(user(), downMessage, env);

    expect(sink.received).toHaveLength(1);
    const [request] = sink.received;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/1/messages.json");
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request?.body ?? "")).toEqual({
      token: APP_TOKEN,
      user: USER_KEY,
      title: "DOWN: web-1 (heartbeat missed)",
      message: `${downMessage.text}\n\n${downMessage.url}`,
      url: downMessage.url,
      url_title: "Open in Custos",
      priority: 1,
    });
  });

  it("makes a page's supplementary URL the acknowledge link, keeping the incident link in the text", async () => {
    await pushover(user({ device: "phone" }), { ...downMessage, ack_url: ACK_URL }, env);
    const body = JSON.parse(sink.received[0]?.body ?? "");
    expect(body).toMatchObject({
      url: ACK_URL,
      url_title: "Acknowledge (stops escalation and reminders)",
      device: "phone",
      message: `${downMessage.text}\n\n${downMessage.url}`,
    });
  });

  it.each([
    ["down", "critical", 1],
    ["down", "warning", 0],
    ["escalation", "critical", 1],
    ["flapping", "warning", 0],
    ["restored", "info", 0],
    ["test", "info", 0],
  ] as const)(
    "sends a %s (%s) message with priority %i, never emergency",
    async (event, severity, priority) => {
      await pushover(user(), { ...restoredMessage, event, severity }, env);
      expect(JSON.parse(sink.received[0]?.body ?? "").priority).toBe(priority);
    },
  );

  it("cuts the text to Pushover's 1024 characters and the title to 250, keeping the incident link whole", async () => {
    await pushover(user(), { ...downMessage, title: "T".repeat(400), text: "x".repeat(3000) }, env);
    const body = JSON.parse(sink.received[0]?.body ?? "");
    expect(Array.from(body.message as string).length).toBeLessThanOrEqual(1024);
    expect(body.message.endsWith(`x…\n\n${downMessage.url}`)).toBe(true);
    expect(Array.from(body.title as string).length).toBe(250);
  });

  it("treats an invalid token or user key (4xx, status 0) as permanent, quoting Pushover's errors without the keys", async () => {
    sink.reply(refuse(400, ["application token is invalid"], { token: "invalid" }));
    const token = await failure(pushover(user(), downMessage, env));
    expect([token.retryable, token.message]).toEqual([
      false,
      "Pushover: HTTP 400: application token is invalid",
    ]);

    sink.reply(
      refuse(400, [`user identifier is not a valid user, group, or subscribed user key (${USER_KEY})`], {
        user: "invalid",
      }),
    );
    const key = await failure(pushover(user(), downMessage, env));
    expect(key.retryable).toBe(false);
    expect(key.message).toBe(
      "Pushover: HTTP 400: user identifier is not a valid user, group, or subscribed user key ([redacted])",
    );
    expect(key.message).not.toContain(USER_KEY);
    expect(key.message).not.toContain(APP_TOKEN);
  });

  it("retries a 429 (monthly limit reached) and a 5xx", async () => {
    sink.reply(refuse(429, ["application has exceeded its monthly message limit"]));
    const limited = await failure(pushover(user(), downMessage, env));
    expect([limited.retryable, limited.message]).toEqual([
      true,
      "Pushover: HTTP 429: application has exceeded its monthly message limit",
    ]);
    sink.reply(() => ({ status: 503, headers: { "retry-after": "5" }, body: "Service Unavailable" }));
    const down = await failure(pushover(user(), downMessage, env));
    expect([down.retryable, down.message]).toEqual([
      true,
      "Pushover: HTTP 503: Service Unavailable; retry after 5 s",
    ]);
    sink.reply(() => "hang");
    const slow = await failure(
      pushover(user(), downMessage, testEnv({ pushoverBaseUrl: sink.url, timeoutMs: 200 })),
    );
    expect([slow.retryable, slow.message]).toEqual([true, "Pushover: no answer within 200 ms"]);
  });

  it("refuses to send with a malformed stored user key, naming the field but not the value", async () => {
    const error = await failure(
      pushover(channel("pushover", {}, { app_token: APP_TOKEN, user_key: "s3cr3t-short" }), downMessage, env),
    );
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      'pushover channel "pushover on call" has invalid settings: secret.user_key: must be a Pushover user or group key (30 letters and digits)',
    );
    expect(error.message).not.toContain("s3cr3t");
    expect(sink.received).toHaveLength(0);
  });
});

describe("pushover settings", () => {
  it("takes a device list written with spaces and stores it as Pushover's comma-separated names", () => {
    expect(PushoverConfig.parse({ device: "phone, tablet ,desk_1" })).toEqual({
      device: "phone,tablet,desk_1",
    });
    expect(PushoverConfig.parse({})).toEqual({});
  });

  it.each([
    [{ secret: { app_token: APP_TOKEN } }, ["secret", "user_key"]],
    [{ secret: { app_token: "short", user_key: USER_KEY } }, ["secret", "app_token"]],
    [{ secret: { app_token: APP_TOKEN, user_key: `${USER_KEY.slice(0, 29)}!` } }, ["secret", "user_key"]],
    [
      { config: { device: "my phone" }, secret: { app_token: APP_TOKEN, user_key: USER_KEY } },
      ["config", "device"],
    ],
    [{ config: { user_key: USER_KEY }, secret: { app_token: APP_TOKEN, user_key: USER_KEY } }, ["config"]],
  ])("rejects %j, naming %j", (settings, path) => {
    const result = ChannelSettings.safeParse({ kind: "pushover", ...settings });
    expect(result.error?.issues[0]?.path).toEqual(path);
  });
});
