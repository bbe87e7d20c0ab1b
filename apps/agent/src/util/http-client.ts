/**
 * The agent's one HTTP client, on node:http/node:https (not fetch). fetch is undici, which Node
 * loads on first use with its WebAssembly HTTP parser: ~18 MiB more resident memory for the life
 * of the process, and no `--jitless` (WebAssembly needs the JIT). docs/decisions/0030.
 *
 * One request: a deadline over the whole exchange (connect, answer and body), an optional abort
 * signal, a body size limit (the first `maxBodyBytes` are kept and the connection is closed),
 * redirects returned as they are unless `maxRedirects` allows following them, gzip answers decoded
 * when asked for. Connections are kept alive and reused (one agent per protocol); a request that
 * meets a kept connection the server had just closed is sent once more on a new one.
 */
import http, { type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import type { Readable } from "node:stream";
import { createGunzip, createInflate } from "node:zlib";
import { AGENT_VERSION } from "../version.ts";

/** What `maxBodyBytes` is when not given. */
const DEFAULT_MAX_BODY_BYTES = 1_048_576;

/**
 * Idle kept-alive connections close after this (or earlier, when the server's `Keep-Alive:
 * timeout=` hint says so: custos-server's 65 s). Longer than the 60 s heartbeat interval, which
 * the combined push rides on (decision 0036): at 50 s every push opened a new connection, a TLS
 * handshake a minute over HTTPS, more bytes than the push itself.
 */
const IDLE_SOCKET_MS = 90_000;
const agentOptions = { keepAlive: true, keepAliveMsecs: 15_000, maxSockets: 8, maxFreeSockets: 4 };
const httpAgent = new http.Agent({ ...agentOptions, timeout: IDLE_SOCKET_MS });
const httpsAgent = new https.Agent({ ...agentOptions, timeout: IDLE_SOCKET_MS });

export interface HttpHead {
  status: number;
  /** The reason phrase ("Moved Permanently"), "" when the server sent none. */
  statusText: string;
  headers: IncomingHttpHeaders;
  /** The URL that answered (after redirects). */
  url: string;
}

interface HttpResponse extends HttpHead {
  body: Buffer;
  /** The body passed `maxBodyBytes`: `body` holds its first `maxBodyBytes` and the rest was not read. */
  truncated: boolean;
  /** false when `readBody` declined it (body is empty then). */
  bodyRead: boolean;
}

interface HttpRequestOptions {
  /** Default GET, or POST when there is a body. */
  method?: string;
  /** Header names in any case; `user-agent` defaults to custos-agent/<version>. */
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  signal?: AbortSignal;
  /** A deadline for the whole exchange including the body; none when undefined. */
  timeoutMs?: number;
  /** Default 1 MiB (after decoding, for a gzip answer). */
  maxBodyBytes?: number;
  /** Whether to read this answer's body (default: always); a declined body is not read. */
  readBody?: (head: HttpHead) => boolean;
  /** Redirects followed (fetch's rules: 303, and 301/302 to a POST, become a GET); default 0. */
  maxRedirects?: number;
  /** Send `accept-encoding: gzip, deflate` and decode such an answer. */
  acceptGzip?: boolean;
  /** TLS: verify the certificate (default true), against these CAs (PEM) in addition to Node's. */
  rejectUnauthorized?: boolean;
  ca?: string;
  /** A unix socket to connect to instead of the URL's host (the Docker Engine API). */
  socketPath?: string;
  /** "fresh": a new connection for this request, closed after it (default: a kept-alive one). */
  connection?: "keep-alive" | "fresh";
  /** Called with the connection before the request is sent (e.g. to read the peer certificate). */
  onSocket?: (socket: Socket) => void;
}

type HttpErrorReason = "timeout" | "aborted" | "network";

/**
 * Why there is no answer: the deadline passed (`timeout`), the caller's signal aborted
 * (`aborted`), or the connection failed (`network`, with Node's code: ECONNREFUSED, ENOTFOUND,
 * CERT_HAS_EXPIRED, ...). `status` is set when the failure came after the status line.
 */
export class HttpError extends Error {
  override name = "HttpError";
  readonly reason: HttpErrorReason;
  readonly code: string | undefined;
  readonly status: number | undefined;
  constructor(reason: HttpErrorReason, message: string, options: { code?: string; status?: number } = {}) {
    super(message);
    this.reason = reason;
    this.code = options.code;
    this.status = options.status;
  }
}

/** The first value of a response header, or undefined. */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** One request; throws HttpError when there is no complete answer (an HTTP error status is an answer). */
export async function httpRequest(
  url: string | URL,
  options: HttpRequestOptions = {},
): Promise<HttpResponse> {
  const controller = new AbortController();
  let timedOut = false;
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, options.timeoutMs).unref();
  const outer = options.signal;
  const onAbort = () => controller.abort();
  outer?.addEventListener("abort", onAbort, { once: true });
  if (outer?.aborted) controller.abort();
  try {
    const headers: Record<string, string> = { "user-agent": `custos-agent/${AGENT_VERSION}` };
    for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
    if (options.acceptGzip) headers["accept-encoding"] = "gzip, deflate";
    let current = new URL(url);
    let method = (options.method ?? (options.body === undefined ? "GET" : "POST")).toUpperCase();
    let body = options.body;
    const maxRedirects = options.maxRedirects ?? 0;
    for (let hop = 0; ; hop++) {
      const follow = hop < maxRedirects;
      const response = await exchange(
        current,
        { ...options, method, headers, body },
        controller.signal,
        follow,
      );
      const location = headerValue(response.headers, "location");
      if (!follow || !isRedirect(response.status) || location === undefined) return response;
      const next = new URL(location, current);
      if (next.protocol !== "http:" && next.protocol !== "https:") return response;
      if (
        response.status === 303 ||
        ((response.status === 301 || response.status === 302) && method === "POST")
      ) {
        if (method !== "HEAD") method = "GET";
        body = undefined;
        delete headers["content-type"];
        delete headers["content-length"];
      }
      if (next.origin !== current.origin) {
        // what fetch does: credentials stay with the origin they were given for
        delete headers.authorization;
        delete headers.cookie;
        delete headers["proxy-authorization"];
      }
      current = next;
    }
  } catch (error) {
    if (error instanceof HttpError && error.reason !== "network") throw error;
    const status = error instanceof HttpError ? error.status : undefined;
    if (timedOut) {
      throw new HttpError("timeout", `no answer within ${options.timeoutMs} ms`, statusOption(status));
    }
    if (outer?.aborted) {
      const reason = outer.reason instanceof Error ? outer.reason.message : "request aborted";
      throw new HttpError("aborted", reason, statusOption(status));
    }
    if (error instanceof HttpError) throw error;
    const { code, message } = describe(error);
    throw new HttpError("network", message, { ...(code ? { code } : {}) });
  } finally {
    if (timer) clearTimeout(timer);
    outer?.removeEventListener("abort", onAbort);
  }
}

function statusOption(status: number | undefined): { status?: number } {
  return status === undefined ? {} : { status };
}

function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** Node's code and a message for a failed connection (an AggregateError from happy eyeballs has no message). */
function describe(error: unknown): { code: string | undefined; message: string } {
  const e = error as NodeJS.ErrnoException & { errors?: (NodeJS.ErrnoException | undefined)[] };
  const first = e?.errors?.[0];
  const code = e?.code ?? first?.code;
  const message =
    e?.message ||
    (e?.errors ?? [])
      .map((inner) => inner?.message)
      .filter(Boolean)
      .join("; ") ||
    code ||
    String(error);
  return { code, message };
}

const STALE_SOCKET_CODES = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED"]);

interface ExchangeInit extends HttpRequestOptions {
  method: string;
  headers: Record<string, string>;
}

/** One request and its answer; sent once more when a kept-alive connection turns out closed. */
async function exchange(url: URL, init: ExchangeInit, signal: AbortSignal, following: boolean) {
  try {
    return await exchangeOnce(url, init, signal, following);
  } catch (error) {
    const stale =
      (error as { staleSocket?: boolean }).staleSocket === true &&
      !signal.aborted &&
      STALE_SOCKET_CODES.has((error as NodeJS.ErrnoException).code ?? "");
    if (!stale) throw error;
    return exchangeOnce(url, init, signal, following);
  }
}

function exchangeOnce(
  url: URL,
  init: ExchangeInit,
  signal: AbortSignal,
  following: boolean,
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === "https:";
    if (!secure && url.protocol !== "http:") {
      reject(new HttpError("network", `unsupported protocol ${url.protocol}`));
      return;
    }
    const headers = { ...init.headers };
    if (init.body !== undefined) headers["content-length"] = String(Buffer.byteLength(init.body));
    const requestOptions: https.RequestOptions = {
      method: init.method,
      headers,
      signal,
      agent: init.connection === "fresh" ? false : secure ? httpsAgent : httpAgent,
    };
    if (init.socketPath) requestOptions.socketPath = init.socketPath;
    if (secure) {
      requestOptions.rejectUnauthorized = init.rejectUnauthorized ?? true;
      if (init.ca) requestOptions.ca = init.ca;
    }
    const maxBytes = init.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    let settled = false;
    let answered = false;
    const fail = (error: unknown, status?: number) => {
      if (settled) return;
      settled = true;
      if (status !== undefined) {
        const { code, message } = describe(error);
        reject(new HttpError("network", message, { ...(code ? { code } : {}), status }));
      } else {
        reject(error);
      }
    };
    const request = (secure ? https : http).request(url, requestOptions, (res: IncomingMessage) => {
      answered = true;
      const head: HttpHead = {
        status: res.statusCode ?? 0,
        statusText: res.statusMessage ?? "",
        headers: res.headers,
        url: url.href,
      };
      const followed = following && isRedirect(head.status) && res.headers.location !== undefined;
      if (followed || (init.readBody && !init.readBody(head))) {
        settled = true;
        resolve({ ...head, body: Buffer.alloc(0), truncated: false, bodyRead: false });
        discard(request, res);
        return;
      }
      let stream: Readable = res;
      const encoding = init.acceptGzip
        ? headerValue(res.headers, "content-encoding")?.trim().toLowerCase()
        : "";
      if (encoding === "gzip" || encoding === "x-gzip" || encoding === "deflate") {
        const decoder = encoding === "deflate" ? createInflate() : createGunzip();
        res.on("error", (error) => decoder.destroy(error));
        stream = res.pipe(decoder);
      } else if (encoding && encoding !== "identity") {
        request.destroy();
        fail(new Error(`unsupported content-encoding ${encoding}`), head.status);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on("data", (chunk: Buffer) => {
        if (settled) return;
        if (size + chunk.length > maxBytes) {
          chunks.push(chunk.subarray(0, maxBytes - size));
          settled = true;
          resolve({ ...head, body: Buffer.concat(chunks), truncated: true, bodyRead: true });
          request.destroy();
          stream.destroy();
          return;
        }
        chunks.push(chunk);
        size += chunk.length;
      });
      stream.on("end", () => {
        if (settled) return;
        settled = true;
        resolve({ ...head, body: Buffer.concat(chunks, size), truncated: false, bodyRead: true });
      });
      stream.on("error", (error) => fail(error, head.status));
    });
    if (init.onSocket) request.once("socket", init.onSocket);
    request.on("error", (error: NodeJS.ErrnoException) => {
      if (!answered && request.reusedSocket) (error as { staleSocket?: boolean }).staleSocket = true;
      fail(error);
    });
    // closed before any answer without an error event (it should not happen): never leave the caller waiting
    request.on("close", () => {
      if (!answered) fail(new Error("connection closed before an answer"));
    });
    request.end(init.body);
  });
}

/**
 * A body not wanted: a short one is read to its end so the connection can be reused, anything
 * else (long, unknown length) closes the connection.
 */
function discard(request: http.ClientRequest, res: IncomingMessage): void {
  const length = Number(headerValue(res.headers, "content-length") ?? Number.NaN);
  if (Number.isFinite(length) && length <= 65_536) {
    res.on("error", () => undefined);
    res.resume();
  } else {
    request.destroy();
  }
}
