/** Builds the configured local alert channels. */
import { createHash } from "node:crypto";
import { type LocalAlertChannel, settingsDestinationNames } from "@custos/protocol";
import { emailChannel } from "./email.ts";
import { ntfySender } from "./ntfy.ts";
import { providerSender } from "./providers.ts";
import { slackSender } from "./slack.ts";
import type { Channel } from "./types.ts";
import { webhookSender } from "./webhook.ts";

/** `${type}:${hash of the channel's config}`: stable while the config is unchanged, no secret in it. */
export function channelKey(config: LocalAlertChannel): string {
  const digest = createHash("sha256").update(JSON.stringify(config)).digest("hex").slice(0, 16);
  return `${config.type}:${digest}`;
}

/**
 * The protocol's destination keys (SHA-256 of the canonical name, 32 hex digits), computed
 * synchronously here: the protocol's async WebCrypto version gives the same (tested).
 */
export function destinationKeysSync(config: LocalAlertChannel): string[] {
  // an entry has the same field names as the backend's config and secret of its kind
  return settingsDestinationNames(config.type, config).map((name) =>
    createHash("sha256").update(name).digest("hex").slice(0, 32),
  );
}

export function createChannel(config: LocalAlertChannel): Channel {
  const key = channelKey(config);
  const destinations = destinationKeysSync(config);
  switch (config.type) {
    case "email":
      return { ...emailChannel(config, key), destinations };
    case "slack":
      return { key, type: "slack", destinations, send: slackSender(config) };
    case "webhook":
      return { key, type: "webhook", destinations, send: webhookSender(config) };
    case "ntfy":
      return { key, type: "ntfy", destinations, send: ntfySender(config) };
    case "discord":
    case "telegram":
    case "gotify":
    case "pushover":
    case "pagerduty":
    case "matrix":
    case "teams":
    case "sms":
      return { key, type: config.type, destinations, send: providerSender(config) };
  }
}

export function createChannels(configs: readonly LocalAlertChannel[]): Channel[] {
  return configs.map(createChannel);
}
