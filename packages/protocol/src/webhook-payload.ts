/**
 * The JSON body of a Custos webhook, the same shape from both senders: the agent's local alert
 * channel (apps/agent/src/alerts/channels/webhook.ts) and the backend's webhook channel
 * (packages/backend/src/notify/webhook.ts). A receiver parses either with `WebhookPayload` and
 * tells them apart by `source`; the same incident paged by both carries the same `incident_key`.
 * Decision 0035 says why the shape is this one.
 *
 * Delivery: `POST`, `content-type: application/json`, UTF-8. Headers (webhook-signature.ts):
 * `X-Custos-Event` always; `X-Custos-Timestamp` and `X-Custos-Signature` when the channel has a
 * signing secret (always on the backend's channels, optional on the agent's). The user agent is
 * `Custos-Webhook/1` (backend) or `custos-agent/<version>` (agent).
 *
 * Fields both senders set are required (null where the page has no value); a field only one
 * sender knows is optional and says who sets it. The object is not strict: a receiver keeps
 * working when a later version adds a field.
 */
import { z } from "zod";

/**
 * The events a webhook announces:
 * - `down`: an incident opened (both senders);
 * - `restored`: it ended; `duration_seconds` says how long it lasted (both);
 * - `flapping`: it keeps changing state; single down/restored pages are held back (both);
 * - `escalation`, `repeat`: still unacknowledged, or still down, after a while (backend);
 * - `test`: sent from the dashboard to try the channel; no incident (backend);
 * - `backend_unreachable`: the agent cannot reach its backend, so it pages locally; `monitor`
 *   is `custos-backend` and its `restored` follows when the link is back (agent).
 * A receiver should ignore an event it does not know rather than refuse the request.
 */
export const WEBHOOK_EVENTS = [
  "down",
  "restored",
  "flapping",
  "escalation",
  "repeat",
  "test",
  "backend_unreachable",
] as const;

const Time = z.iso.datetime({ offset: true });

/** The backend's incident record (backend only). */
export const WebhookIncident = z.object({
  /** The incident's id in the dashboard (uuid). */
  id: z.string(),
  /** What the incident is about: `server:<id>`, `monitor:<id>`, ... */
  subject_key: z.string(),
  /** `heartbeat` (the agent went silent), `agent_check`, `probe`, ... */
  kind: z.string(),
  title: z.string(),
  cause: z.string().nullable(),
  /** When the backend opened it. */
  opened_at: Time,
  resolved_at: Time.nullable(),
  /** For `restored`: how long it lasted, in seconds. */
  duration_seconds: z.number().nullable(),
  server: z.object({ id: z.string(), name: z.string() }).nullable().optional(),
  monitor: z.object({ id: z.string(), name: z.string() }).nullable().optional(),
});
export type WebhookIncident = z.infer<typeof WebhookIncident>;

export const WebhookPayload = z.object({
  /** Who sent it: `agent` (the server's own agent, directly) or `backend` (Custos' backend). */
  source: z.enum(["agent", "backend"]),
  /** One of WEBHOOK_EVENTS; the same value as the X-Custos-Event header. */
  event: z.string().min(1),
  /** One line for a person, e.g. "DOWN: web-1 (heartbeat missed)". */
  title: z.string(),
  /** Plain-text body: what, since when, the cause, the duration of a restored incident. */
  text: z.string(),
  /**
   * The incident's identity shared by agent and backend (incident-key.ts), so a receiver can
   * join the two senders' pages of one incident. Null for a test message.
   */
  incident_key: z.string().nullable(),
  /** The server the page is about; `id` is null on an agent that has not registered yet. Null when
   * the incident is not about a server (a probe) or for a test message. */
  server: z.object({ id: z.string().nullable(), name: z.string() }).nullable(),
  /** The failing monitor's name (`http:api`, `custos-backend`); null when it is the server itself
   * (a missed heartbeat) or for a test message. */
  monitor: z.string().nullable(),
  /** When the incident began: the agent's first failed check (agent) or when the backend opened
   * it (backend). Null for a test message. */
  started_at: Time.nullable(),
  /** For `restored`: how long it lasted, in seconds; null otherwise. */
  duration_seconds: z.number().nullable(),
  /** The same as words ("3m 12s", duration-text.ts); null when duration_seconds is. */
  duration: z.string().nullable(),
  /**
   * One-click acknowledge link on pages of an open incident (down, flapping, escalation,
   * repeat), else null. `GET` shows a confirmation page, `POST` with no body acknowledges. It
   * needs no session, so it is a credential: do not forward it to a wider audience.
   */
  ack_url: z.string().nullable(),
  /** When this request was built (a retry has a later one). */
  sent_at: Time,
  /** `critical`, `warning` or `info`: the incident's severity (backend only). */
  severity: z.enum(["critical", "warning", "info"]).optional(),
  /** The organization the incident belongs to (backend only). */
  org: z.object({ id: z.string(), name: z.string() }).optional(),
  /** The incident in the dashboard, when the backend knows its public address (backend only). */
  url: z.string().nullable().optional(),
  /** The backend's incident record; null for a test message (backend only). */
  incident: WebhookIncident.nullable().optional(),
});
export type WebhookPayload = z.infer<typeof WebhookPayload>;
