/** Generic webhook: one JSON object per alert (n8n, Home Assistant and the like take it as is). */
import type { WebhookChannel } from "@custos/protocol";
import { formatDuration } from "@custos/protocol/duration-text";
import { postOrThrow } from "./http-post.ts";
import type { AlertMessage, Sender } from "./types.ts";

export function webhookPayload(message: AlertMessage) {
  const { alert } = message;
  return {
    incident_key: alert.incidentKey,
    monitor: alert.monitor,
    state: alert.state,
    started_at: new Date(alert.startedAt).toISOString(),
    duration: alert.durationMs === null ? null : formatDuration(alert.durationMs),
    duration_seconds: alert.durationMs === null ? null : Math.round(alert.durationMs / 1000),
    title: alert.title,
    message: alert.body,
    server: message.serverName,
    server_id: message.serverId ?? null,
    /** POST (no body) acknowledges the incident at the backend; GET shows what it would do. */
    ack_url: message.ackUrl ?? null,
    sent_at: new Date().toISOString(),
  };
}

export function webhookSender(channel: WebhookChannel): Sender {
  return (message, signal) =>
    postOrThrow(
      channel.url,
      {
        body: JSON.stringify(webhookPayload(message)),
        headers: { "content-type": "application/json", ...channel.headers },
      },
      signal,
    );
}
