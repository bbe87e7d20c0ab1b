/**
 * Generic webhook: POST one JSON object per notification to the configured URL.
 *
 * Body (UTF-8 JSON):
 *   { "event": "down", "severity": "critical", "title": "...", "text": "...",
 *     "incident": { ... } | null, "incident_key": "<server id>:<monitor>:<start ISO>" | null,
 *     "org": { "id": "...", "name": "..." },
 *     "url": "https://.../incidents/..." | null,
 *     "ack_url": "https://.../functions/v1/api/ack/<token>" | null,
 *     "sent_at": "2026-01-01T00:00:00.000Z" }
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
 *
 * Headers:
 *   X-Custos-Event:     the event (down, restored, escalation, repeat, flapping, test)
 *   X-Custos-Timestamp: unix time in seconds when the request was signed
 *   X-Custos-Signature: sha256=<hex HMAC-SHA256(signing_secret, "<timestamp>.<raw body>")>
 *
 * To verify, a receiver takes the raw request body exactly as received (before any JSON parsing),
 * computes HMAC-SHA256 with the channel's signing secret over the X-Custos-Timestamp value, a dot,
 * and the body, hex-encodes it, and compares it with the part after "sha256=" in constant time.
 * It should also reject timestamps more than 5 minutes from its own clock, so a captured request
 * cannot be replayed later. Retries are signed anew with a fresh timestamp.
 */
import { httpError, origin, post, secretValues, type Target } from "./http.ts";
import { parseChannel } from "./schemas.ts";
import type { NotificationMessage, Notifier } from "./types.ts";

export function webhookPayload(message: NotificationMessage, sentAt: Date) {
  return {
    event: message.event,
    severity: message.severity,
    title: message.title,
    text: message.text,
    incident: message.incident ?? null,
    incident_key: message.incident_key ?? null,
    org: message.org,
    url: message.url ?? null,
    ack_url: message.ack_url ?? null,
    sent_at: sentAt.toISOString(),
  };
}

/** `sha256=<hex>` of HMAC-SHA256(secret, `${timestamp}.${body}`), with Web Crypto. */
export async function signWebhook(secret: string, timestamp: number, body: string): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(`${timestamp}.${body}`));
  let hex = "";
  for (const byte of new Uint8Array(mac)) hex += byte.toString(16).padStart(2, "0");
  return `sha256=${hex}`;
}

export const webhook: Notifier = async (channel, message, env) => {
  const { config, secret } = parseChannel("webhook", channel);
  const target: Target = { label: `webhook ${origin(config.url)}`, secrets: secretValues(secret) };
  const now = new Date();
  const timestamp = Math.floor(now.getTime() / 1000);
  const body = JSON.stringify(webhookPayload(message, now));
  // custom headers may replace the user agent; Custos' own headers always win
  const headers = new Headers({ "user-agent": "Custos-Webhook/1" });
  for (const [name, value] of Object.entries({ ...config.headers, ...secret.headers }))
    headers.set(name, value);
  headers.set("content-type", "application/json; charset=utf-8");
  headers.set("x-custos-event", message.event);
  headers.set("x-custos-timestamp", String(timestamp));
  headers.set("x-custos-signature", await signWebhook(secret.signing_secret, timestamp, body));
  const answer = await post(env, config.url, { headers, body }, target);
  if (answer.status >= 200 && answer.status < 300) return;
  throw httpError(answer, target, answer.body);
};
