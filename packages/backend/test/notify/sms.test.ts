import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChannelSettings, SmsConfig } from "../../src/notify/index.ts";
import { sms } from "../../src/notify/sms.ts";
import {
  channel,
  downMessage,
  failure,
  type Received,
  type Reply,
  type Sink,
  startSink,
  testEnv,
} from "./helpers.ts";

const ACCOUNT_SID = `AC${"a1".repeat(16)}`;
const AUTH_TOKEN = "s3cr3tTwilioAuthToken0000000000";
const MESSAGES_PATH = `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`;
const INVALID = "+15005550001"; // Twilio's magic test number for "invalid To"

/** Twilio's Messages API: 201 with the message resource, or its JSON error for chosen numbers. */
function twilio(errors: Record<string, Reply> = {}) {
  return (request: Received): Reply => {
    const to = new URLSearchParams(request.body).get("To") ?? "";
    const error = errors[to];
    if (error) return error;
    return {
      status: 201,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ sid: `SM${"0".repeat(32)}`, to, status: "queued" }),
    };
  };
}

function twilioError(
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): Reply {
  return {
    status,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }),
  };
}

const form = (request: Received | undefined) => Object.fromEntries(new URLSearchParams(request?.body ?? ""));

describe("sms notifier (Twilio)", () => {
  let sink: Sink;
  beforeEach(async () => {
    sink = await startSink(twilio());
  });
  afterEach(() => sink.close());

  const env = (overrides = {}) => testEnv({ twilioBaseUrl: sink.url, ...overrides });
  const phones = (to: string[], sender: Record<string, string> = { from: "+14155550100" }) =>
    channel("sms", { to, ...sender }, { account_sid: ACCOUNT_SID, auth_token: AUTH_TOKEN });

  it("posts one form-encoded message per number with Basic auth to the account's Messages.json", async () => {
    await sms(phones(["+14155550123", "+447700900123"]), downMessage, env());

    expect(sink.received).toHaveLength(2);
    for (const request of sink.received) {
      expect(request.method).toBe("POST");
      expect(request.path).toBe(MESSAGES_PATH);
      expect(request.headers["content-type"]).toBe("application/x-www-form-urlencoded");
      expect(request.headers.authorization).toBe(
        `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64")}`,
      );
    }
    expect(sink.received.map((r) => form(r).To).sort()).toEqual(["+14155550123", "+447700900123"]);
    expect(form(sink.received[0])).toEqual({
      To: expect.any(String),
      From: "+14155550100",
      Body: `DOWN: web-1 (heartbeat missed)\nweb-1 has not sent a heartbeat since 10:00:00 UTC (timeout 120 s).\n${downMessage.url}`,
    });
  });

  it("sends through a Messaging Service instead of a From number when configured", async () => {
    const service = `MG${"b2".repeat(16)}`;
    await sms(phones(["+14155550123"], { messaging_service_sid: service }), downMessage, env());
    expect(form(sink.received[0]).MessagingServiceSid).toBe(service);
    expect(form(sink.received[0]).From).toBeUndefined();
  });

  it("keeps the body to the title, first line and the incident's link whole, at most 320 characters", async () => {
    const long = { ...downMessage, text: `${"x".repeat(500)}\nsecond line` };
    await sms(phones(["+14155550123"]), long, env());
    const body = form(sink.received[0]).Body ?? "";
    expect(Array.from(body)).toHaveLength(320);
    expect(body.startsWith("DOWN: web-1 (heartbeat missed)\nxxx")).toBe(true);
    expect(body.endsWith(`…\n${downMessage.url}`)).toBe(true);
    expect(body).not.toContain("second line");
  });

  it("sends each number once even if it is listed twice", async () => {
    await sms(phones(["+14155550123", "+14155550123"]), downMessage, env());
    expect(sink.received).toHaveLength(1);
  });

  it("treats an invalid number (400, code 21211) as permanent and quotes Twilio's code and message", async () => {
    sink.reply(
      twilio({
        [INVALID]: twilioError(400, 21211, `The 'To' number ${INVALID} is not a valid phone number.`),
      }),
    );
    const error = await failure(sms(phones([INVALID]), downMessage, env()));
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      `Twilio: HTTP 400: 21211 The 'To' number ${INVALID} is not a valid phone number.`,
    );
  });

  it("treats bad credentials (401, code 20003) as permanent", async () => {
    sink.reply(() => twilioError(401, 20003, "Authenticate"));
    const error = await failure(sms(phones(["+14155550123"]), downMessage, env()));
    expect(error.retryable).toBe(false);
  });

  it("retries a 429 (code 20429, with Retry-After) and a 500", async () => {
    sink.reply(() => twilioError(429, 20429, "Too Many Requests", { "retry-after": "5" }));
    const limited = await failure(sms(phones(["+14155550123"]), downMessage, env()));
    expect(limited.retryable).toBe(true);
    expect(limited.message).toBe("Twilio: HTTP 429: 20429 Too Many Requests; retry after 5 s");

    sink.reply(() => ({ status: 500, body: "Internal Server Error" }));
    expect((await failure(sms(phones(["+14155550123"]), downMessage, env()))).retryable).toBe(true);
  });

  it("on partial failure names the failed numbers, lists the delivered ones, and retries if any failure can heal", async () => {
    sink.reply(
      twilio({
        [INVALID]: twilioError(400, 21211, `The 'To' number ${INVALID} is not a valid phone number.`),
        "+14155550199": twilioError(503, 20503, "Service Unavailable"),
      }),
    );
    const error = await failure(sms(phones(["+14155550123", INVALID, "+14155550199"]), downMessage, env()));
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(
      `SMS failed for 2 of 3 numbers (${INVALID}: Twilio: HTTP 400: 21211 The 'To' number ${INVALID} is not a valid phone number.; ` +
        "+14155550199: Twilio: HTTP 503: 20503 Service Unavailable); delivered to +14155550123",
    );
    expect(sink.received).toHaveLength(3);
  });

  it("on partial failure with only permanent failures is not retryable", async () => {
    sink.reply(twilio({ [INVALID]: twilioError(400, 21211, "invalid") }));
    const error = await failure(sms(phones(["+14155550123", INVALID]), downMessage, env()));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(
      /^SMS failed for 1 of 2 numbers \(\+15005550001: .*\); delivered to \+14155550123$/,
    );
  });

  it("keeps the auth token out of the error even when the answer echoes the credentials", async () => {
    sink.reply((request) =>
      twilioError(401, 20003, `Authenticate ${request.headers.authorization} ${AUTH_TOKEN}`),
    );
    const error = await failure(sms(phones(["+14155550123"]), downMessage, env()));
    const basic = Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64");
    expect(error.message).not.toContain(AUTH_TOKEN);
    expect(error.message).not.toContain(basic);
  });

  it("gives up after timeoutMs as a retryable failure", async () => {
    sink.reply(() => "hang");
    const error = await failure(sms(phones(["+14155550123"]), downMessage, env({ timeoutMs: 200 })));
    expect(error.retryable).toBe(true);
    expect(error.message).toBe("Twilio: no answer within 200 ms");
  });
});

describe("sms settings", () => {
  it("names the bad number's position in `to`", () => {
    const result = SmsConfig.safeParse({ to: ["+14155550123", "0041 79 123 45 67"], from: "+14155550100" });
    expect(result.error?.issues[0]?.path).toEqual(["to", 1]);
    expect(result.error?.issues[0]?.message).toBe("must be a phone number in E.164 form, e.g. +14155550123");
  });

  it("names config.to.0 through ChannelSettings", () => {
    const result = ChannelSettings.safeParse({
      kind: "sms",
      config: { to: ["555-0123"], from: "+14155550100" },
      secret: { account_sid: ACCOUNT_SID, auth_token: AUTH_TOKEN },
    });
    expect(result.error?.issues.map((i) => i.path.join("."))).toEqual(["config.to.0"]);
  });

  it("requires exactly one of from and messaging_service_sid", () => {
    const neither = SmsConfig.safeParse({ to: ["+14155550123"] });
    expect(neither.error?.issues[0]?.path).toEqual(["from"]);
    const both = SmsConfig.safeParse({
      to: ["+14155550123"],
      from: "+14155550100",
      messaging_service_sid: `MG${"0".repeat(32)}`,
    });
    expect(both.error?.issues[0]?.message).toBe("set exactly one of from and messaging_service_sid");
  });

  it("rejects an account SID that is not AC + 32 hex digits, naming secret.account_sid", () => {
    const result = ChannelSettings.safeParse({
      kind: "sms",
      config: { to: ["+14155550123"], from: "+14155550100" },
      secret: { account_sid: "ACnope", auth_token: AUTH_TOKEN },
    });
    expect(result.error?.issues[0]?.path).toEqual(["secret", "account_sid"]);
  });
});
