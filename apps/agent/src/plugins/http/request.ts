/**
 * One HTTP(S) request with node:http/node:https (not fetch: fetch does not expose the peer
 * certificate). A fresh connection per attempt (agent: false), so latency includes DNS, TCP and
 * TLS, and every attempt sees the certificate.
 */
import http from "node:http";
import https from "node:https";
import type { TLSSocket } from "node:tls";
import { type AttemptResult, describeError } from "./evaluate.ts";

/** Enough for any health page; a keyword further down a huge page is not found. */
export const MAX_BODY_BYTES = 1_048_576;

export interface AttemptOptions {
  method: "GET" | "HEAD";
  headers: Record<string, string>;
  timeoutMs: number;
  rejectUnauthorized: boolean;
  ca?: string;
  signal: AbortSignal;
}

export function httpAttempt(url: URL, options: AttemptOptions): Promise<AttemptResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = AbortSignal.any([options.signal, timeout]);
    let certValidTo: string | undefined;
    let settled = false;
    const finish = (result: Omit<AttemptResult, "latencyMs" | "certValidTo">) => {
      if (settled) return;
      settled = true;
      resolve({ ...result, latencyMs: elapsed(), ...(certValidTo ? { certValidTo } : {}) });
    };

    const errorFor = (error: NodeJS.ErrnoException) => {
      if (timeout.aborted) {
        return { kind: "timeout" as const, message: `no answer within ${options.timeoutMs} ms` };
      }
      if (options.signal.aborted) return { kind: "timeout" as const, message: "check cancelled" };
      return describeError(error, url.host);
    };

    const requestOptions: https.RequestOptions = {
      method: options.method,
      headers: { "user-agent": "custos-agent", ...options.headers },
      agent: false,
      signal,
    };
    if (url.protocol === "https:") {
      requestOptions.rejectUnauthorized = options.rejectUnauthorized;
      if (options.ca) requestOptions.ca = options.ca;
    }
    const request = (url.protocol === "https:" ? https : http).request(url, requestOptions, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        finish({
          status: response.statusCode ?? 0,
          ...(response.statusMessage ? { statusText: response.statusMessage } : {}),
          body: Buffer.concat(chunks).toString("utf8"),
        });
        response.destroy();
      };
      response.on("data", (chunk: Buffer) => {
        if (size >= MAX_BODY_BYTES) return;
        chunks.push(chunk.subarray(0, MAX_BODY_BYTES - size));
        size += chunk.length;
        if (size >= MAX_BODY_BYTES) done();
      });
      response.on("end", done);
      response.on("error", (error: NodeJS.ErrnoException) => {
        finish({ error: errorFor(error) });
      });
    });
    request.on("socket", (socket) => {
      socket.once("secureConnect", () => {
        const validTo = (socket as TLSSocket).getPeerCertificate().valid_to;
        if (validTo) certValidTo = validTo;
      });
    });

    request.on("error", (error: NodeJS.ErrnoException) => {
      finish({ error: errorFor(error) });
    });
    request.end();
  });
}
