/**
 * Generic webhook: POST one JSON object per notification to the configured URL, signed.
 *
 * The body is the shared `WebhookPayload` (@custos/protocol webhook-payload.ts, every field
 * documented there) with `source: "backend"`: the agent's own webhook pages have the same shape,
 * so one receiver parses both. Headers and the signature scheme (HMAC-SHA256 over
 * "<timestamp>.<raw body>" in X-Custos-Signature) are in webhook-signature.ts; retries are signed
 * anew with a fresh timestamp.
 *
 * `ack_url` is set on pages (down, flapping, escalation, repeat) of an open incident: a one-click
 * acknowledge link that needs no session, valid for 24 hours and until the incident is
 * acknowledged or resolved. `GET` answers an HTML confirmation page (so a link preview does not
 * acknowledge; in the cloud, a 303 to the dashboard's /ack page); `POST` (no body) acknowledges,
 * answering HTML, or with `Accept: application/json`
 * `{ "outcome": "acknowledged", "incident": { "id", "title" }, "acknowledged_at", "via" }`.
 * Refusals: 404 unknown link, 409 already acknowledged or resolved, 410 expired, 503 try again.
 * It is a credential: a receiver that forwards the payload to a ticket or a chat room hands
 * acknowledging to everyone there.
 */
import { formatDuration, type WebhookPayload, webhookHeaders } from "@custos/protocol";
import { httpError, origin, post, secretValues, type Target } from "./http.ts";
import { parseChannel } from "./schemas.ts";
import type { NotificationMessage, Notifier } from "./types.ts";

// the notify index exports it under this module, as before it moved to the protocol
export { signWebhook } from "@custos/protocol";

export function webhookPayload(message: NotificationMessage, sentAt: Date): WebhookPayload {
  const incident = message.incident ?? null;
  const durationSeconds = incident?.duration_seconds ?? null;
  return {
    source: "backend",
    event: message.event,
    title: message.title,
    text: message.text,
    incident_key: message.incident_key ?? null,
    server: incident?.server ?? null,
    monitor: incident?.monitor?.name ?? null,
    started_at: incident?.opened_at ?? null,
    duration_seconds: durationSeconds,
    duration: durationSeconds === null ? null : formatDuration(durationSeconds * 1000),
    ack_url: message.ack_url ?? null,
    sent_at: sentAt.toISOString(),
    severity: message.severity,
    org: message.org,
    url: message.url ?? null,
    incident,
  };
}

export const webhook: Notifier = async (channel, message, env) => {
  const { config, secret } = parseChannel("webhook", channel);
  const target: Target = { label: `webhook ${origin(config.url)}`, secrets: secretValues(secret) };
  const now = new Date();
  const body = JSON.stringify(webhookPayload(message, now));
  // custom headers may replace the user agent; Custos' own headers always win
  const headers = new Headers({ "user-agent": "Custos-Webhook/1" });
  for (const [name, value] of Object.entries({ ...config.headers, ...secret.headers }))
    headers.set(name, value);
  headers.set("content-type", "application/json; charset=utf-8");
  for (const [name, value] of Object.entries(
    await webhookHeaders(secret.signing_secret, message.event, body, now),
  ))
    headers.set(name, value);
  const answer = await post(env, config.url, { headers, body }, target);
  if (answer.status >= 200 && answer.status < 300) return;
  throw httpError(answer, target, answer.body);
};
