import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChannelSettings, SlackSecret } from "../../src/notify/index.ts";
import { slack } from "../../src/notify/slack.ts";
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

const HOOK_PATH = "/services/T0001/B0002/s3cr3tHookToken42";

describe("slack notifier", () => {
  let sink: Sink;
  let hook: ReturnType<typeof channel>;
  beforeEach(async () => {
    sink = await startSink(() => ({ status: 200, headers: { "content-type": "text/plain" }, body: "ok" }));
    hook = channel("slack", {}, { webhook_url: `${sink.url}${HOOK_PATH}` });
  });
  afterEach(() => sink.close());

  it("posts JSON with an emoji, the bold title, the text and the incident link to the webhook URL", async () => {
    await slack(hook, downMessage, testEnv());

    expect(sink.received).toHaveLength(1);
    const [request] = sink.received;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe(HOOK_PATH);
    expect(request?.headers["content-type"]).toMatch(/^application\/json/);
    const payload = JSON.parse(request?.body ?? "");
    expect(payload.text).toBe(
      "🔴 *DOWN: web-1 (heartbeat missed)*\n" +
        "web-1 has not sent a heartbeat since 10:00:00 UTC (timeout 120 s).\nCause: agent dead (host answers).\n" +
        `<${downMessage.url}|Open in Custos>`,
    );
    expect(payload.blocks[0]).toEqual({
      type: "section",
      text: {
        type: "mrkdwn",
        text: expect.stringMatching(/^🔴 \*DOWN: web-1 \(heartbeat missed\)\*\nweb-1 has not/),
      },
    });
    expect(payload.blocks[1].elements[0].text).toBe(`Acme · <${downMessage.url}|Open in Custos>`);
  });

  it("marks a restored message with a check mark", async () => {
    await slack(hook, restoredMessage, testEnv());
    const payload = JSON.parse(sink.received[0]?.body ?? "");
    expect(payload.text.startsWith("✅ *RESTORED: web-1 (down for 12m 30s)*")).toBe(true);
  });

  it("escapes <, > and & so a server name cannot become a Slack link or mention", async () => {
    await slack(
      hook,
      { ...downMessage, title: "DOWN: <!channel> & <http://evil|x>", url: undefined },
      testEnv(),
    );
    const payload = JSON.parse(sink.received[0]?.body ?? "");
    expect(payload.text).toContain("*DOWN: &lt;!channel&gt; &amp; &lt;http://evil|x&gt;*");
    expect(payload.text).not.toContain("Open in Custos");
  });

  it.each([
    [400, "invalid_payload"],
    [403, "action_prohibited"],
    [404, "no_service"],
    [410, "channel_is_archived"],
  ])("treats Slack's %i %s as permanent and names the reason", async (status, reason) => {
    sink.reply(() => ({ status, headers: { "content-type": "text/plain" }, body: reason }));
    const error = await failure(slack(hook, downMessage, testEnv()));
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(`Slack: HTTP ${status}: ${reason}`);
  });

  it("retries a 429 and says when, from Retry-After", async () => {
    sink.reply(() => ({ status: 429, headers: { "retry-after": "30" }, body: "rate_limited" }));
    const error = await failure(slack(hook, downMessage, testEnv()));
    expect(error.retryable).toBe(true);
    expect(error.message).toBe("Slack: HTTP 429: rate_limited; retry after 30 s");
  });

  it("retries a 500 from Slack", async () => {
    sink.reply(() => ({ status: 500, body: "rollup_error" }));
    const error = await failure(slack(hook, downMessage, testEnv()));
    expect(error.retryable).toBe(true);
  });

  it("gives up after timeoutMs when Slack does not answer, as a retryable failure", async () => {
    sink.reply(() => "hang");
    const started = Date.now();
    const error = await failure(slack(hook, downMessage, testEnv({ timeoutMs: 200 })));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error.retryable).toBe(true);
    expect(error.message).toBe("Slack: no answer within 200 ms");
  });

  it("retries when nothing listens, and the error does not contain the webhook URL", async () => {
    const url = `${await deadUrl()}${HOOK_PATH}`;
    const error = await failure(slack(channel("slack", {}, { webhook_url: url }), downMessage, testEnv()));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/^Slack: request failed \(/);
    expect(error.message).not.toContain("s3cr3tHookToken42");
  });

  it("keeps the webhook URL out of the error even when the answer echoes it", async () => {
    sink.reply((request) => ({
      status: 400,
      body: `invalid_payload at ${sink.url}${request.path} (${request.path})`,
    }));
    const error = await failure(slack(hook, downMessage, testEnv()));
    expect(error.message).not.toContain("s3cr3tHookToken42");
    expect(error.message).toBe("Slack: HTTP 400: invalid_payload at [redacted] ([redacted])");
  });

  it("refuses to send when the stored webhook URL is not a URL, naming the field but not the value", async () => {
    const error = await failure(
      slack(channel("slack", {}, { webhook_url: "hooks s3cr3tHookToken42" }), downMessage, testEnv()),
    );
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("secret.webhook_url: must be an absolute URL");
    expect(error.message).not.toContain("s3cr3tHookToken42");
    expect(sink.received).toHaveLength(0);
  });
});

describe("slack settings", () => {
  it("accepts an https webhook URL, and http only on loopback", () => {
    expect(SlackSecret.safeParse({ webhook_url: "https://hooks.slack.com/services/T/B/x" }).success).toBe(
      true,
    );
    expect(SlackSecret.safeParse({ webhook_url: "http://127.0.0.1:8080/hook" }).success).toBe(true);
    expect(SlackSecret.safeParse({ webhook_url: "http://localhost/hook" }).success).toBe(true);
  });

  it("rejects a plain-http webhook URL elsewhere, naming secret.webhook_url", () => {
    const result = ChannelSettings.safeParse({
      kind: "slack",
      secret: { webhook_url: "http://hooks.slack.com/services/T/B/x" },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["secret", "webhook_url"]);
    expect(result.error?.issues[0]?.message).toBe("must be an https:// URL (http:// only for localhost)");
  });

  it("rejects a missing webhook URL and unknown keys", () => {
    const missing = ChannelSettings.safeParse({ kind: "slack", config: {}, secret: {} });
    expect(missing.error?.issues[0]?.path).toEqual(["secret", "webhook_url"]);
    const unknown = ChannelSettings.safeParse({
      kind: "slack",
      config: { channel: "#ops" },
      secret: { webhook_url: "https://hooks.slack.com/services/T/B/x" },
    });
    expect(unknown.error?.issues[0]?.path).toEqual(["config"]);
    expect(unknown.error?.issues[0]?.message).toContain('"channel"');
  });
});
