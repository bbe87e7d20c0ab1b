/**
 * Microsoft Teams through a Workflows webhook, in the envelope the "Post to a channel when a
 * webhook request is received" template reads (learn.microsoft.com, microsoftteams/platform
 * webhooks-and-connectors: Workflows take Adaptive Cards only; the envelope `{ type: "message",
 * attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null,
 * content }] }` as Microsoft's samples and community guides show it; see src/notify/teams.ts).
 * The workflow answers 202; Logic Apps errors are `{ error: { code, message } }`.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChannelSettings, type NotificationMessage } from "../../src/notify/index.ts";
import { teams } from "../../src/notify/teams.ts";
import { channel, downMessage, failure, restoredMessage, type Sink, startSink, testEnv } from "./helpers.ts";

const SIG = "Yfz5As0okOdm6xtVlTSQ5DqGJ1CYKlIOMQqKPS56_kc";
const PATH = `/workflows/6e4e76f7ce9b43a3b931c0576160376f/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${SIG}`;
const ACK_URL = "https://custos.example.com/ack/ak_0123456789abcdefghijklmnopqrstuv";
const page: NotificationMessage = { ...downMessage, ack_url: ACK_URL };

describe("teams notifier", () => {
  let sink: Sink;
  const workflow = () => channel("teams", {}, { webhook_url: `${sink.url}${PATH}` });
  beforeEach(async () => {
    sink = await startSink(() => ({ status: 202 }));
  });
  afterEach(() => sink.close());

  it("posts the workflow URL with a message envelope holding one Adaptive Card", async () => {
    await teams(workflow(), page, testEnv());

    const [request] = sink.received;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe(PATH);
    expect(request?.headers["content-type"]).toBe("application/json");
    const body = JSON.parse(request?.body ?? "");
    expect(body.type).toBe("message");
    expect(body.attachments).toHaveLength(1);
    expect(body.attachments[0]).toMatchObject({
      contentType: "application/vnd.microsoft.card.adaptive",
      contentUrl: null,
      content: { type: "AdaptiveCard", version: "1.4" },
    });
  });

  it("shows the title, the text line by line, and Acknowledge and Open buttons on a page", async () => {
    await teams(workflow(), page, testEnv());
    const card = JSON.parse(sink.received[0]?.body ?? "").attachments[0].content;
    expect(card.body[0]).toMatchObject({ type: "TextBlock", text: `🔴 ${page.title}`, color: "Attention" });
    expect(card.body[1].text).toBe(page.text.replace(/\n/g, "\n\n"));
    expect(card.actions).toEqual([
      { type: "Action.OpenUrl", title: "Acknowledge", url: ACK_URL, style: "positive" },
      { type: "Action.OpenUrl", title: "Open in Custos", url: page.url },
    ]);
    expect(JSON.stringify(card)).toContain("Acme");
  });

  it("gives a recovery the Open button only, in green", async () => {
    await teams(workflow(), restoredMessage, testEnv());
    const card = JSON.parse(sink.received[0]?.body ?? "").attachments[0].content;
    expect(card.body[0].color).toBe("Good");
    expect(card.actions).toEqual([
      { type: "Action.OpenUrl", title: "Open in Custos", url: restoredMessage.url },
    ]);
    expect(JSON.stringify(card)).not.toContain("/ack/");
  });

  it("treats a refused signature and a turned-off flow as permanent, without the signature", async () => {
    sink.reply((request) => ({
      status: 401,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        error: {
          code: "DirectApiAuthorizationRequired",
          message: `The request ${request.path} is not signed right.`,
        },
      }),
    }));
    const refused = await failure(teams(workflow(), page, testEnv()));
    expect(refused.retryable).toBe(false);
    expect(refused.message).toMatch(
      /^Teams http:\/\/127\.0\.0\.1:\d+: HTTP 401: DirectApiAuthorizationRequired: /,
    );
    expect(refused.message).not.toContain(SIG);
    sink.reply(() => ({
      status: 404,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        error: { code: "WorkflowTriggerIsNotEnabled", message: "The workflow is disabled." },
      }),
    }));
    const off = await failure(teams(workflow(), page, testEnv()));
    expect([off.retryable, off.message]).toEqual([
      false,
      `Teams ${sink.url}: HTTP 404: WorkflowTriggerIsNotEnabled: The workflow is disabled.`,
    ]);
  });

  it("retries the flow's throttling (429) and a 5xx", async () => {
    sink.reply(() => ({ status: 429, headers: { "retry-after": "12" }, body: "" }));
    const throttled = await failure(teams(workflow(), page, testEnv()));
    expect([throttled.retryable, throttled.message]).toEqual([
      true,
      `Teams ${sink.url}: HTTP 429; retry after 12 s`,
    ]);
    sink.reply(() => ({ status: 500, body: "" }));
    expect((await failure(teams(workflow(), page, testEnv()))).retryable).toBe(true);
  });
});

describe("teams settings", () => {
  it.each([
    [{ secret: {} }, ["secret", "webhook_url"]],
    [
      { secret: { webhook_url: "http://prod-01.westus.logic.azure.com/workflows/x" } },
      ["secret", "webhook_url"],
    ],
    [{ secret: { webhook_url: "not a url" } }, ["secret", "webhook_url"]],
    [{ secret: { webhook_url: `https://example.com/${"x".repeat(3000)}` } }, ["secret", "webhook_url"]],
    [{ secret: { webhook_url: "https://user:pw@example.com/hook" } }, ["secret", "webhook_url"]],
    [
      {
        config: { webhook_url: "https://example.com/hook" },
        secret: { webhook_url: "https://example.com/hook" },
      },
      ["config"],
    ],
  ])("rejects %j, naming %j", (settings, path) => {
    const result = ChannelSettings.safeParse({ kind: "teams", ...settings });
    expect(result.error?.issues[0]?.path).toEqual(path);
  });
});
