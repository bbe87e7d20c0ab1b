/**
 * Microsoft Teams through a Workflows webhook (the "Post to a channel when a webhook request is
 * received" template; Microsoft 365 connectors and their MessageCard are retired, and Workflows
 * take Adaptive Cards only: learn.microsoft.com, microsoftteams/platform/webhooks-and-connectors/
 * how-to/connectors-using). POST the workflow URL (its `sig` parameter is the credential) with
 * the message envelope the template reads: `{ type: "message", attachments: [{ contentType:
 * "application/vnd.microsoft.card.adaptive", contentUrl: null, content: <AdaptiveCard> }] }`.
 * The card (schema 1.4, which Teams renders) has the title, the text, who reports it, and
 * Action.OpenUrl buttons for the acknowledge link and the incident. The workflow answers 202
 * Accepted with an empty body; a bad signature is 401, a disabled or deleted flow 404.
 */
import {
  ACK_NOTE,
  eventEmoji,
  type NotifyContent,
  type NotifyRequest,
  truncate,
  webLink,
} from "./content.ts";

export const ADAPTIVE_CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";

/** Teams refuses a message over ~28 KB; the text is kept well below it. */
const TEXT_MAX_CHARS = 8_000;

/** TextBlock colours: Attention for an outage, Warning for a warning, Good for a recovery. */
export function teamsColor(content: Pick<NotifyContent, "event" | "severity">): string {
  if (content.event === "restored") return "Good";
  if (content.event === "test" || content.event === "acknowledged") return "Accent";
  return content.severity === "critical"
    ? "Attention"
    : content.severity === "warning"
      ? "Warning"
      : "Default";
}

/**
 * A TextBlock reads a subset of Markdown in which a single line break is not one: each line of
 * the text becomes a paragraph of its own.
 */
export function teamsLines(text: string): string {
  return text.replace(/\r?\n/g, "\n\n");
}

export function teamsCard(content: NotifyContent) {
  const ack = webLink(content.ack_url);
  const open = webLink(content.url);
  return {
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    type: "AdaptiveCard",
    version: "1.4",
    body: [
      {
        type: "TextBlock",
        text: truncate(`${eventEmoji(content)} ${content.title}`, 400),
        weight: "Bolder",
        size: "Medium",
        color: teamsColor(content),
        wrap: true,
      },
      { type: "TextBlock", text: teamsLines(truncate(content.text, TEXT_MAX_CHARS)), wrap: true },
      ...(ack
        ? [{ type: "TextBlock", text: `Acknowledge ${ACK_NOTE}: ${ack}`, wrap: true, size: "Small" }]
        : []),
      ...(open ? [{ type: "TextBlock", text: open, wrap: true, size: "Small", isSubtle: true }] : []),
      { type: "TextBlock", text: truncate(content.origin, 200), isSubtle: true, size: "Small", wrap: true },
    ],
    actions: [
      ...(ack ? [{ type: "Action.OpenUrl", title: "Acknowledge", url: ack, style: "positive" }] : []),
      ...(open ? [{ type: "Action.OpenUrl", title: "Open in Custos", url: open }] : []),
    ],
    msteams: { width: "Full" },
  };
}

export function teamsPayload(content: NotifyContent) {
  return {
    type: "message",
    attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, contentUrl: null, content: teamsCard(content) }],
  };
}

export function teamsRequest(content: NotifyContent, settings: { webhook_url: string }): NotifyRequest {
  return {
    method: "POST",
    url: settings.webhook_url,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(teamsPayload(content)),
  };
}
