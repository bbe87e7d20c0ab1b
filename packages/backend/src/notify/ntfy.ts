/**
 * ntfy: POST `{server}/{topic}` with the text as the body and the documented publish headers
 * (docs.ntfy.sh/publish): `Title`, `Priority` (min|low|default|high|urgent), `Tags` (emoji short
 * codes, comma-separated), `Click` (the dashboard link) and `Authorization: Bearer <token>` for
 * protected topics. ntfy answers errors as JSON `{"code":40301,"http":403,"error":"forbidden"}`.
 *
 * A page with an acknowledge link gets an `Actions` header (docs.ntfy.sh/publish/#action-buttons)
 * with one `http` action: the app POSTs the link itself when the button is tapped, with
 * `Accept: application/json` so it gets a short answer, and clears the notification.
 */
import { ntfyAckAction } from "@custos/protocol";
import { eventEmoji, firstLine } from "./format.ts";
import { httpError, origin, parseJson, post, type Target } from "./http.ts";
import { parseChannel } from "./schemas.ts";
import type { NotificationMessage, Notifier } from "./types.ts";

export type NtfyPriority = "min" | "low" | "default" | "high" | "urgent";

/**
 * Loudest for what needs a person now: a critical outage is `urgent` (long vibration, bypasses
 * Do Not Disturb on Android when allowed), an escalation `high`, a recovery `default`.
 */
export function ntfyPriority(message: Pick<NotificationMessage, "event" | "severity">): NtfyPriority {
  switch (message.event) {
    case "down":
    case "repeat":
      return message.severity === "critical" ? "urgent" : message.severity === "warning" ? "high" : "default";
    case "escalation":
    case "flapping":
      return "high";
    case "restored":
    case "test":
      return "default";
    default:
      return message.severity === "critical" ? "high" : "default";
  }
}

export function ntfyTags(message: Pick<NotificationMessage, "event" | "severity">): string[] {
  switch (message.event) {
    case "down":
    case "repeat":
      return ["rotating_light"];
    case "restored":
      return ["white_check_mark"];
    case "escalation":
      return ["rotating_light", "loudspeaker"];
    case "flapping":
      return ["warning"];
    case "test":
      return ["test_tube"];
    default:
      return message.severity === "info" ? ["information_source"] : ["warning"];
  }
}

/** HTTP header values are Latin-1 at best; ntfy decodes RFC 2047 encoded words in Title. */
export function encodeHeaderValue(text: string): string {
  const flat = text.replace(/[\r\n]+/g, " ");
  if (/^[\x20-\x7e]*$/.test(flat)) return flat;
  let binary = "";
  for (const byte of new TextEncoder().encode(flat)) binary += String.fromCharCode(byte);
  return `=?UTF-8?B?${btoa(binary)}?=`;
}

export function ntfyRequest(message: NotificationMessage, token: string | undefined) {
  const headers: Record<string, string> = {
    "content-type": "text/plain; charset=utf-8",
    Title: encodeHeaderValue(message.title),
    Priority: ntfyPriority(message),
    Tags: ntfyTags(message).join(","),
  };
  if (message.url) {
    try {
      headers.Click = new URL(message.url).href;
    } catch {
      // a malformed link is left out rather than failing the page
    }
  }
  const ack = ntfyAckAction(message.ack_url);
  if (ack) headers.Actions = ack;
  if (token) headers.Authorization = `Bearer ${token}`;
  // ntfy shows an empty body as "triggered"; the title alone is a better message than that
  const body = message.text.trim() ? message.text : firstLine(message.title) || eventEmoji(message);
  return { headers, body };
}

export const ntfy: Notifier = async (channel, message, env) => {
  const { config, secret } = parseChannel("ntfy", channel);
  const url = `${config.server.replace(/\/+$/, "")}/${config.topic}`;
  // the topic stays out of messages: on a public server it is as good as a password
  const target: Target = {
    label: `ntfy ${origin(config.server)}`,
    secrets: secret.token ? [secret.token] : [],
  };
  const answer = await post(env, url, ntfyRequest(message, secret.token), target);
  if (answer.status >= 200 && answer.status < 300) return;
  const error = parseJson(answer.body) as { error?: unknown; code?: unknown } | undefined;
  const detail =
    error && typeof error.error === "string"
      ? `${error.error}${typeof error.code === "number" ? ` (${error.code})` : ""}`
      : answer.body;
  throw httpError(answer, target, detail);
};
