/** Slack incoming webhook: `{"text": ...}`. */
import type { SlackChannel } from "@custos/protocol";
import { postOrThrow } from "./http-post.ts";
import type { Sender } from "./types.ts";

export function slackText(title: string, body: string, ackUrl?: string): string {
  return `*${title}*\n${body}${ackUrl ? `\n<${ackUrl}|Acknowledge>` : ""}`;
}

export function slackSender(channel: SlackChannel): Sender {
  return (message, signal) =>
    postOrThrow(
      channel.webhook_url,
      {
        body: JSON.stringify({ text: slackText(message.alert.title, message.alert.body, message.ackUrl) }),
        headers: { "content-type": "application/json" },
      },
      signal,
    );
}
