/** Slack incoming webhook: `{"text": ...}`. */
import type { SlackChannel } from "@custos/protocol";
import { postOrThrow } from "./http-post.ts";
import type { Sender } from "./types.ts";

export function slackText(title: string, body: string): string {
  return `*${title}*\n${body}`;
}

export function slackSender(channel: SlackChannel): Sender {
  return (message, signal) =>
    postOrThrow(
      channel.webhook_url,
      {
        body: JSON.stringify({ text: slackText(message.alert.title, message.alert.body) }),
        headers: { "content-type": "application/json" },
      },
      signal,
    );
}
