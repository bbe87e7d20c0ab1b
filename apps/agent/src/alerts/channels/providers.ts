/**
 * The chat and paging services reached over plain HTTPS: Discord, Telegram, Gotify, Pushover,
 * PagerDuty, Matrix, Teams and SMS (Twilio). Each request is the protocol's (notify-requests, decision 0033),
 * the one the backend sends for the same provider; this file only picks the builder and its
 * settings for a channel entry and sends the request with the agent's HTTP client.
 */
import {
  type DiscordChannel,
  discordRequest,
  type GotifyChannel,
  gotifyRequest,
  type MatrixChannel,
  matrixRequest,
  type NotifyContent,
  type NotifyRequest,
  PAGERDUTY_BASE_URL,
  type PagerDutyChannel,
  PUSHOVER_BASE_URL,
  type PushoverChannel,
  pagerdutyRequest,
  pushoverRequest,
  type SmsChannel,
  smsRequests,
  TELEGRAM_BASE_URL,
  type TeamsChannel,
  type TelegramChannel,
  TWILIO_BASE_URL,
  teamsRequest,
  telegramRequest,
} from "@custos/protocol";
import { alertContent } from "./content.ts";
import { sendOrThrow } from "./http-post.ts";
import type { Sender } from "./types.ts";

type ProviderChannel =
  | DiscordChannel
  | TelegramChannel
  | GotifyChannel
  | PushoverChannel
  | PagerDutyChannel
  | MatrixChannel
  | TeamsChannel;

/**
 * One Twilio request per number, in parallel; the page fails if any number failed (naming the
 * numbers, never the credentials), and its retry sends to every number again: a second SMS to a
 * number is preferred to a page lost, as the backend's SMS channel does.
 */
function smsSender(channel: SmsChannel): Sender {
  return async (message, signal) => {
    const requests = smsRequests(alertContent(message), channel, channel.api_url ?? TWILIO_BASE_URL);
    const results = await Promise.allSettled(requests.map(({ request }) => sendOrThrow(request, signal)));
    const failed = results.flatMap((result, i) =>
      result.status === "rejected"
        ? [`${requests[i]?.to ?? "?"}: ${result.reason instanceof Error ? result.reason.message : "error"}`]
        : [],
    );
    if (failed.length > 0)
      throw new Error(`SMS failed for ${failed.length} of ${requests.length} numbers (${failed.join("; ")})`);
  };
}

/** The request for one alert on one channel entry. */
function providerRequest(channel: ProviderChannel, content: NotifyContent): NotifyRequest {
  switch (channel.type) {
    case "discord":
      return discordRequest(content, channel);
    case "telegram":
      return telegramRequest(content, channel, channel.api_url ?? TELEGRAM_BASE_URL);
    case "gotify":
      return gotifyRequest(content, channel);
    case "pushover":
      return pushoverRequest(content, channel, channel.api_url ?? PUSHOVER_BASE_URL);
    case "pagerduty":
      return pagerdutyRequest(content, channel, channel.api_url ?? PAGERDUTY_BASE_URL);
    case "matrix":
      return matrixRequest(content, channel);
    case "teams":
      return teamsRequest(content, channel);
  }
}

export function providerSender(channel: ProviderChannel | SmsChannel): Sender {
  if (channel.type === "sms") return smsSender(channel);
  return (message, signal) => sendOrThrow(providerRequest(channel, alertContent(message)), signal);
}
