/**
 * Gotify (self-hosted push server, gotify.net/docs/pushmsg): POST `{server}/message` with the
 * application token in `X-Gotify-Key` (the server also takes `?token=`, which would put it in
 * access logs) and JSON `{ title, message, priority, extras }`. Plain text with the incident and
 * acknowledge links on lines of their own (Gotify's clients make them clickable);
 * `extras["client::notification"].click.url` (gotify.net/docs/msgextras) makes a tap on the
 * phone's notification open the incident. Checked against gotify/server's sources and
 * uptime-kuma's server/notification-providers/gotify.js.
 */
import { type NotifyContent, type NotifyRequest, plainText, truncate } from "./content.ts";

/**
 * Gotify's Android app: 0 shows nothing, 1-3 an icon only, 4-7 a notification with sound, 8-10
 * one that also pops up. An outage that needs a person now is 8; a recovery is still heard.
 */
export function gotifyPriority(content: Pick<NotifyContent, "event" | "severity">): number {
  switch (content.event) {
    case "down":
    case "repeat":
    case "escalation":
      return content.severity === "critical" ? 8 : content.severity === "warning" ? 6 : 5;
    case "flapping":
      return 6;
    case "restored":
    case "test":
    case "acknowledged":
      return 5;
    default:
      return content.severity === "critical" ? 8 : content.severity === "warning" ? 6 : 4;
  }
}

export function gotifyPayload(content: NotifyContent) {
  let click: string | undefined;
  if (content.url) {
    try {
      click = new URL(content.url).href;
    } catch {
      // a malformed link is left out rather than failing the page
    }
  }
  return {
    title: truncate(content.title, 250),
    message: plainText(content),
    priority: gotifyPriority(content),
    extras: {
      "client::display": { contentType: "text/plain" },
      ...(click ? { "client::notification": { click: { url: click } } } : {}),
    },
  };
}

export function gotifyRequest(
  content: NotifyContent,
  settings: { server: string; app_token: string },
): NotifyRequest {
  return {
    method: "POST",
    url: `${settings.server.replace(/\/+$/, "")}/message`,
    headers: { "content-type": "application/json", "X-Gotify-Key": settings.app_token },
    body: JSON.stringify(gotifyPayload(content)),
  };
}
