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
import { PUSHOVER_BASE_URL, pushoverPayload as pushoverBody, pushoverRequest } from "@custos/protocol";
import { notifyContent } from "./content.ts";
import { httpError, parseJson, post, type Target } from "./http.ts";
import { parseChannel } from "./schemas.ts";
import type { NotificationMessage, Notifier } from "./types.ts";

export { PUSHOVER_BASE_URL, pushoverPriority } from "@custos/protocol";

/** The body sent for a message (the protocol's builder, shared with the agent). */
export function pushoverPayload(
  message: NotificationMessage,
  credentials: { token: string; user: string },
  device?: string,
): ReturnType<typeof pushoverBody> {
  return pushoverBody(notifyContent(message), credentials, device);
}

export const pushover: Notifier = async (channel, message, env) => {
  const { config, secret } = parseChannel("pushover", channel);
  const target: Target = { label: "Pushover", secrets: [secret.app_token, secret.user_key] };
  const request = pushoverRequest(
    notifyContent(message),
    { ...config, ...secret },
    env.pushoverBaseUrl ?? PUSHOVER_BASE_URL,
  );
  const answer = await post(env, request.url, request, target);
  if (answer.status >= 200 && answer.status < 300) return;
  const error = parseJson(answer.body) as { errors?: unknown } | undefined;
  const errors = Array.isArray(error?.errors)
    ? error.errors.filter((e): e is string => typeof e === "string")
    : [];
  throw httpError(answer, target, errors.length > 0 ? errors.join("; ") : answer.body);
};
