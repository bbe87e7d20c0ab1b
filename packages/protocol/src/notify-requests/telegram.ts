/**
 * Telegram Bot API sendMessage (core.telegram.org/bots/api#sendmessage): POST
 * `{base}/bot<token>/sendMessage` with JSON `{ chat_id, text, parse_mode: "HTML",
 * link_preview_options, reply_markup }`. The bot token is in the path, so the URL is a secret.
 * The acknowledge and incident links are in the text and, where Telegram takes them, inline
 * keyboard URL buttons (a button opens the confirmation page, which is what an acknowledge
 * link's GET does). Shapes checked against the Bot API documentation (via the telegram.bot and
 * GramIO docs) and uptime-kuma's server/notification-providers/telegram.js.
 */
import { ACK_NOTE, eventEmoji, type NotifyContent, type NotifyRequest, truncate } from "./content.ts";

export const TELEGRAM_BASE_URL = "https://api.telegram.org";

/** Telegram's limit for a message's text, counted after the HTML is parsed. */
const TEXT_MAX_CHARS = 4096;

/** The three characters Telegram's HTML parse mode needs escaped (and `"` inside attributes). */
export function telegramEscape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * Whether Telegram takes a URL for an inline keyboard button: it refuses the whole message
 * (400 "BUTTON_URL_INVALID") for hosts it cannot reach, such as localhost or a bare name, so a
 * dashboard on a LAN address gets its links in the text only.
 */
export function telegramButtonUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
    const host = url.hostname;
    if (
      !host.includes(".") ||
      host.startsWith("[") ||
      /^[\d.]+$/.test(host) ||
      /\.local(host)?$/i.test(host)
    ) {
      return undefined;
    }
    return url.href;
  } catch {
    return undefined;
  }
}

export function telegramPayload(chatId: string, content: NotifyContent) {
  const heading = `${eventEmoji(content)} ${content.title}`;
  const links: { html: string; visible: string }[] = [];
  if (content.url) {
    links.push({
      html: `<a href="${telegramEscape(content.url)}">Open in Custos</a>`,
      visible: "Open in Custos",
    });
  }
  if (content.ack_url) {
    links.push({
      html: `<b><a href="${telegramEscape(content.ack_url)}">Acknowledge</a></b> ${ACK_NOTE}`,
      visible: `Acknowledge ${ACK_NOTE}`,
    });
  }
  const footerHtml = links.length > 0 ? `\n\n${links.map((l) => l.html).join("\n")}` : "";
  const footerChars = links.length > 0 ? 2 + links.map((l) => l.visible).join("\n").length : 0;
  // the limit counts what is shown, not the markup; the words make room for the links
  const room = Math.max(0, TEXT_MAX_CHARS - footerChars - 1);
  const title = truncate(heading, Math.min(room, 512));
  const body = truncate(content.text, Math.max(0, room - Array.from(title).length));
  const text = `<b>${telegramEscape(title)}</b>${body ? `\n${telegramEscape(body)}` : ""}${footerHtml}`;

  const ack = telegramButtonUrl(content.ack_url);
  const open = telegramButtonUrl(content.url);
  const buttons = [
    ...(ack ? [[{ text: "✅ Acknowledge", url: ack }]] : []),
    ...(open ? [[{ text: "Open in Custos", url: open }]] : []),
  ];
  return {
    // "Integer or String": a numeric id as text is taken as is, and never loses digits
    chat_id: chatId,
    text,
    parse_mode: "HTML" as const,
    link_preview_options: { is_disabled: true },
    ...(buttons.length > 0 ? { reply_markup: { inline_keyboard: buttons } } : {}),
  };
}

export function telegramRequest(
  content: NotifyContent,
  settings: { bot_token: string; chat_id: string },
  baseUrl: string = TELEGRAM_BASE_URL,
): NotifyRequest {
  return {
    method: "POST",
    url: `${baseUrl.replace(/\/+$/, "")}/bot${settings.bot_token}/sendMessage`,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(telegramPayload(settings.chat_id, content)),
  };
}
