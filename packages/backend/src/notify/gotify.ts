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
import { gotifyPayload as gotifyBody, gotifyRequest } from "@custos/protocol";
import { notifyContent } from "./content.ts";
import { httpError, origin, parseJson, post, type Target } from "./http.ts";
import { parseChannel } from "./schemas.ts";
import type { NotificationMessage, Notifier } from "./types.ts";

export { gotifyPriority } from "@custos/protocol";

/** The body sent for a message (the protocol's builder, shared with the agent). */
export function gotifyPayload(message: NotificationMessage): ReturnType<typeof gotifyBody> {
  return gotifyBody(notifyContent(message));
}

export const gotify: Notifier = async (channel, message, env) => {
  const { config, secret } = parseChannel("gotify", channel);
  const target: Target = { label: `Gotify ${origin(config.server)}`, secrets: [secret.app_token] };
  const request = gotifyRequest(notifyContent(message), { ...config, ...secret });
  const answer = await post(env, request.url, request, target);
  if (answer.status >= 200 && answer.status < 300) return;
  const error = parseJson(answer.body) as { error?: unknown; errorDescription?: unknown } | undefined;
  const detail =
    error && typeof error.error === "string"
      ? [error.error, error.errorDescription].filter((part) => typeof part === "string" && part).join(": ")
      : answer.body;
  throw httpError(answer, target, detail);
};
