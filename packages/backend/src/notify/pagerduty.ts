/**
 * PagerDuty Events API v2: POST `{pagerdutyBaseUrl}/v2/enqueue`. The request is built by
 * @custos/protocol pagerdutyRequest (shared with the agent): a page triggers, a recovery resolves
 * and an acknowledgement in Custos acknowledges the same PagerDuty alert, all under the incident's
 * shared key as dedup_key (see the builder for the fields).
 *
 * PagerDuty answers 202 `{ "status": "success", "message": "Event processed", "dedup_key": "…" }`;
 * an event it will not take is 400 `{ "status": "invalid event", "message": "Event object is
 * invalid", "errors": ["…"] }` and is not retried; 429 (too many events for the service) and 5xx
 * are (PagerDuty/developer-docs docs/events-API-v2/01-Overview.md, "Response Codes & Retry Logic").
 * The routing key is a secret and never appears in an error.
 */
import { PAGERDUTY_BASE_URL, pagerdutyRequest } from "@custos/protocol";
import { notifyContent } from "./content.ts";
import { httpError, parseJson, post, type Target } from "./http.ts";
import { parseChannel } from "./schemas.ts";
import type { Notifier } from "./types.ts";

export const pagerduty: Notifier = async (channel, message, env) => {
  const { secret } = parseChannel("pagerduty", channel);
  const request = pagerdutyRequest(
    notifyContent(message),
    secret,
    env.pagerdutyBaseUrl ?? PAGERDUTY_BASE_URL,
  );
  const target: Target = { label: "PagerDuty", secrets: [secret.routing_key] };
  const answer = await post(env, request.url, request, target);
  if (answer.status >= 200 && answer.status < 300) return;
  const error = parseJson(answer.body) as { message?: unknown; errors?: unknown } | undefined;
  const errors = Array.isArray(error?.errors)
    ? error.errors.filter((e): e is string => typeof e === "string")
    : [];
  const detail =
    typeof error?.message === "string"
      ? [error.message, ...errors].join(": ")
      : errors.length > 0
        ? errors.join("; ")
        : answer.body;
  throw httpError(answer, target, detail);
};
