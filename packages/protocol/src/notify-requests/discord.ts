/**
 * Discord incoming webhook ("Execute Webhook", discord.com/developers/docs/resources/webhook):
 * POST the webhook URL (`/api/webhooks/<id>/<token>`: the token is the credential) with
 * `?wait=true`, so Discord confirms the message was saved (200 with the message) rather than
 * answering 204 before it knows. JSON `{ content, embeds, allowed_mentions }`: `content` is the
 * line a phone's push notification shows; the embed carries the text, the incident link (the
 * embed title) and the acknowledge link. Shapes checked against Discord's documentation (via the
 * discord-api-types typings) and uptime-kuma's server/notification-providers/discord.js.
 */
import { eventEmoji, type NotifyContent, type NotifyRequest, truncate } from "./content.ts";

/** Discord's limits: message content 2000, embed title 256, embed description 4096 characters. */
const CONTENT_MAX_CHARS = 2000;
const TITLE_MAX_CHARS = 256;
const DESCRIPTION_MAX_CHARS = 4096;

/** Embed colours (decimal RGB): red for an outage, orange for a warning, green for a recovery. */
export function discordColor(content: Pick<NotifyContent, "event" | "severity">): number {
  switch (content.event) {
    case "restored":
      return 0x2eb67d;
    case "test":
    case "acknowledged":
      return 0x5865f2;
    case "flapping":
      return 0xe8912d;
    default:
      return content.severity === "critical"
        ? 0xe01e5a
        : content.severity === "warning"
          ? 0xe8912d
          : 0x5865f2;
  }
}

/** Discord markdown control characters, escaped so a server named `*web*` is shown as written. */
export function discordEscape(text: string): string {
  return text.replace(/[\\*_~`|>[\]]/g, "\\$&");
}

export function discordPayload(content: NotifyContent) {
  const links = [
    content.url ? `[Open in Custos](${content.url})` : undefined,
    content.ack_url ? `**[Acknowledge](${content.ack_url})** (stops escalation and reminders)` : undefined,
  ].filter(Boolean);
  const footer = links.length > 0 ? `\n\n${links.join(" · ")}` : "";
  // the links are never cut: the words make room for them
  const description = `${truncate(discordEscape(content.text), DESCRIPTION_MAX_CHARS - footer.length)}${footer}`;
  return {
    content: truncate(`${eventEmoji(content)} ${content.title}`, CONTENT_MAX_CHARS),
    embeds: [
      {
        title: truncate(content.title, TITLE_MAX_CHARS),
        ...(content.url ? { url: content.url } : {}),
        description,
        color: discordColor(content),
        footer: { text: truncate(content.origin, 2048) },
        ...(content.timestamp ? { timestamp: content.timestamp } : {}),
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

export function discordRequest(content: NotifyContent, settings: { webhook_url: string }): NotifyRequest {
  return {
    method: "POST",
    url: discordUrl(settings.webhook_url),
    headers: { "content-type": "application/json" },
    body: JSON.stringify(discordPayload(content)),
  };
}
