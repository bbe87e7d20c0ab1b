import { AGENT_VERSION } from "../../version.ts";

/**
 * POST for the HTTP channels: a non-2xx answer is a failed delivery (with a short reason). The
 * user agent names custos-agent, so a receiver can tell the agent's page from the backend's
 * (`Custos-Webhook/1`); a channel's own headers may override it.
 */
export async function postOrThrow(
  url: string,
  init: { body: string; headers: Record<string, string> },
  signal: AbortSignal,
): Promise<void> {
  const response = await fetch(url, {
    method: "POST",
    body: init.body,
    headers: { "user-agent": `custos-agent/${AGENT_VERSION}`, ...init.headers },
    signal,
    redirect: "follow",
  });
  if (response.ok) {
    await response.body?.cancel();
    return;
  }
  const text = (await response.text().catch(() => "")).slice(0, 200).replace(/\s+/g, " ").trim();
  throw new Error(`HTTP ${response.status}${text ? `: ${text}` : ""}`);
}
