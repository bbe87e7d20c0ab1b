/**
 * Generic webhook: one JSON object per alert (n8n, Home Assistant and the like take it as is), in
 * the same shape as the backend's webhook (@custos/protocol WebhookPayload, `source: "agent"`), so
 * one receiver handles both. Signed like the backend's when the channel sets `signing_secret`.
 */
import {
  formatDuration,
  WEBHOOK_HEADERS,
  type WebhookChannel,
  type WebhookPayload,
  webhookHeaders,
} from "@custos/protocol";
import { postOrThrow } from "./http-post.ts";
import type { AlertMessage, Sender } from "./types.ts";

export function webhookPayload(message: AlertMessage, sentAt: Date): WebhookPayload {
  const { alert } = message;
  return {
    source: "agent",
    event: alert.state,
    title: alert.title,
    text: alert.body,
    incident_key: alert.incidentKey,
    server: { id: message.serverId ?? null, name: message.serverName },
    monitor: alert.monitor,
    started_at: new Date(alert.startedAt).toISOString(),
    duration_seconds: alert.durationMs === null ? null : Math.round(alert.durationMs / 1000),
    duration: alert.durationMs === null ? null : formatDuration(alert.durationMs),
    ack_url: message.ackUrl ?? null,
    sent_at: sentAt.toISOString(),
  };
}

const OWN_HEADERS = new Set<string>(Object.values(WEBHOOK_HEADERS));

export function webhookSender(channel: WebhookChannel): Sender {
  // a configured header cannot stand in for Custos' own (any spelling): those always win
  const configured = Object.entries(channel.headers ?? {}).filter(
    ([name]) => !OWN_HEADERS.has(name.toLowerCase()),
  );
  return async (message, signal) => {
    const now = new Date();
    const body = JSON.stringify(webhookPayload(message, now));
    const event = message.alert.state;
    const own = channel.signing_secret
      ? await webhookHeaders(channel.signing_secret, event, body, now)
      : { [WEBHOOK_HEADERS.event]: event };
    await postOrThrow(
      channel.url,
      { body, headers: { "content-type": "application/json", ...Object.fromEntries(configured), ...own } },
      signal,
    );
  };
}
