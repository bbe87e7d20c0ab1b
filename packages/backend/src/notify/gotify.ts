/**
 * Gotify (self-hosted push server, gotify.net/docs/pushmsg): POST `{server}/message` with the
 * application token in the `X-Gotify-Key` header (the server also takes `?token=`, which would put
 * the token in access logs) and JSON `{ title, message, priority, extras }`. The message is plain
 * text with the dashboard and acknowledge links on lines of their own (Gotify's clients make them
 * clickable); `extras["client::notification"].click.url` (gotify.net/docs/msgextras) makes a tap
 * on the phone's notification open the incident.
 *
 * Gotify answers 200 with the stored message, and errors as JSON `{ "error": "Unauthorized",
 * "errorCode": 401, "errorDescription": "you need to provide a valid access token or user
 * credentials to access this api" }` (gotify/server model/error.go, auth/authentication.go): 400,
 * 401 and 403 are permanent, 5xx (a server restarting, a proxy in front) are retried. Shapes checked
 * against gotify/server's sources and uptime-kuma's server/notification-providers/gotify.js.
 */
import { plainText, truncate } from "./format.ts";
import { httpError, origin, parseJson, post, type Target } from "./http.ts";
import { parseChannel } from "./schemas.ts";
import type { NotificationMessage, Notifier } from "./types.ts";

/**
 * Gotify's Android app: 0 shows nothing, 1-3 an icon only, 4-7 a notification with sound, 8-10
 * one that also pops up. An outage that needs a person now is 8; a recovery is still heard.
 */
export function gotifyPriority(message: Pick<NotificationMessage, "event" | "severity">): number {
  switch (message.event) {
    case "down":
    case "repeat":
    case "escalation":
      return message.severity === "critical" ? 8 : message.severity === "warning" ? 6 : 5;
    case "flapping":
      return 6;
    case "restored":
    case "test":
      return 5;
    default:
      return message.severity === "critical" ? 8 : message.severity === "warning" ? 6 : 4;
  }
}

export function gotifyPayload(message: NotificationMessage) {
  let click: string | undefined;
  if (message.url) {
    try {
      click = new URL(message.url).href;
    } catch {
      // a malformed link is left out rather than failing the page
    }
  }
  return {
    title: truncate(message.title, 250),
    message: plainText(message),
    priority: gotifyPriority(message),
    extras: {
      "client::display": { contentType: "text/plain" },
      ...(click ? { "client::notification": { click: { url: click } } } : {}),
    },
  };
}

export const gotify: Notifier = async (channel, message, env) => {
  const { config, secret } = parseChannel("gotify", channel);
  const target: Target = { label: `Gotify ${origin(config.server)}`, secrets: [secret.app_token] };
  const answer = await post(
    env,
    `${config.server.replace(/\/+$/, "")}/message`,
    {
      headers: { "content-type": "application/json", "X-Gotify-Key": secret.app_token },
      body: JSON.stringify(gotifyPayload(message)),
    },
    target,
  );
  if (answer.status >= 200 && answer.status < 300) return;
  const error = parseJson(answer.body) as { error?: unknown; errorDescription?: unknown } | undefined;
  const detail =
    error && typeof error.error === "string"
      ? [error.error, error.errorDescription].filter((part) => typeof part === "string" && part).join(": ")
      : answer.body;
  throw httpError(answer, target, detail);
};
