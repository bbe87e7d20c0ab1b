/**
 * One outgoing HTTP request for a notifier: `env.fetch` with `env.timeoutMs` covering the whole
 * exchange (connect, headers and body), and the mapping of failures to DeliveryError.
 *
 * Error messages never carry the request URL (a Slack webhook URL is itself a credential) and pass
 * through `redact` with the channel's secrets, because a provider or a runtime may echo them back.
 */
import { DeliveryError, type NotifierEnv } from "./types.ts";

/** What a notifier tells the transport about the request, for error messages only. */
export interface Target {
  /** Human-readable, secret-free name of the destination, e.g. "Slack" or "webhook https://example.com". */
  label: string;
  /** Values that must never appear in an error message (tokens, webhook URLs, passwords). */
  secrets: readonly string[];
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** Empty for 2xx; otherwise at most MAX_BODY_CHARS of the response body, decoded as UTF-8. */
  body: string;
}

const MAX_BODY_CHARS = 4_096;
const REDACTED = "[redacted]";

export async function post(
  env: NotifierEnv,
  url: string,
  init: { method?: "POST" | "PUT"; headers: HeadersInit; body: string },
  target: Target,
): Promise<HttpAnswer> {
  const signal = AbortSignal.timeout(env.timeoutMs);
  try {
    const response = await env.fetch(url, {
      method: init.method ?? "POST",
      headers: init.headers,
      body: init.body,
      signal,
      redirect: "follow",
    });
    if (response.ok) {
      // accepted: the body does not matter, and a slow body must not turn a delivery into a retry
      await response.body?.cancel().catch(() => undefined);
      return { status: response.status, headers: response.headers, body: "" };
    }
    const body = await readLimited(response);
    return { status: response.status, headers: response.headers, body };
  } catch (error) {
    if (error instanceof DeliveryError) throw error;
    throw transportError(error, signal, env.timeoutMs, target);
  }
}

async function readLimited(response: Response): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (text.length < MAX_BODY_CHARS) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel().catch(() => undefined);
  return text.slice(0, MAX_BODY_CHARS);
}

function transportError(
  error: unknown,
  signal: AbortSignal,
  timeoutMs: number,
  target: Target,
): DeliveryError {
  if (signal.aborted || (error instanceof Error && error.name === "TimeoutError")) {
    return new DeliveryError(`${target.label}: no answer within ${timeoutMs} ms`, true);
  }
  // Node's fetch says "fetch failed" and puts the reason (ECONNREFUSED, ENOTFOUND, ...) in `cause`;
  // Deno's message names the URL, so only a code or a URL-free message is kept.
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === "string" ? cause.code : undefined;
  const reason =
    code ??
    (typeof cause?.message === "string"
      ? cause.message
      : error instanceof Error
        ? error.message
        : String(error));
  return new DeliveryError(
    redact(`${target.label}: request failed (${oneLine(stripUrls(reason), 200)})`, target.secrets),
    true,
  );
}

/** 408, 425, 429 and 5xx can succeed later; any other 4xx means the request or the settings are wrong. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500;
}

/**
 * Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), or undefined.
 * @param now milliseconds since the epoch
 */
export function retryAfterSeconds(headers: Headers, now = Date.now()): number | undefined {
  const value = headers.get("retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * The DeliveryError for a non-2xx answer: `<label>: HTTP <status>: <detail>[; retry after N s]`,
 * retryable by status unless the caller decides otherwise. The wait comes from Retry-After unless
 * the caller read it from the provider's body (Discord's and Telegram's `retry_after`).
 */
export function httpError(
  answer: HttpAnswer,
  target: Target,
  detail: string,
  retryable = isRetryableStatus(answer.status),
  after = retryAfterSeconds(answer.headers),
): DeliveryError {
  const parts = [`${target.label}: HTTP ${answer.status}`];
  const cleaned = oneLine(detail, 300);
  if (cleaned) parts.push(`: ${cleaned}`);
  if (after !== undefined && retryable) parts.push(`; retry after ${after} s`);
  return new DeliveryError(redact(parts.join(""), target.secrets), retryable);
}

/** Parses a JSON body, or undefined when it is not JSON. */
export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** Replaces every occurrence of a secret (and of a secret URL's path) with "[redacted]". */
export function redact(text: string, secrets: readonly string[]): string {
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    needles.add(secret);
    const path = urlPath(secret);
    if (path && path.length >= 8) needles.add(path);
  }
  let out = text;
  // longest first, so a URL is replaced whole before its path is
  for (const needle of [...needles].sort((a, b) => b.length - a.length)) {
    out = out.split(needle).join(REDACTED);
  }
  return out;
}

/** Every string value in a channel's secret object (nested ones included), for `redact`. */
export function secretValues(secret: unknown): string[] {
  if (typeof secret === "string") return [secret];
  if (Array.isArray(secret)) return secret.flatMap(secretValues);
  if (secret && typeof secret === "object") return Object.values(secret).flatMap(secretValues);
  return [];
}

/** `https://host:port` of a URL without path, query or credentials; "(invalid URL)" otherwise. */
export function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "(invalid URL)";
  }
}

function urlPath(value: string): string | undefined {
  if (!/^https?:\/\//i.test(value)) return undefined;
  try {
    const url = new URL(value);
    return `${url.pathname}${url.search}`;
  } catch {
    return undefined;
  }
}

function stripUrls(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s)"'<>\]]+/gi, "[url]");
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
