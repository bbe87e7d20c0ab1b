/**
 * PagerDuty Events API v2 (developer.pagerduty.com, PagerDuty/developer-docs
 * docs/events-API-v2/02-Trigger-Events.md): POST `{base}/v2/enqueue` with JSON `{ routing_key,
 * event_action, dedup_key, payload: { summary, source, severity, timestamp?, component?, group?,
 * custom_details? }, links?, client?, client_url? }`. `event_action` is trigger, acknowledge or
 * resolve; acknowledge and resolve carry only routing_key, dedup_key and event_action.
 *
 * One incident, one PagerDuty alert: the dedup_key is the incident identity both alert paths
 * share (incident-key.ts), so the agent's trigger and the backend's for the same incident land on
 * one alert, a reminder or escalation adds to it, and the recovery resolves it whichever path
 * sends it. PagerDuty caps dedup_key at 255 characters; a longer key (a 200-character monitor
 * name) keeps its start and ends in a digest of the whole.
 */
import { type NotifyContent, type NotifyRequest, stableId, truncate, webLink } from "./content.ts";

export const PAGERDUTY_BASE_URL = "https://events.pagerduty.com";

const DEDUP_KEY_MAX_CHARS = 255;
const SUMMARY_MAX_CHARS = 1024;
/** Free text is capped well below the 512 KB event limit. */
const DETAILS_MAX_CHARS = 8_000;

export type PagerDutyAction = "trigger" | "acknowledge" | "resolve";

/** A recovery resolves, an acknowledgement acknowledges, everything else (re)triggers. */
export function pagerdutyAction(event: string): PagerDutyAction {
  if (event === "restored") return "resolve";
  if (event === "acknowledged") return "acknowledge";
  return "trigger";
}

/** The incident's shared key, or one of its own for a notification without an incident (a test). */
export function pagerdutyDedupKey(content: Pick<NotifyContent, "incident_key" | "notification_id">): string {
  const key = content.incident_key ?? `custos-test:${content.notification_id}`;
  if (key.length <= DEDUP_KEY_MAX_CHARS) return key;
  return `${key.slice(0, DEDUP_KEY_MAX_CHARS - 18)}~${stableId(key)}`;
}

export function pagerdutyPayload(content: NotifyContent, routingKey: string) {
  const action = pagerdutyAction(content.event);
  const dedupKey = pagerdutyDedupKey(content);
  if (action !== "trigger") {
    return { routing_key: routingKey, event_action: action, dedup_key: dedupKey };
  }
  const open = webLink(content.url);
  const ack = webLink(content.ack_url);
  return {
    routing_key: routingKey,
    event_action: action,
    dedup_key: dedupKey,
    payload: {
      summary: truncate(content.title, SUMMARY_MAX_CHARS),
      source: truncate(content.subject ?? content.origin, 255) || "custos",
      severity: content.severity,
      ...(content.timestamp ? { timestamp: content.timestamp } : {}),
      ...(content.component ? { component: truncate(content.component, 255) } : {}),
      group: truncate(content.origin, 255),
      class: content.event,
      custom_details: {
        details: truncate(content.text, DETAILS_MAX_CHARS),
        ...(content.incident_key ? { incident_key: content.incident_key } : {}),
        ...(ack ? { acknowledge_in_custos: ack } : {}),
      },
    },
    links: [
      ...(open ? [{ href: open, text: "Open in Custos" }] : []),
      ...(ack ? [{ href: ack, text: "Acknowledge in Custos (stops escalation and reminders)" }] : []),
    ],
    client: "Custos",
    ...(open ? { client_url: open } : {}),
  };
}

export function pagerdutyRequest(
  content: NotifyContent,
  settings: { routing_key: string },
  baseUrl: string = PAGERDUTY_BASE_URL,
): NotifyRequest {
  return {
    method: "POST",
    url: `${baseUrl.replace(/\/+$/, "")}/v2/enqueue`,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(pagerdutyPayload(content, settings.routing_key)),
  };
}
