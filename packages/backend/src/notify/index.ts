/**
 * The notifiers: one per channel kind, each turning one NotificationMessage into one delivery and
 * throwing DeliveryError (retryable or not) when it fails. `deliver` is what the dispatcher calls.
 */
import { discord } from "./discord.ts";
import { email } from "./email.ts";
import { gotify } from "./gotify.ts";
import { redact, secretValues } from "./http.ts";
import { matrix } from "./matrix.ts";
import { ntfy } from "./ntfy.ts";
import { pagerduty } from "./pagerduty.ts";
import { pushover } from "./pushover.ts";
import { slack } from "./slack.ts";
import { sms } from "./sms.ts";
import { teams } from "./teams.ts";
import { telegram } from "./telegram.ts";
import {
  type Channel,
  type ChannelKind,
  DeliveryError,
  type NotificationMessage,
  type Notifier,
  type NotifierEnv,
} from "./types.ts";
import { webhook } from "./webhook.ts";

export { notifyContent } from "./content.ts";
export { discordPayload } from "./discord.ts";
export { type EmailEnv, emailContent } from "./email.ts";
export { eventEmoji, plainText, smsText } from "./format.ts";
export { gotifyPayload, gotifyPriority } from "./gotify.ts";
export { ntfyPriority, ntfyRequest, ntfyTags } from "./ntfy.ts";
export { PUSHOVER_BASE_URL, pushoverPayload, pushoverPriority } from "./pushover.ts";
export * from "./schemas.ts";
export { slackPayload } from "./slack.ts";
export { TELEGRAM_BASE_URL, telegramPayload } from "./telegram.ts";
export {
  type Channel,
  type ChannelKind,
  DeliveryError,
  type NotificationMessage,
  type Notifier,
  type NotifierEnv,
  type SmtpTransport,
} from "./types.ts";
export { signWebhook, webhookPayload } from "./webhook.ts";

export const notifiers: Record<ChannelKind, Notifier> = {
  email,
  slack,
  sms,
  ntfy,
  webhook,
  discord,
  telegram,
  gotify,
  pushover,
  pagerduty,
  matrix,
  teams,
};

/**
 * Delivers one message on one channel. Every failure comes out as a DeliveryError whose message
 * contains none of the channel's secrets, whatever the notifier or the provider put into it.
 */
export async function deliver(
  channel: Channel,
  message: NotificationMessage,
  env: NotifierEnv,
): Promise<void> {
  const notifier = Object.hasOwn(notifiers, channel.kind) ? notifiers[channel.kind] : undefined;
  if (!notifier)
    throw new DeliveryError(`unknown channel kind "${String(channel.kind).slice(0, 50)}"`, false);
  try {
    await notifier(channel, message, env);
  } catch (error) {
    const secrets = secretValues(channel.secret);
    if (error instanceof DeliveryError) {
      const message = redact(error.message, secrets);
      throw message === error.message ? error : new DeliveryError(message, error.retryable);
    }
    // a bug or an unexpected runtime error: report it, and let the dispatcher try again
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new DeliveryError(
      `${channel.kind}: unexpected error (${redact(text, secrets).slice(0, 300)})`,
      true,
    );
  }
}
