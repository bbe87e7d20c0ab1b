import { destinationKeys, destinationNames } from "@custos/protocol";
import type { Channel } from "../notify/types.ts";

/**
 * The destination keys (protocol destinations.ts) of one channel: several for email and SMS
 * recipients. Slack's and Discord's webhook URLs, Gotify's token and Pushover's user key are secrets, kept apart from
 * the config.
 */
export function channelDestinationKeys(
  kind: Channel["kind"],
  config: Record<string, unknown>,
  secret: Record<string, unknown> | null,
): Promise<string[]> {
  const secrets = (secret ?? {}) as { webhook_url?: string; app_token?: string; user_key?: string };
  const target =
    kind === "slack" || kind === "discord"
      ? { url: secrets.webhook_url }
      : kind === "gotify"
        ? { server: (config as { server?: string }).server, token: secrets.app_token }
        : kind === "pushover"
          ? { user: secrets.user_key }
          : (config as { url?: string; server?: string; topic?: string; to?: string[]; chat_id?: string });
  return destinationKeys(destinationNames(kind, target));
}
