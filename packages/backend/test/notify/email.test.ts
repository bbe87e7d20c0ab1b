import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { email } from "../../src/notify/email.ts";
import { ChannelSettings, EmailConfig, type SmtpTransport } from "../../src/notify/index.ts";
import { channel, downMessage, failure, restoredMessage, type Sink, startSink, testEnv } from "./helpers.ts";

const RESEND_KEY = "re_s3cr3tResendKey_0000000000";
const SERVER_KEY = "re_serverWideKey_1111111111";

type Mail = Parameters<SmtpTransport["send"]>[0];

/** An SMTP transport that records mails, or fails the way `fail` says. */
function fakeSmtp(fail?: () => Promise<never>) {
  const sent: Mail[] = [];
  const transport: SmtpTransport = {
    async send(mail) {
      if (fail) await fail();
      sent.push(mail);
    },
  };
  return { sent, transport };
}

const inbox = (to = ["oncall@example.com", "ops@example.com"], secret: Record<string, unknown> = {}) =>
  channel("email", { to }, secret);

describe("email notifier over SMTP", () => {
  it("hands from, recipients, subject and text with the incident link to the SMTP transport", async () => {
    const smtp = fakeSmtp();
    await email(inbox(), downMessage, testEnv({ emailTransport: "smtp", smtp: smtp.transport }));

    expect(smtp.sent).toEqual([
      {
        from: "Custos <alerts@custos.test>",
        to: ["oncall@example.com", "ops@example.com"],
        subject: "[Acme] DOWN: web-1 (heartbeat missed)",
        text: `${downMessage.text}\n\n${downMessage.url}\n\n-- \nCustos · Acme\n`,
      },
    ]);
  });

  it("fails permanently with 'SMTP is not configured' when custos-server has no transport", async () => {
    const error = await failure(email(inbox(), restoredMessage, testEnv({ emailTransport: "smtp" })));
    expect(error.retryable).toBe(false);
    expect(error.message).toBe("SMTP is not configured");
  });

  it("treats a 5xx SMTP reply as permanent and a 4xx reply as temporary", async () => {
    const rejected = fakeSmtp(() =>
      Promise.reject(
        Object.assign(new Error("Can't send mail - all recipients were rejected: 550 5.1.1 unknown user"), {
          code: "EENVELOPE",
          responseCode: 550,
        }),
      ),
    );
    const permanent = await failure(email(inbox(), downMessage, testEnv({ smtp: rejected.transport })));
    expect(permanent.retryable).toBe(false);
    expect(permanent.message).toBe(
      "SMTP: Can't send mail - all recipients were rejected: 550 5.1.1 unknown user",
    );

    const greylisted = fakeSmtp(() =>
      Promise.reject(
        Object.assign(new Error("451 4.7.1 greylisted, try again later"), {
          code: "EENVELOPE",
          responseCode: 451,
        }),
      ),
    );
    expect(
      (await failure(email(inbox(), downMessage, testEnv({ smtp: greylisted.transport })))).retryable,
    ).toBe(true);
  });

  it("follows the transport's own retryable verdict, and retries a dropped connection", async () => {
    const decided = fakeSmtp(() =>
      Promise.reject(Object.assign(new Error("login refused"), { retryable: false })),
    );
    expect((await failure(email(inbox(), downMessage, testEnv({ smtp: decided.transport })))).retryable).toBe(
      false,
    );

    const dropped = fakeSmtp(() =>
      Promise.reject(Object.assign(new Error("Connection closed"), { code: "ECONNECTION" })),
    );
    expect((await failure(email(inbox(), downMessage, testEnv({ smtp: dropped.transport })))).retryable).toBe(
      true,
    );
  });

  it("gives up after timeoutMs when the SMTP server stalls, as a retryable failure", async () => {
    const stalled: SmtpTransport = { send: () => new Promise(() => undefined) };
    const error = await failure(email(inbox(), downMessage, testEnv({ smtp: stalled, timeoutMs: 200 })));
    expect(error.retryable).toBe(true);
    expect(error.message).toBe("SMTP: no answer within 200 ms");
  });
});

describe("email notifier over Resend", () => {
  let sink: Sink;
  beforeEach(async () => {
    sink = await startSink(() => ({
      status: 200,
      headers: { "content-type": "application/json" },
      body: '{"id":"49a3999c-0ce1-4ea6-ab68-afcd6dc2e794"}',
    }));
  });
  afterEach(() => sink.close());

  const env = (overrides = {}) =>
    testEnv({ emailTransport: "resend", resendBaseUrl: sink.url, ...overrides });

  it("posts { from, to, subject, text } to /emails with the channel's API key as Bearer", async () => {
    await email(
      inbox(undefined, { resend_api_key: RESEND_KEY }),
      downMessage,
      env({ resendApiKey: SERVER_KEY }),
    );

    expect(sink.received).toHaveLength(1);
    const [request] = sink.received;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/emails");
    expect(request?.headers.authorization).toBe(`Bearer ${RESEND_KEY}`);
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(request?.body ?? "")).toEqual({
      from: "Custos <alerts@custos.test>",
      to: ["oncall@example.com", "ops@example.com"],
      subject: "[Acme] DOWN: web-1 (heartbeat missed)",
      text: `${downMessage.text}\n\n${downMessage.url}\n\n-- \nCustos · Acme\n`,
    });
  });

  it("uses the server-wide key when the channel has none", async () => {
    await email(inbox(), downMessage, env({ resendApiKey: SERVER_KEY }));
    expect(sink.received[0]?.headers.authorization).toBe(`Bearer ${SERVER_KEY}`);
  });

  it("fails permanently without sending when there is no key at all", async () => {
    const error = await failure(email(inbox(), downMessage, env()));
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/^Resend: no API key/);
    expect(sink.received).toHaveLength(0);
  });

  it("treats 422 validation_error and 403 invalid_api_key as permanent, quoting Resend's name and message", async () => {
    sink.reply(() => ({
      status: 422,
      body: JSON.stringify({ statusCode: 422, name: "validation_error", message: "Invalid `from` field." }),
    }));
    const invalid = await failure(
      email(inbox(undefined, { resend_api_key: RESEND_KEY }), downMessage, env()),
    );
    expect(invalid.retryable).toBe(false);
    expect(invalid.message).toBe("Resend: HTTP 422: validation_error: Invalid `from` field.");

    sink.reply((request) => ({
      status: 403,
      body: JSON.stringify({
        statusCode: 403,
        name: "invalid_api_key",
        message: `API key is invalid: ${request.headers.authorization}`,
      }),
    }));
    const forbidden = await failure(
      email(inbox(undefined, { resend_api_key: RESEND_KEY }), downMessage, env()),
    );
    expect(forbidden.retryable).toBe(false);
    expect(forbidden.message).toBe(
      "Resend: HTTP 403: invalid_api_key: API key is invalid: Bearer [redacted]",
    );
    expect(forbidden.message).not.toContain(RESEND_KEY);
  });

  it("retries 429 rate_limit_exceeded with its Retry-After, and 500", async () => {
    sink.reply(() => ({
      status: 429,
      headers: { "retry-after": "1" },
      body: JSON.stringify({ statusCode: 429, name: "rate_limit_exceeded", message: "Too many requests." }),
    }));
    const limited = await failure(email(inbox(), downMessage, env({ resendApiKey: SERVER_KEY })));
    expect(limited.retryable).toBe(true);
    expect(limited.message).toBe(
      "Resend: HTTP 429: rate_limit_exceeded: Too many requests.; retry after 1 s",
    );

    sink.reply(() => ({
      status: 500,
      body: JSON.stringify({ statusCode: 500, name: "application_error", message: "x" }),
    }));
    expect((await failure(email(inbox(), downMessage, env({ resendApiKey: SERVER_KEY })))).retryable).toBe(
      true,
    );
  });

  it("gives up after timeoutMs as a retryable failure", async () => {
    sink.reply(() => "hang");
    const error = await failure(
      email(inbox(), downMessage, env({ resendApiKey: SERVER_KEY, timeoutMs: 200 })),
    );
    expect(error.retryable).toBe(true);
    expect(error.message).toBe("Resend: no answer within 200 ms");
  });
});

describe("email settings", () => {
  it("names the bad address's position in `to`", () => {
    const result = EmailConfig.safeParse({ to: ["oncall@example.com", "not-an-address"] });
    expect(result.error?.issues[0]?.path).toEqual(["to", 1]);
    expect(result.error?.issues[0]?.message).toBe("must be an email address");
  });

  it("requires at least one address and allows no unknown keys", () => {
    expect(ChannelSettings.safeParse({ kind: "email", config: { to: [] } }).error?.issues[0]?.path).toEqual([
      "config",
      "to",
    ]);
    const unknown = ChannelSettings.safeParse({
      kind: "email",
      config: { to: ["a@example.com"] },
      secret: { password: "x" },
    });
    expect(unknown.error?.issues[0]?.path).toEqual(["secret"]);
  });
});
