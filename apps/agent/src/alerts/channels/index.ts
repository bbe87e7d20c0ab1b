/** Builds the configured local alert channels. */
import { createHash } from "node:crypto";
import type { LocalAlertChannel } from "@custos/protocol";
import { emailChannel } from "./email.ts";
import { ntfySender } from "./ntfy.ts";
import { slackSender } from "./slack.ts";
import type { Channel } from "./types.ts";
import { webhookSender } from "./webhook.ts";

/** `${type}:${hash of the channel's config}`: stable while the config is unchanged, no secret in it. */
export function channelKey(config: LocalAlertChannel): string {
  const digest = createHash("sha256").update(JSON.stringify(config)).digest("hex").slice(0, 16);
  return `${config.type}:${digest}`;
}

export function createChannel(config: LocalAlertChannel): Channel {
  const key = channelKey(config);
  switch (config.type) {
    case "email":
      return emailChannel(config, key);
    case "slack":
      return { key, type: "slack", send: slackSender(config) };
    case "webhook":
      return { key, type: "webhook", send: webhookSender(config) };
    case "ntfy":
      return { key, type: "ntfy", send: ntfySender(config) };
  }
}

export function createChannels(configs: readonly LocalAlertChannel[]): Channel[] {
  return configs.map(createChannel);
}
