/**
 * SMS through Twilio's Messages API: one `POST {twilioBaseUrl}/2010-04-01/Accounts/{AccountSid}/Messages.json`
 * per recipient, form-encoded `To`, `From` (or `MessagingServiceSid`) and `Body`, with HTTP Basic
 * auth AccountSid:AuthToken. Twilio answers 201 with the message resource, and errors as JSON
 * `{ "code": 21211, "message": "The 'To' number ... is not a valid phone number.", "more_info": "...", "status": 400 }`.
 *
 * Numbers are sent to in parallel. If some fail, the error lists which ones; it is retryable when
 * any failure is, and a retry sends to every number again (the contract has no per-recipient
 * state), so a number that already got the SMS may get it twice. That is preferred to a page lost.
 */
import { type NotifyRequest, smsRequests } from "@custos/protocol";
import { notifyContent } from "./content.ts";
import { type HttpAnswer, httpError, parseJson, post, secretValues, type Target } from "./http.ts";
import { parseChannel } from "./schemas.ts";
import { DeliveryError, type Notifier, type NotifierEnv } from "./types.ts";

export { twilioMessagesUrl } from "@custos/protocol";

/** Twilio codes that come with a 4xx but clear up by themselves. */
const TRANSIENT_TWILIO_CODES = new Set([
  20429, // too many requests
  21611, // the From number's queue of unsent messages is full
]);

function twilioError(answer: HttpAnswer, target: Target): DeliveryError {
  const error = parseJson(answer.body) as { code?: unknown; message?: unknown } | undefined;
  const code = typeof error?.code === "number" ? error.code : undefined;
  const text = typeof error?.message === "string" ? error.message : answer.body;
  const detail = code === undefined ? text : `${code} ${text}`;
  return code !== undefined && TRANSIENT_TWILIO_CODES.has(code)
    ? httpError(answer, target, detail, true)
    : httpError(answer, target, detail);
}

async function sendOne(env: NotifierEnv, request: NotifyRequest, target: Target): Promise<void> {
  const answer = await post(env, request.url, request, target);
  if (answer.status >= 200 && answer.status < 300) return;
  throw twilioError(answer, target);
}

export const sms: Notifier = async (channel, message, env) => {
  const { config, secret } = parseChannel("sms", channel);
  // the request is the protocol's (decision 0033), the one the agent's local SMS channel sends
  const requests = smsRequests(notifyContent(message), { ...config, ...secret }, env.twilioBaseUrl);
  const authorization = requests[0]?.request.headers.authorization ?? "";
  const target: Target = { label: "Twilio", secrets: [...secretValues(secret), authorization] };
  const recipients = requests.map((r) => r.to);
  const results = await Promise.allSettled(requests.map(({ request }) => sendOne(env, request, target)));

  const failed = results.flatMap((result, i) =>
    result.status === "rejected" ? [{ to: recipients[i] ?? "?", error: asDeliveryError(result.reason) }] : [],
  );
  if (failed.length === 0) return;
  const [only] = failed;
  if (recipients.length === 1 && only) throw only.error;

  const delivered = recipients.filter((to) => !failed.some((f) => f.to === to));
  const reasons = failed.map((f) => `${f.to}: ${f.error.message}`).join("; ");
  const summary =
    `SMS failed for ${failed.length} of ${recipients.length} numbers (${reasons})` +
    (delivered.length > 0 ? `; delivered to ${delivered.join(", ")}` : "");
  throw new DeliveryError(
    summary,
    failed.some((f) => f.error.retryable),
  );
};

function asDeliveryError(reason: unknown): DeliveryError {
  if (reason instanceof DeliveryError) return reason;
  return new DeliveryError(`Twilio: ${reason instanceof Error ? reason.name : "error"}`, true);
}
