import type { NotifyRequest } from "@custos/protocol";
import { httpRequest } from "../../util/http-client.ts";
import { AGENT_VERSION } from "../../version.ts";

/** What fetch allowed; a receiver behind a redirect or two still gets its page. */
const MAX_REDIRECTS = 20;
/** Enough of an error answer for its first 200 characters. */
const MAX_ERROR_BODY_BYTES = 16_384;

/**
 * POST for the HTTP channels: a non-2xx answer is a failed delivery (with a short reason). The
 * user agent names custos-agent, so a receiver can tell the agent's page from the backend's
 * (`Custos-Webhook/1`); a channel's own headers may override it.
 */
export async function postOrThrow(
  url: string,
  init: { method?: "POST" | "PUT"; body: string; headers: Record<string, string> },
  signal: AbortSignal,
): Promise<void> {
  const response = await httpRequest(url, {
    method: init.method ?? "POST",
    body: init.body,
    headers: { "user-agent": `custos-agent/${AGENT_VERSION}`, ...init.headers },
    signal,
    maxRedirects: MAX_REDIRECTS,
    maxBodyBytes: MAX_ERROR_BODY_BYTES,
    readBody: (head) => head.status < 200 || head.status > 299,
  });
  if (response.status >= 200 && response.status <= 299) return;
  const text = response.body.toString("utf8").slice(0, 200).replace(/\s+/g, " ").trim();
  throw new Error(`HTTP ${response.status}${text ? `: ${text}` : ""}`);
}

/** Sends a request a protocol builder made (notify-requests): POST or PUT, as it says. */
export function sendOrThrow(request: NotifyRequest, signal: AbortSignal): Promise<void> {
  return postOrThrow(request.url, request, signal);
}
