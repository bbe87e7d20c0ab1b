/**
 * Microsoft Teams through a Workflows webhook: POST the workflow URL (a secret: its `sig`
 * parameter is the credential) with the Adaptive Card message envelope built by
 * @custos/protocol teamsRequest (shared with the agent).
 *
 * The workflow answers 202 Accepted. Errors come from Azure Logic Apps / Power Automate as
 * `{ "error": { "code": "…", "message": "…" } }`: 400 (a body the trigger's schema refuses),
 * 401/403 (a wrong or expired signature, `DirectApiAuthorizationRequired`), 404 (the flow was
 * deleted or turned off, `WorkflowTriggerIsNotEnabled`) are permanent; 429 (the flow's
 * throttling) and 5xx are retried.
 */
import { teamsRequest } from "@custos/protocol";
import { notifyContent } from "./content.ts";
import { httpError, origin, parseJson, post, type Target } from "./http.ts";
import { parseChannel } from "./schemas.ts";
import type { Notifier } from "./types.ts";

export const teams: Notifier = async (channel, message, env) => {
  const { secret } = parseChannel("teams", channel);
  const request = teamsRequest(notifyContent(message), secret);
  const target: Target = { label: `Teams ${origin(secret.webhook_url)}`, secrets: [secret.webhook_url] };
  const answer = await post(env, request.url, request, target);
  if (answer.status >= 200 && answer.status < 300) return;
  const error = parseJson(answer.body) as { error?: { code?: unknown; message?: unknown } } | undefined;
  const detail =
    typeof error?.error?.code === "string"
      ? `${error.error.code}${typeof error.error.message === "string" ? `: ${error.error.message}` : ""}`
      : answer.body;
  throw httpError(answer, target, detail);
};
