import { describe, expect, it } from "vitest";
import { buildMessage, type OutboxContext } from "../../src/alerting/message.ts";
import { emailContent, ntfyRequest, slackPayload, smsText, webhookPayload } from "../../src/notify/index.ts";
import { downMessage } from "./helpers.ts";

const ACK = "https://custos.example.com/functions/v1/api/ack/AbCdEfGhIjKlMnOpQrStUvWx";
const paged = { ...downMessage, ack_url: ACK };

describe("acknowledge link on each channel's message", () => {
  it("gives ntfy one http action that POSTs the link for JSON and clears the notification", () => {
    expect(ntfyRequest(paged, undefined).headers.Actions).toBe(
      `http, Acknowledge, ${ACK}, method=POST, headers.Accept=application/json, clear=true`,
    );
    expect(ntfyRequest(downMessage, undefined).headers).not.toHaveProperty("Actions");
  });

  it("leaves out an ntfy action whose URL would break the header's comma and semicolon syntax", () => {
    for (const url of ["https://x.example/ack/a,b", "https://x.example/ack/a;b", "not a url"])
      expect(ntfyRequest({ ...downMessage, ack_url: url }, undefined).headers).not.toHaveProperty("Actions");
  });

  it("gives Slack a link button and a link in the fallback text", () => {
    const payload = slackPayload(paged);
    expect(payload.blocks.at(-1)).toEqual({
      type: "actions",
      elements: [
        {
          type: "button",
          action_id: "custos_acknowledge",
          text: { type: "plain_text", text: "Acknowledge" },
          style: "primary",
          url: ACK,
        },
      ],
    });
    expect(payload.text).toContain(`<${ACK}|Acknowledge>`);
    expect(slackPayload(downMessage).blocks.map((b) => b.type)).toEqual(["section", "context"]);
  });

  it("puts the link under the dashboard link in email and in the SMS", () => {
    expect(emailContent(paged).text).toContain(
      `${downMessage.url}\n\nAcknowledge (stops escalation and reminders): ${ACK}\n`,
    );
    expect(smsText(paged)).toBe(
      `${downMessage.title}\n${downMessage.text.split("\n")[0]}\n${downMessage.url}\nAck: ${ACK}`,
    );
  });

  it("sends webhooks the link as ack_url, null when there is none", () => {
    expect(webhookPayload(paged, new Date()).ack_url).toBe(ACK);
    expect(webhookPayload(downMessage, new Date()).ack_url).toBeNull();
  });
});

describe("which events carry the link", () => {
  const row: OutboxContext = {
    event: "down",
    sequence: 0,
    org_id: "9d3c1b2a-1111-4222-8333-444455556666",
    org_name: "Acme",
    incident_id: "0b6f1c9e-6c1d-4f5e-9a51-3b8d2c7e9f10",
    subject_key: "server:x",
    kind: "heartbeat",
    severity: "critical",
    incident_title: "web-1 stopped sending heartbeats",
    cause: null,
    started_at: new Date("2026-03-01T10:00:00Z"),
    opened_at: new Date("2026-03-01T10:02:00Z"),
    resolved_at: null,
    acknowledged_at: null,
    server_id: "5b1f9d2e-0d7a-4c3b-8e6f-1a2b3c4d5e6f",
    server_name: "web-1",
    heartbeat_timeout_seconds: 120,
    monitor_id: null,
    monitor_name: null,
  };

  it.each(["down", "flapping", "escalation", "repeat"])("carries it on %s, which pages a person", (event) => {
    expect(buildMessage({ ...row, event }, new Date(), undefined, ACK).ack_url).toBe(ACK);
  });

  it.each(["restored", "test"])("never on %s, which asks nothing of anyone", (event) => {
    const message = buildMessage({ ...row, event }, new Date(), undefined, ACK);
    expect(message).not.toHaveProperty("ack_url");
    expect(message.text).not.toContain(ACK);
  });
});
