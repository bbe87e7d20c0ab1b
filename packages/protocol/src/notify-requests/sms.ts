/**
 * SMS through Twilio's Messages API (twilio.com/docs/messaging/api/message-resource#create-a-message-resource):
 * one `POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json` per recipient, form-encoded
 * `To`, `From` (or `MessagingServiceSid`) and `Body`, HTTP Basic auth AccountSid:AuthToken. The
 * backend's SMS channel and the agent's local one both send these requests (decision 0033); each
 * caller sends them and reads Twilio's answer itself.
 */
import { firstLine, type NotifyContent, type NotifyRequest, truncate } from "./content.ts";

export const TWILIO_BASE_URL = "https://api.twilio.com";

/** Two to three SMS segments: enough for the title, the first line and the links. */
export const SMS_MAX_CHARS = 320;

export function twilioMessagesUrl(baseUrl: string, accountSid: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Messages.json`;
}

/**
 * Title and the first line of the text, then the incident's link and the acknowledge link whole:
 * the words are shortened to make room (to SMS_MAX_CHARS, never below 40), never a link. No emoji:
 * one non-GSM character makes every segment UCS-2 and halves its length.
 */
export function smsText(content: Pick<NotifyContent, "title" | "text" | "url" | "ack_url">): string {
  const line = firstLine(content.text);
  const words = line && line !== content.title ? `${content.title}\n${line}` : content.title;
  const links = `${content.url ? `\n${content.url}` : ""}${content.ack_url ? `\nAck: ${content.ack_url}` : ""}`;
  return `${truncate(words, Math.max(40, SMS_MAX_CHARS - Array.from(links).length))}${links}`;
}

export interface SmsRequestSettings {
  to: readonly string[];
  from?: string | undefined;
  messaging_service_sid?: string | undefined;
  account_sid: string;
  auth_token: string;
}

/** Base64 of a text's UTF-8 bytes, without Buffer (the builders run in Deno and Node alike). */
function base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The Basic credentials Twilio takes: a secret, like the token it is made of. */
export function twilioAuthorization(
  settings: Pick<SmsRequestSettings, "account_sid" | "auth_token">,
): string {
  return `Basic ${base64(`${settings.account_sid}:${settings.auth_token}`)}`;
}

/** One request per distinct recipient, in the order first listed. */
export function smsRequests(
  content: NotifyContent,
  settings: SmsRequestSettings,
  baseUrl: string = TWILIO_BASE_URL,
): { to: string; request: NotifyRequest }[] {
  const sender: Record<string, string> = settings.messaging_service_sid
    ? { MessagingServiceSid: settings.messaging_service_sid }
    : { From: settings.from ?? "" };
  const url = twilioMessagesUrl(baseUrl, settings.account_sid);
  const headers = {
    authorization: twilioAuthorization(settings),
    "content-type": "application/x-www-form-urlencoded",
    accept: "application/json",
  };
  const body = smsText(content);
  return [...new Set(settings.to)].map((to) => ({
    to,
    request: {
      method: "POST",
      url,
      headers,
      body: new URLSearchParams({ To: to, ...sender, Body: body }).toString(),
    },
  }));
}
