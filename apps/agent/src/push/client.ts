/**
 * HTTP client for the agent API (`{url}/functions/v1/api/agent/*`): bearer API key, gzip for
 * batches, and every answer classified into what the caller must do next.
 */
import { promisify } from "node:util";
import { gzip as gzipCallback } from "node:zlib";
import { ApiError } from "@custos/protocol";
import { errorMessage } from "../log.ts";
import { HttpError, headerValue, httpRequest } from "../util/http-client.ts";
import { AGENT_VERSION } from "../version.ts";

const gzip = promisify(gzipCallback);

export type AgentEndpoint =
  | "register"
  | "heartbeat"
  | "metrics"
  | "checks"
  | "alerts"
  | "events"
  | "push"
  | "config"
  | "config/report"
  | "monitor-tests/claim"
  | `monitor-tests/${string}/result`;

export type SendOutcome =
  /** 2xx: the backend took it. */
  | { kind: "ok"; status: number; body: unknown }
  /** 400/422: the payload can never be accepted; do not retry it. */
  | { kind: "rejected"; status: number; message: string; error: BackendError }
  /** 413: send it in smaller pieces. */
  | { kind: "too_large"; status: number; message: string; error: BackendError }
  /** 401/403: the API key is not accepted. */
  | { kind: "auth"; status: number; message: string }
  /** 403 PENDING_APPROVAL: the server is registered but not approved yet. */
  | { kind: "pending_approval"; status: number; message: string }
  /**
   * 402 PLAN_LIMIT: the organization's plan has no room for this (a new server); `message` is
   * the backend's own (plan, limit, usage). Retry slowly: an operator must act.
   */
  | { kind: "plan_limit"; status: number; message: string }
  /** 429, 5xx, network error, timeout, anything unexpected: retry with backoff. */
  | {
      kind: "retry";
      status: number | undefined;
      message: string;
      retryAfterMs?: number;
      unreachable: boolean;
      /** The backend's JSON error when it answered one (a 404 naming no field: no such route). */
      error?: BackendError;
    };

/** The backend's JSON error (`ApiError`), or the start of a body that was not one. */
export interface BackendError {
  code: string | null;
  message: string;
  field: string | null;
}

interface ClientOptions {
  url: string;
  apiKey: string;
  timeoutMs?: number;
}

/** Far above any answer of the agent API; a longer one is not read (and is retried). */
const MAX_ANSWER_BYTES = 8 * 1_048_576;

export class BackendClient {
  readonly #o: ClientOptions;

  constructor(options: ClientOptions) {
    this.#o = options;
  }

  get baseUrl(): string {
    return this.#o.url;
  }

  endpoint(name: AgentEndpoint): string {
    return `${this.#o.url}/functions/v1/api/agent/${name}`;
  }

  async post(
    name: AgentEndpoint,
    json: string,
    options: { gzip?: boolean; signal?: AbortSignal; timeoutMs?: number } = {},
  ): Promise<SendOutcome> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.#o.apiKey}`,
      "content-type": "application/json",
      "user-agent": `custos-agent/${AGENT_VERSION}`,
    };
    let body: string | Uint8Array = json;
    if (options.gzip) {
      body = await gzip(json);
      headers["content-encoding"] = "gzip";
    }
    const timeoutMs = options.timeoutMs ?? this.#o.timeoutMs ?? 30_000;
    let response: Awaited<ReturnType<typeof httpRequest>>;
    try {
      response = await httpRequest(this.endpoint(name), {
        method: "POST",
        headers,
        body,
        timeoutMs,
        maxBodyBytes: MAX_ANSWER_BYTES,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      const status = error instanceof HttpError ? error.status : undefined;
      const message =
        error instanceof HttpError && error.reason === "timeout"
          ? `no answer within ${timeoutMs / 1000}s`
          : errorMessage(error);
      return { kind: "retry", status, message, unreachable: true };
    }
    if (response.truncated) {
      const message = `HTTP ${response.status}: answer longer than ${MAX_ANSWER_BYTES} bytes`;
      return { kind: "retry", status: response.status, message, unreachable: true };
    }
    const text = response.body.toString("utf8");
    return classify(response.status, text, headerValue(response.headers, "retry-after") ?? null);
  }
}

export function classify(status: number, text: string, retryAfter: string | null): SendOutcome {
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (status >= 200 && status < 300) return { kind: "ok", status, body };
  const parsed = ApiError.safeParse(body);
  const code = parsed.success ? parsed.data.error.code : undefined;
  const detail = parsed.success
    ? [parsed.data.error.message, parsed.data.error.field].filter(Boolean).join(" at ")
    : text.slice(0, 200).replace(/\s+/g, " ").trim();
  const message = `HTTP ${status}${code ? ` ${code}` : ""}${detail ? `: ${detail}` : ""}`;
  const error: BackendError = parsed.success
    ? {
        code: parsed.data.error.code,
        message: parsed.data.error.message,
        field: parsed.data.error.field ?? null,
      }
    : { code: null, message: detail, field: null };
  // 409: the batch id is taken by another kind's batch; that id can never be stored
  if (status === 400 || status === 409 || status === 422) return { kind: "rejected", status, message, error };
  if (status === 413) return { kind: "too_large", status, message, error };
  if (status === 403 && code === "PENDING_APPROVAL") return { kind: "pending_approval", status, message };
  if (status === 402 && code === "PLAN_LIMIT" && parsed.success)
    return { kind: "plan_limit", status, message: parsed.data.error.message };
  if (status === 401 || status === 403) return { kind: "auth", status, message };
  const retryAfterMs = parseRetryAfter(retryAfter);
  return {
    kind: "retry",
    status,
    message,
    unreachable: status >= 500,
    error,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  };
}

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, 300_000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.min(Math.max(0, date - Date.now()), 300_000);
}
