/**
 * Slack incoming webhook: POST the webhook URL (a secret: it is the credential) with
 * `{ text, blocks }`. `text` carries the whole message, so Slack-compatible receivers that ignore
 * blocks (Mattermost, Rocket.Chat) show it too; Slack shows the blocks and uses `text` for the
 * push notification. Slack answers errors as plain text (`invalid_payload`, `no_service`,
 * `channel_is_archived`) with 400/403/404/410, none of which a retry fixes; 429 and 5xx are retried.
 */
import { eventEmoji, truncate } from "./format.ts";
import { httpError, post, type Target } from "./http.ts";
import { parseChannel } from "./schemas.ts";
import type { NotificationMessage, Notifier } from "./types.ts";

/** Slack's limit for a section block's text. */
const SECTION_MAX_CHARS = 3000;

/** Slack mrkdwn control characters; everything else is shown as written. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * The acknowledge link is a link button (it opens the confirmation page; incoming webhooks have no
 * interactivity to POST for us) and a link in `text`, for receivers that do not show blocks.
 */
export function slackPayload(message: NotificationMessage) {
  const heading = `${eventEmoji(message)} *${slackEscape(message.title)}*`;
  const body = slackEscape(message.text);
  const link = message.url ? `<${message.url}|Open in Custos>` : undefined;
  const ack = message.ack_url ? `<${message.ack_url}|Acknowledge>` : undefined;
  const context = [slackEscape(message.org.name), link].filter(Boolean).join(" · ");
  return {
    text: [heading, body, [link, ack].filter(Boolean).join(" · ")].filter(Boolean).join("\n"),
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: truncate(`${heading}\n${body}`, SECTION_MAX_CHARS) } },
      { type: "context", elements: [{ type: "mrkdwn", text: context }] },
      ...(message.ack_url
        ? [
            {
              type: "actions",
              elements: [
                {
                  type: "button",
                  action_id: "custos_acknowledge",
                  text: { type: "plain_text", text: "Acknowledge" },
                  style: "primary",
                  url: message.ack_url,
                },
              ],
            },
          ]
        : []),
    ],
  };
}

export const slack: Notifier = async (channel, message, env) => {
  const { secret } = parseChannel("slack", channel);
  const target: Target = { label: "Slack", secrets: [secret.webhook_url] };
  const answer = await post(
    env,
    secret.webhook_url,
    {
      headers: { "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify(slackPayload(message)),
    },
    target,
  );
  if (answer.status >= 200 && answer.status < 300) return;
  throw httpError(answer, target, answer.body);
};
