/**
 * How a NotificationMessage reads on each channel. The dispatcher writes the words (title, text);
 * these helpers only adapt them: an emoji per event, the dashboard link, a short SMS form.
 */
import { smsText as protocolSmsText } from "@custos/protocol";
import type { NotificationMessage } from "./types.ts";

// The same words on both alert paths: the helpers live with the request builders in the protocol.
export { eventEmoji, firstLine, plainText, SMS_MAX_CHARS, truncate } from "@custos/protocol";

/**
 * The SMS body: title, first line, the incident's link and the acknowledge link (the protocol's,
 * the agent's local SMS channel sends the same words).
 */
export function smsText(message: NotificationMessage): string {
  return protocolSmsText(message);
}
