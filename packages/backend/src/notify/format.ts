/**
 * How a NotificationMessage reads on each channel. The dispatcher writes the words (title, text);
 * these helpers only adapt them: an emoji per event, the dashboard link, a short SMS form.
 */
import { firstLine, truncate } from "@custos/protocol";
import type { NotificationMessage } from "./types.ts";

// The same words on both alert paths: the helpers live with the request builders in the protocol.
export { eventEmoji, firstLine, plainText, truncate } from "@custos/protocol";

export const SMS_MAX_CHARS = 320;

/**
 * Title and the first line of the text, at most SMS_MAX_CHARS (two to three SMS segments), then
 * the acknowledge link whole: the words are shortened to make room, never the link. No emoji: one
 * non-GSM character makes every segment UCS-2 and halves its length.
 */
export function smsText(message: NotificationMessage): string {
  const line = firstLine(message.text);
  const text = line && line !== message.title ? `${message.title}\n${line}` : message.title;
  if (!message.ack_url) return truncate(text, SMS_MAX_CHARS);
  const ack = `\nAck: ${message.ack_url}`;
  return `${truncate(text, Math.max(40, SMS_MAX_CHARS - ack.length))}${ack}`;
}
