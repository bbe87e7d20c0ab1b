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
import { TELEGRAM_BASE_URL, telegramPayload as telegramBody, telegramRequest } from "@custos/protocol";
import { notifyContent } from "./content.ts";
import { httpError, parseJson, post, type Target } from "./http.ts";
import { parseChannel } from "./schemas.ts";
import type { NotificationMessage, Notifier } from "./types.ts";

export { TELEGRAM_BASE_URL, telegramButtonUrl, telegramEscape } from "@custos/protocol";

/** The body sent for a message (the protocol's builder, shared with the agent). */
export function telegramPayload(
  chatId: string,
  message: NotificationMessage,
): ReturnType<typeof telegramBody> {
  return telegramBody(chatId, notifyContent(message));
}

export const telegram: Notifier = async (channel, message, env) => {
  const { config, secret } = parseChannel("telegram", channel);
  const request = telegramRequest(
    notifyContent(message),
    { ...config, ...secret },
    env.telegramBaseUrl ?? TELEGRAM_BASE_URL,
  );
  const target: Target = { label: "Telegram", secrets: [request.url, secret.bot_token] };
  const answer = await post(env, request.url, request, target);
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
