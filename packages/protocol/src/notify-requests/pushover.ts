/**
 * Pushover (pushover.net/api): POST `{base}/1/messages.json` with JSON `{ token, user, title,
 * message, url, url_title, priority, device? }`. Token and user key are both secrets. A page's
 * supplementary URL is the acknowledge link ("Acknowledge" under the message); the incident's link
 * is in the text, and is the supplementary URL of anything that does not page. Checked against
 * Pushover's API documentation (as the pushoverr, WebService::Pushover and pushover_api docs quote
 * it), apprise's apprise/plugins/pushover.py and uptime-kuma's notification-providers/pushover.js.
 */
import { type NotifyContent, type NotifyRequest, truncate } from "./content.ts";

export const PUSHOVER_BASE_URL = "https://api.pushover.net";

/** Pushover's limits: message 1024, title 250, URL 512 characters. */
const MESSAGE_MAX_CHARS = 1024;
const TITLE_MAX_CHARS = 250;
const URL_MAX_CHARS = 512;

/**
 * -2 lowest ... 2 emergency. A critical outage is 1 (high: it sounds during the user's quiet
 * hours and is highlighted); everything else is 0. Emergency (2) repeats until acknowledged in
 * Pushover's own app, which would not acknowledge the incident here, so it is not used.
 */
export function pushoverPriority(content: Pick<NotifyContent, "event" | "severity">): number {
  switch (content.event) {
    case "down":
    case "repeat":
    case "escalation":
      return content.severity === "critical" ? 1 : 0;
    case "restored":
    case "test":
    case "flapping":
    case "acknowledged":
      return 0;
    default:
      return content.severity === "critical" ? 1 : 0;
  }
}

function fits(url: string | undefined): string | undefined {
  return url && url.length <= URL_MAX_CHARS ? url : undefined;
}

export function pushoverPayload(
  content: NotifyContent,
  credentials: { token: string; user: string },
  device?: string,
) {
  const ack = fits(content.ack_url);
  const open = fits(content.url);
  const link = content.url ? `\n\n${content.url}` : "";
  // the incident's link is never cut: the words make room for it
  const body = truncate(content.text, MESSAGE_MAX_CHARS - Array.from(link).length);
  return {
    token: credentials.token,
    user: credentials.user,
    ...(device ? { device } : {}),
    title: truncate(content.title, TITLE_MAX_CHARS),
    message: `${body}${link}`,
    ...(ack
      ? { url: ack, url_title: "Acknowledge (stops escalation and reminders)" }
      : open
        ? { url: open, url_title: "Open in Custos" }
        : {}),
    priority: pushoverPriority(content),
  };
}

export function pushoverRequest(
  content: NotifyContent,
  settings: { app_token: string; user_key: string; device?: string | undefined },
  baseUrl: string = PUSHOVER_BASE_URL,
): NotifyRequest {
  return {
    method: "POST",
    url: `${baseUrl.replace(/\/+$/, "")}/1/messages.json`,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(
      pushoverPayload(content, { token: settings.app_token, user: settings.user_key }, settings.device),
    ),
  };
}
