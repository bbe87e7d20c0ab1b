/**
 * Discord incoming webhook ("Execute Webhook", discord.com/developers/docs/resources/webhook):
 * POST the webhook URL (a secret: `/api/webhooks/<id>/<token>` is the credential) with
 * `?wait=true`, so Discord confirms the message was saved (200 with the message as JSON) rather
 * than answering 204 before it knows. The body is JSON `{ content, embeds, allowed_mentions }`:
 * `content` is the one line a phone's push notification shows, the embed carries the text, the
 * dashboard link (the embed title links to the incident) and the acknowledge link.
 *
 * Discord answers errors as JSON `{ "message": "Unknown Webhook", "code": 10015 }` (404),
 * `{ "message": "Invalid Webhook Token", "code": 50027 }` (401), `{ "message": "Invalid Form
 * Body", "code": 50035, "errors": {...} }` (400); none of them gets better by retrying. A rate limit
 * is 429 with `{ "message": "You are being rate limited.", "retry_after": 0.5, "global": false }`
 * (seconds, a float) and a Retry-After header (discord.com/developers/docs/topics/rate-limits).
 * The request is built by @custos/protocol discordRequest, shared with the agent. Request and
 * response shapes checked against Discord's documentation (via the discord-api-types
 * typings) and uptime-kuma's server/notification-providers/discord.js.
 */
import { discordPayload as discordBody, discordRequest, type NotifyContent } from "@custos/protocol";
import { notifyContent } from "./content.ts";
import { httpError, parseJson, post, type Target } from "./http.ts";
import { parseChannel } from "./schemas.ts";
import type { NotificationMessage, Notifier } from "./types.ts";

export { discordColor, discordEscape, discordUrl } from "@custos/protocol";

/** The body sent for a message (built by the protocol's builder, as the agent's pages are). */
export function discordPayload(message: NotificationMessage): ReturnType<typeof discordBody> {
  return discordBody(notifyContent(message) satisfies NotifyContent);
}

export const discord: Notifier = async (channel, message, env) => {
  const { secret } = parseChannel("discord", channel);
  const request = discordRequest(notifyContent(message), secret);
  const target: Target = { label: "Discord", secrets: [request.url, secret.webhook_url] };
  const answer = await post(env, request.url, request, target);
  if (answer.status >= 200 && answer.status < 300) return;
  const error = parseJson(answer.body) as
    | { message?: unknown; code?: unknown; retry_after?: unknown }
    | undefined;
  const detail =
    error && typeof error.message === "string"
      ? `${error.message}${typeof error.code === "number" ? ` (${error.code})` : ""}`
      : answer.body;
  const after =
    typeof error?.retry_after === "number" && Number.isFinite(error.retry_after) && error.retry_after >= 0
      ? Math.ceil(error.retry_after)
      : undefined;
  throw after === undefined
    ? httpError(answer, target, detail)
    : httpError(answer, target, detail, undefined, after);
};
