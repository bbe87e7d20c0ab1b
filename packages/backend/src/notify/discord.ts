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
 * Request and response shapes checked against Discord's documentation (via the discord-api-types
 * typings) and uptime-kuma's server/notification-providers/discord.js.
 */
import { eventEmoji, truncate } from "./format.ts";
import { httpError, parseJson, post, type Target } from "./http.ts";
import { parseChannel } from "./schemas.ts";
import type { NotificationMessage, Notifier } from "./types.ts";

/** Discord's limits: message content 2000, embed title 256, embed description 4096 characters. */
const CONTENT_MAX_CHARS = 2000;
const TITLE_MAX_CHARS = 256;
const DESCRIPTION_MAX_CHARS = 4096;

/** Embed colours (decimal RGB): red for an outage, orange for a warning, green for a recovery. */
export function discordColor(message: Pick<NotificationMessage, "event" | "severity">): number {
  switch (message.event) {
    case "restored":
      return 0x2eb67d;
    case "test":
      return 0x5865f2;
    case "flapping":
      return 0xe8912d;
    default:
      return message.severity === "critical"
        ? 0xe01e5a
        : message.severity === "warning"
          ? 0xe8912d
          : 0x5865f2;
  }
}

/** Discord markdown control characters, escaped so a server named `*web*` is shown as written. */
export function discordEscape(text: string): string {
  return text.replace(/[\\*_~`|>[\]]/g, "\\$&");
}

export function discordPayload(message: NotificationMessage) {
  const links = [
    message.url ? `[Open in Custos](${message.url})` : undefined,
    message.ack_url ? `**[Acknowledge](${message.ack_url})** (stops escalation and reminders)` : undefined,
  ].filter(Boolean);
  const footer = links.length > 0 ? `\n\n${links.join(" · ")}` : "";
  // the links are never cut: the words make room for them
  const description = `${truncate(discordEscape(message.text), DESCRIPTION_MAX_CHARS - footer.length)}${footer}`;
  return {
    content: truncate(`${eventEmoji(message)} ${message.title}`, CONTENT_MAX_CHARS),
    embeds: [
      {
        title: truncate(message.title, TITLE_MAX_CHARS),
        ...(message.url ? { url: message.url } : {}),
        description,
        color: discordColor(message),
        footer: { text: truncate(message.org.name, 2048) },
        ...(message.incident
          ? { timestamp: message.incident.resolved_at ?? message.incident.opened_at }
          : {}),
      },
    ],
    // a name like "@everyone" in a title must not ping a whole server
    allowed_mentions: { parse: [] as string[] },
  };
}

/** The webhook URL with `wait=true` (and any `thread_id` the user gave kept). */
export function discordUrl(webhookUrl: string): string {
  const url = new URL(webhookUrl);
  url.searchParams.set("wait", "true");
  return url.href;
}

export const discord: Notifier = async (channel, message, env) => {
  const { secret } = parseChannel("discord", channel);
  const url = discordUrl(secret.webhook_url);
  const target: Target = { label: "Discord", secrets: [url, secret.webhook_url] };
  const answer = await post(
    env,
    url,
    {
      headers: { "content-type": "application/json" },
      body: JSON.stringify(discordPayload(message)),
    },
    target,
  );
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
