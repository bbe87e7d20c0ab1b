import { NotificationChannelKind } from "@custos/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Channel, ChannelSettings, deliver, notifiers } from "../../src/notify/index.ts";
import { channel, downMessage, failure, type Sink, startSink, testEnv } from "./helpers.ts";

describe("deliver", () => {
  let sink: Sink;
  beforeEach(async () => {
    sink = await startSink(() => ({ status: 200 }));
  });
  afterEach(() => sink.close());

  it("has a notifier for every channel kind", () => {
    expect(Object.keys(notifiers).sort()).toEqual([...NotificationChannelKind.options].sort());
  });

  it("sends through the notifier of the channel's kind", async () => {
    await deliver(channel("ntfy", { server: sink.url, topic: "alerts" }, {}), downMessage, testEnv());
    await deliver(channel("slack", {}, { webhook_url: `${sink.url}/services/x` }), downMessage, testEnv());
    expect(sink.received.map((r) => r.path)).toEqual(["/alerts", "/services/x"]);
  });

  it("rejects an unknown kind without retrying", async () => {
    const error = await failure(
      deliver({ ...channel("slack", {}, {}), kind: "pager" as Channel["kind"] }, downMessage, testEnv()),
    );
    expect(error.retryable).toBe(false);
    expect(error.message).toBe('unknown channel kind "pager"');
  });

  it("reports stored settings that no longer parse as permanent, naming the field and not the secret", async () => {
    const error = await failure(
      deliver(
        channel("webhook", { url: `${sink.url}/hook` }, { signing_secret: "tooShortSecret" }),
        downMessage,
        testEnv(),
      ),
    );
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      'webhook channel "webhook on call" has invalid settings: secret.signing_secret: must be at least 16 characters',
    );
    expect(sink.received).toHaveLength(0);
  });

  it("removes secrets from a runtime error that names the URL, as Deno's fetch does", async () => {
    const url = `${sink.url}/services/T1/B2/s3cr3tHookToken42`;
    const fetchThatLeaks = (async (input: RequestInfo | URL) => {
      throw new TypeError(`error sending request for url (${String(input)}): connection refused`);
    }) as typeof fetch;
    const error = await failure(
      deliver(channel("slack", {}, { webhook_url: url }), downMessage, testEnv({ fetch: fetchThatLeaks })),
    );
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(
      "Slack: request failed (error sending request for url ([url]): connection refused)",
    );
  });

  it("turns an unexpected error from a notifier into a retryable DeliveryError without the channel's secrets", async () => {
    const secret = "whsec_unexpected_0123456789abcdef";
    const original = notifiers.webhook;
    notifiers.webhook = async (ch) => {
      throw new RangeError(`bug while signing with ${String(ch.secret.signing_secret)}`);
    };
    try {
      const error = await failure(
        deliver(
          channel("webhook", { url: `${sink.url}/hook` }, { signing_secret: secret }),
          downMessage,
          testEnv(),
        ),
      );
      expect(error.retryable).toBe(true);
      expect(error.message).toBe("webhook: unexpected error (RangeError: bug while signing with [redacted])");
    } finally {
      notifiers.webhook = original;
    }
  });
});

describe("ChannelSettings", () => {
  it("parses one settings object of each kind and fills in defaults", () => {
    const parsed = [
      { kind: "email", config: { to: ["ops@example.com"] } },
      { kind: "slack", secret: { webhook_url: "https://hooks.slack.com/services/T/B/x" } },
      {
        kind: "sms",
        config: { to: ["+14155550123"], from: "+14155550100" },
        secret: { account_sid: `AC${"0".repeat(32)}`, auth_token: "t0ken" },
      },
      { kind: "ntfy", config: { topic: "custos" } },
      {
        kind: "webhook",
        config: { url: "https://example.com/hook" },
        secret: { signing_secret: "0123456789abcdef" },
      },
    ].map((input) => ChannelSettings.parse(input));
    expect(parsed.map((s) => s.kind)).toEqual(["email", "slack", "sms", "ntfy", "webhook"]);
    expect(parsed[0]).toEqual({ kind: "email", config: { to: ["ops@example.com"] }, secret: {} });
    expect(parsed[3]).toEqual({
      kind: "ntfy",
      config: { server: "https://ntfy.sh", topic: "custos" },
      secret: {},
    });
    expect(parsed[4]?.config).toEqual({ url: "https://example.com/hook", headers: {} });
  });

  it("rejects an unknown kind, naming kind", () => {
    const result = ChannelSettings.safeParse({ kind: "pager", config: {} });
    expect(result.error?.issues[0]?.path).toEqual(["kind"]);
  });
});
