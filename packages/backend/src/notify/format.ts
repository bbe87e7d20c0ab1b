/**
 * How a NotificationMessage reads on each channel. The dispatcher writes the words (title, text);
 * these helpers only adapt them: an emoji per event, the dashboard link, a short SMS form.
 */
import type { NotificationMessage } from "./types.ts";

/** One emoji per event, so a phone's lock screen says what happened before it is read. */
export function eventEmoji(message: Pick<NotificationMessage, "event" | "severity">): string {
  switch (message.event) {
    case "down":
    case "repeat":
      return message.severity === "critical" ? "🔴" : "🟠";
    case "restored":
      return "✅";
    case "escalation":
      return "🚨";
    case "flapping":
      return "🔀";
    case "test":
      return "🧪";
    default:
      return message.severity === "critical" ? "🔴" : message.severity === "warning" ? "🟠" : "ℹ️";
  }
}

/** The plain text with the dashboard and acknowledge links under it, for channels without rich formatting. */
export function plainText(message: NotificationMessage): string {
  const text = message.url ? `${message.text}\n\n${message.url}` : message.text;
  return message.ack_url
    ? `${text}\n\nAcknowledge (stops escalation and reminders): ${message.ack_url}`
    : text;
}

/** The first non-empty line of a text. */
export function firstLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .find((line) => line.length > 0) ?? ""
  );
}

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

/** Cuts a text to `max` characters (code points, so an emoji is never split), ending in "…". */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars
    .slice(0, max - 1)
    .join("")
    .trimEnd()}…`;
}
