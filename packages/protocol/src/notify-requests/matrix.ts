/**
 * Matrix client-server API, "send a message event" (spec.matrix.org, client-server-api,
 * PUT /_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}): PUT
 * `{homeserver}/_matrix/client/v3/rooms/<room id>/send/m.room.message/<txnId>` with
 * `Authorization: Bearer <access token>` and an `m.room.message` content `{ msgtype: "m.text",
 * body, format: "org.matrix.custom.html", formatted_body }`: `body` is the plain text (with both
 * links) for clients without HTML, `formatted_body` the same with real links.
 *
 * The homeserver treats a repeated txnId from the same access token as the same event and answers
 * with the event it already stored, so the txnId is derived from the notification's id: a retry
 * after a timeout (the message arrived but the answer did not) does not post twice. The answer is
 * `{ "event_id": "$…" }`; errors are `{ "errcode": "M_FORBIDDEN", "error": "…" }`, a rate limit
 * 429 `M_LIMIT_EXCEEDED` with `retry_after_ms`.
 */
import {
  ACK_NOTE,
  escapeHtml,
  eventEmoji,
  type NotifyContent,
  type NotifyRequest,
  plainText,
  stableId,
  truncate,
} from "./content.ts";

/** Events are capped at 65,536 bytes by the spec; the words stay far below it (HTML doubles them). */
const TEXT_MAX_CHARS = 12_000;

/** `custos-<digest of the notification id>`: URL-safe, the same on every attempt. */
export function matrixTxnId(content: Pick<NotifyContent, "notification_id">): string {
  return `custos-${stableId(content.notification_id)}`;
}

export function matrixContent(content: NotifyContent) {
  const heading = `${eventEmoji(content)} ${content.title}`;
  const text = truncate(content.text, TEXT_MAX_CHARS);
  const links = [
    content.url ? `<a href="${escapeHtml(content.url)}">Open in Custos</a>` : undefined,
    content.ack_url
      ? `<b><a href="${escapeHtml(content.ack_url)}">Acknowledge</a></b> ${escapeHtml(ACK_NOTE)}`
      : undefined,
  ].filter(Boolean);
  return {
    msgtype: "m.text",
    body: `${heading}\n${plainText({ ...content, text })}`,
    format: "org.matrix.custom.html",
    formatted_body:
      `<b>${escapeHtml(heading)}</b><br>${escapeHtml(text).replace(/\r?\n/g, "<br>")}` +
      (links.length > 0 ? `<br><br>${links.join("<br>")}` : ""),
  };
}

export function matrixRequest(
  content: NotifyContent,
  settings: { homeserver: string; room_id: string; access_token: string },
): NotifyRequest {
  const base = settings.homeserver.replace(/\/+$/, "");
  const room = encodeURIComponent(settings.room_id);
  return {
    method: "PUT",
    url: `${base}/_matrix/client/v3/rooms/${room}/send/m.room.message/${matrixTxnId(content)}`,
    headers: { "content-type": "application/json", authorization: `Bearer ${settings.access_token}` },
    body: JSON.stringify(matrixContent(content)),
  };
}
