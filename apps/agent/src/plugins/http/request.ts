/**
 * One HTTP(S) request through the agent's client (util/http-client.ts) on a fresh connection per
 * attempt (`connection: "fresh"`), so latency includes DNS, TCP and TLS, and every attempt sees
 * the peer certificate (which fetch would not expose).
 */
import type { TLSSocket } from "node:tls";
import { HttpError, httpRequest } from "../../util/http-client.ts";
import { type AttemptResult, describeError } from "./evaluate.ts";

/** Enough for any health page; a keyword further down a huge page is not found. */
export const MAX_BODY_BYTES = 1_048_576;

interface AttemptOptions {
  method: "GET" | "HEAD";
  headers: Record<string, string>;
  timeoutMs: number;
  rejectUnauthorized: boolean;
  ca?: string;
  signal: AbortSignal;
}

export async function httpAttempt(url: URL, options: AttemptOptions): Promise<AttemptResult> {
  const started = performance.now();
  let certValidTo: string | undefined;
  const extra = () => ({ latencyMs: performance.now() - started, ...(certValidTo ? { certValidTo } : {}) });
  try {
    const response = await httpRequest(url, {
      method: options.method,
      headers: { "user-agent": "custos-agent", ...options.headers },
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      connection: "fresh",
      maxBodyBytes: MAX_BODY_BYTES,
      rejectUnauthorized: options.rejectUnauthorized,
      ...(options.ca ? { ca: options.ca } : {}),
      onSocket: (socket) =>
        socket.once("secureConnect", () => {
          const validTo = (socket as TLSSocket).getPeerCertificate().valid_to;
          if (validTo) certValidTo = validTo;
        }),
    });
    return {
      status: response.status,
      ...(response.statusText ? { statusText: response.statusText } : {}),
      body: response.body.toString("utf8"),
      ...extra(),
    };
  } catch (error) {
    const reason = error instanceof HttpError ? error.reason : "network";
    if (reason === "timeout") {
      return { error: { kind: "timeout", message: `no answer within ${options.timeoutMs} ms` }, ...extra() };
    }
    if (reason === "aborted") return { error: { kind: "timeout", message: "check cancelled" }, ...extra() };
    const { code, message } = error as { code?: string; message: string };
    return { error: describeError({ ...(code ? { code } : {}), message }, url.host), ...extra() };
  }
}
