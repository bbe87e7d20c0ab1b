/**
 * Pushover (pushover.net/api): POST `{pushoverBaseUrl}/1/messages.json` with JSON `{ token, user,
 * title, message, url, url_title, priority, device? }`. Both the application token and the user
 * (or group) key are secrets: with the two, anyone can push to that person's phone. A page's
 * supplementary URL is the acknowledge link ("Acknowledge" under the message); the incident's link
 * is in the text, and is the supplementary URL of anything that does not page.
 *
 * Pushover answers `{ "status": 1, "request": "..." }`; invalid input is a 4xx with `{ "status": 0,
 * "errors": ["application token is invalid"], "token": "invalid", "request": "..." }` and is not to
 * be retried; 429 means the application's monthly message limit is used up; 5xx is to be retried
 * (not more than once every 5 s). Shapes checked against Pushover's API documentation (as the
 * pushoverr, WebService::Pushover and pushover_api docs quote it), apprise's
 * apprise/plugins/pushover.py and uptime-kuma's server/notification-providers/pushover.js.
 */
import { truncate } from "./format.ts";
import { httpError, parseJson, post, type Target } from "./http.ts";
import { parseChannel } from "./schemas.ts";
import type { NotificationMessage, Notifier } from "./types.ts";

export const PUSHOVER_BASE_URL = "https://api.pushover.net";

/** Pushover's limits: message 1024, title 250, URL 512, URL title 100 characters. */
const MESSAGE_MAX_CHARS = 1024;
const TITLE_MAX_CHARS = 250;
const URL_MAX_CHARS = 512;

/**
 * -2 lowest ... 2 emergency. A critical outage is 1 (high: it sounds during the user's quiet
 * hours and is highlighted); everything else is 0. Emergency (2) repeats until acknowledged in
 * Pushover's own app, which would not acknowledge the incident here, so it is not used.
 */
export function pushoverPriority(message: Pick<NotificationMessage, "event" | "severity">): number {
  switch (message.event) {
    case "down":
    case "repeat":
    case "escalation":
      return message.severity === "critical" ? 1 : 0;
    case "restored":
    case "test":
    case "flapping":
      return 0;
    default:
      return message.severity === "critical" ? 1 : 0;
  }
}

function fits(url: string | undefined): string | undefined {
  return url && url.length <= URL_MAX_CHARS ? url : undefined;
}

export function pushoverPayload(
  message: NotificationMessage,
  credentials: { token: string; user: string },
  device?: string,
) {
  const ack = fits(message.ack_url);
  const open = fits(message.url);
  const link = message.url ? `\n\n${message.url}` : "";
  // the incident's link is never cut: the words make room for it
  const body = truncate(message.text, MESSAGE_MAX_CHARS - Array.from(link).length);
  return {
    token: credentials.token,
    user: credentials.user,
    ...(device ? { device } : {}),
    title: truncate(message.title, TITLE_MAX_CHARS),
    message: `${body}${link}`,
    ...(ack
      ? { url: ack, url_title: "Acknowledge (stops escalation and reminders)" }
      : open
        ? { url: open, url_title: "Open in Custos" }
        : {}),
    priority: pushoverPriority(message),
  };
}

export const pushover: Notifier = async (channel, message, env) => {
  const { config, secret } = parseChannel("pushover", channel);
  const base = (env.pushoverBaseUrl ?? PUSHOVER_BASE_URL).replace(/\/+$/, "");
  const target: Target = { label: "Pushover", secrets: [secret.app_token, secret.user_key] };
  const answer = await post(
    env,
    `${base}/1/messages.json`,
    {
      headers: { "content-type": "application/json" },
      body: JSON.stringify(
        pushoverPayload(message, { token: secret.app_token, user: secret.user_key }, config.device),
      ),
    },
    target,
  );
  if (answer.status >= 200 && answer.status < 300) return;
  const error = parseJson(answer.body) as { errors?: unknown } | undefined;
  const errors = Array.isArray(error?.errors)
    ? error.errors.filter((e): e is string => typeof e === "string")
    : [];
  throw httpError(answer, target, errors.length > 0 ? errors.join("; ") : answer.body);
};
