/**
 * Channel settings per kind. The schemas live in @custos/protocol (channel-settings.ts), shared
 * with the agent's local channels and, through their secret keys, the dashboard's form; the
 * "create channel" API parses `ChannelSettings`, and each notifier parses its own kind again
 * before sending (`parseChannel`), so a row edited by hand cannot make it send somewhere
 * unexpected. Unknown keys are errors that name the key.
 */
import { SETTINGS_BY_KIND } from "@custos/protocol";
import type { z } from "zod";
import type { Channel, ChannelKind } from "./types.ts";
import { DeliveryError } from "./types.ts";

export {
  ChannelSettings,
  DiscordConfig,
  DiscordSecret,
  DiscordSettings,
  EmailConfig,
  EmailSecret,
  EmailSettings,
  GotifyConfig,
  GotifySecret,
  GotifySettings,
  MatrixConfig,
  MatrixSecret,
  MatrixSettings,
  NtfyConfig,
  NtfySecret,
  NtfySettings,
  PagerDutyConfig,
  PagerDutySecret,
  PagerDutySettings,
  PushoverConfig,
  PushoverSecret,
  PushoverSettings,
  SETTINGS_BY_KIND,
  SlackConfig,
  SlackSecret,
  SlackSettings,
  SmsConfig,
  SmsSecret,
  SmsSettings,
  TeamsConfig,
  TeamsSecret,
  TeamsSettings,
  TelegramConfig,
  TelegramSecret,
  TelegramSettings,
  WebhookConfig,
  WebhookSecret,
  WebhookSettings,
} from "@custos/protocol";

/** "to.0: must be a phone number ..." for the first issue (and how many more there are). */
export function describeIssues(error: z.ZodError, prefix = ""): string {
  const [first, ...rest] = error.issues;
  if (!first) return "invalid settings";
  const path = [prefix, ...first.path.map(String)].filter(Boolean).join(".");
  const more = rest.length > 0 ? ` (and ${rest.length} more)` : "";
  return `${path || "settings"}: ${first.message}${more}`;
}

/**
 * Parses a stored channel's config and secret for its notifier. Bad settings cannot get better by
 * retrying, so the DeliveryError is not retryable; its message names the field, never a value.
 */
export function parseChannel<K extends ChannelKind>(
  kind: K,
  channel: Channel,
): {
  config: z.output<(typeof SETTINGS_BY_KIND)[K]["config"]>;
  secret: z.output<(typeof SETTINGS_BY_KIND)[K]["secret"]>;
} {
  const schemas = SETTINGS_BY_KIND[kind];
  if (channel.kind !== kind) {
    throw new DeliveryError(`channel "${channel.name}" is a ${channel.kind} channel, not ${kind}`, false);
  }
  const config = schemas.config.safeParse(channel.config ?? {});
  if (!config.success) {
    throw new DeliveryError(
      `${kind} channel "${channel.name}" has invalid settings: ${describeIssues(config.error, "config")}`,
      false,
    );
  }
  const secret = schemas.secret.safeParse(channel.secret ?? {});
  if (!secret.success) {
    throw new DeliveryError(
      `${kind} channel "${channel.name}" has invalid settings: ${describeIssues(secret.error, "secret")}`,
      false,
    );
  }
  return {
    config: config.data as z.output<(typeof SETTINGS_BY_KIND)[K]["config"]>,
    secret: secret.data as z.output<(typeof SETTINGS_BY_KIND)[K]["secret"]>,
  };
}
