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

/** The plain text with the dashboard link under it, for channels without rich formatting. */
export function plainText(message: NotificationMessage): string {
  return message.url ? `${message.text}\n\n${message.url}` : message.text;
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
 * Title and the first line of the text, at most SMS_MAX_CHARS (two to three SMS segments). No
 * emoji: one non-GSM character makes every segment UCS-2 and halves its length.
 */
export function smsText(message: NotificationMessage): string {
  const line = firstLine(message.text);
  const text = line && line !== message.title ? `${message.title}\n${line}` : message.title;
  return truncate(text, SMS_MAX_CHARS);
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
