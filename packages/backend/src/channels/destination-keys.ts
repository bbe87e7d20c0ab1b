import { destinationKeys, settingsDestinationNames } from "@custos/protocol";
import type { Channel } from "../notify/types.ts";

/**
 * The destination keys (protocol destinations.ts) of one channel: several for email and SMS
 * recipients. Config and secret are read as one set of settings, the way an agent's local channel
 * of the same kind writes them, because some destinations are secrets (Slack's, Discord's and
 * Teams' webhook URLs, Gotify's token, Pushover's user key, PagerDuty's integration key).
 */
export function channelDestinationKeys(
  kind: Channel["kind"],
  config: Record<string, unknown>,
  secret: Record<string, unknown> | null,
): Promise<string[]> {
  return destinationKeys(settingsDestinationNames(kind, { ...config, ...(secret ?? {}) }));
}
