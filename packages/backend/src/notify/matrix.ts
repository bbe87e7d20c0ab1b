/**
 * Matrix: PUT `{homeserver}/_matrix/client/v3/rooms/{roomId}/send/m.room.message/{txnId}` with
 * the access token as a Bearer token. The request is built by @custos/protocol matrixRequest
 * (shared with the agent); its txnId comes from the outbox row, so a retry after a lost answer is
 * the same event to the homeserver, not a second message.
 *
 * Errors are `{ "errcode": "M_…", "error": "…" }` (spec.matrix.org, client-server API, "Standard
 * error response"): 401 `M_UNKNOWN_TOKEN` (token revoked) and 403 `M_FORBIDDEN` (not in the
 * room, or not allowed to post) do not get better by retrying; 429 `M_LIMIT_EXCEEDED` carries
 * `retry_after_ms`; 5xx and a homeserver that does not answer are retried.
 */
import { matrixRequest } from "@custos/protocol";
import { notifyContent } from "./content.ts";
import { httpError, origin, parseJson, post, type Target } from "./http.ts";
import { parseChannel } from "./schemas.ts";
import type { Notifier } from "./types.ts";

export const matrix: Notifier = async (channel, message, env) => {
  const { config, secret } = parseChannel("matrix", channel);
  const request = matrixRequest(notifyContent(message), { ...config, ...secret });
  const target: Target = { label: `Matrix ${origin(config.homeserver)}`, secrets: [secret.access_token] };
  const answer = await post(env, request.url, request, target);
  if (answer.status >= 200 && answer.status < 300) return;
  const error = parseJson(answer.body) as
    | { errcode?: unknown; error?: unknown; retry_after_ms?: unknown }
    | undefined;
  const detail =
    typeof error?.errcode === "string"
      ? `${error.errcode}${typeof error.error === "string" ? `: ${error.error}` : ""}`
      : answer.body;
  const waitMs = error?.retry_after_ms;
  throw typeof waitMs === "number" && Number.isFinite(waitMs) && waitMs >= 0
    ? httpError(answer, target, detail, undefined, Math.ceil(waitMs / 1000))
    : httpError(answer, target, detail);
};
