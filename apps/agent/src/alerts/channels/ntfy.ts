/**
 * ntfy: `POST {server}/{topic}` with the body as the message and Title/Priority/Tags headers; a
 * page with an acknowledge link gets an `Actions` http button that POSTs it (as the backend's).
 */
import { type NtfyChannel, ntfyAckAction } from "@custos/protocol";
import { postOrThrow } from "./http-post.ts";
import type { AlertMessage, Sender } from "./types.ts";

/** HTTP headers are Latin-1; ntfy decodes RFC 2047 encoded words for anything else. */
export function headerValue(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  return `=?UTF-8?B?${Buffer.from(text, "utf8").toString("base64")}?=`;
}

export function ntfyHeaders(message: AlertMessage, token?: string): Record<string, string> {
  const { state } = message.alert;
  const headers: Record<string, string> = {
    "content-type": "text/plain; charset=utf-8",
    Title: headerValue(message.alert.title),
    Priority: state === "restored" ? "default" : "high",
    Tags: state === "restored" ? "white_check_mark" : state === "down" ? "rotating_light" : "warning",
  };
  if (token) headers.Authorization = `Bearer ${token}`;
  const ack = ntfyAckAction(message.ackUrl);
  if (ack) headers.Actions = ack;
  return headers;
}

export function ntfySender(channel: NtfyChannel): Sender {
  const url = `${channel.server.replace(/\/+$/, "")}/${channel.topic}`;
  return (message, signal) =>
    postOrThrow(url, { body: message.alert.body, headers: ntfyHeaders(message, channel.token) }, signal);
}
