/**
 * Telegram Bot API (core.telegram.org/bots/api#sendmessage): POST
 * `{telegramBaseUrl}/bot<token>/sendMessage` with JSON `{ chat_id, text, parse_mode: "HTML",
 * link_preview_options, reply_markup }`. The bot token is in the path, so the URL is a secret
 * and never appears in an error. The acknowledge and dashboard links are in the text and, where
 * Telegram takes them, inline keyboard URL buttons (`reply_markup.inline_keyboard`): a button
 * opens the confirmation page, which is what an acknowledge link's GET does.
 *
 * Telegram answers `{ "ok": true, "result": {...} }`, or `{ "ok": false, "error_code": 400,
 * "description": "Bad Request: chat not found" }` with the same HTTP status; 401 (token revoked)
 * and 403 ("Forbidden: bot was blocked by the user") do not get better by retrying; 429 carries
 * `parameters.retry_after` (seconds), and a group that became a supergroup answers 400 with
 * `parameters.migrate_to_chat_id` (core.telegram.org/bots/api#responseparameters). Shapes checked
 * against the Bot API documentation (via the telegram.bot and GramIO docs) and uptime-kuma's
 * server/notification-providers/telegram.js.
 */
import { eventEmoji, truncate } from "./format.ts";
import { httpError, parseJson, post, type Target } from "./http.ts";
import { parseChannel } from "./schemas.ts";
import type { NotificationMessage, Notifier } from "./types.ts";

export const TELEGRAM_BASE_URL = "https://api.telegram.org";

/** Telegram's limit for a message's text, counted after the HTML is parsed. */
const TEXT_MAX_CHARS = 4096;
const ACK_NOTE = "(stops escalation and reminders)";

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

export function telegramPayload(chatId: string, message: NotificationMessage) {
  const heading = `${eventEmoji(message)} ${message.title}`;
  const links: { html: string; visible: string }[] = [];
  if (message.url) {
    links.push({
      html: `<a href="${telegramEscape(message.url)}">Open in Custos</a>`,
      visible: "Open in Custos",
    });
  }
  if (message.ack_url) {
    links.push({
      html: `<b><a href="${telegramEscape(message.ack_url)}">Acknowledge</a></b> ${ACK_NOTE}`,
      visible: `Acknowledge ${ACK_NOTE}`,
    });
  }
  const footerHtml = links.length > 0 ? `\n\n${links.map((l) => l.html).join("\n")}` : "";
  const footerChars = links.length > 0 ? 2 + links.map((l) => l.visible).join("\n").length : 0;
  // the limit counts what is shown, not the markup; the words make room for the links
  const room = Math.max(0, TEXT_MAX_CHARS - footerChars - 1);
  const title = truncate(heading, Math.min(room, 512));
  const body = truncate(message.text, Math.max(0, room - Array.from(title).length));
  const text = `<b>${telegramEscape(title)}</b>${body ? `\n${telegramEscape(body)}` : ""}${footerHtml}`;

  const ack = telegramButtonUrl(message.ack_url);
  const open = telegramButtonUrl(message.url);
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

export const telegram: Notifier = async (channel, message, env) => {
  const { config, secret } = parseChannel("telegram", channel);
  const base = (env.telegramBaseUrl ?? TELEGRAM_BASE_URL).replace(/\/+$/, "");
  const url = `${base}/bot${secret.bot_token}/sendMessage`;
  const target: Target = { label: "Telegram", secrets: [url, secret.bot_token] };
  const answer = await post(
    env,
    url,
    {
      headers: { "content-type": "application/json" },
      body: JSON.stringify(telegramPayload(config.chat_id, message)),
    },
    target,
  );
  if (answer.status >= 200 && answer.status < 300) return;
  const error = parseJson(answer.body) as
    | { description?: unknown; parameters?: { retry_after?: unknown; migrate_to_chat_id?: unknown } }
    | undefined;
  let detail = error && typeof error.description === "string" ? error.description : answer.body;
  const moved = error?.parameters?.migrate_to_chat_id;
  if (typeof moved === "number" || typeof moved === "string") {
    detail += `; the group is now chat ${moved}: set it as chat_id`;
  }
  const retryAfter = error?.parameters?.retry_after;
  throw typeof retryAfter === "number" && Number.isFinite(retryAfter) && retryAfter >= 0
    ? httpError(answer, target, detail, undefined, Math.ceil(retryAfter))
    : httpError(answer, target, detail);
};
