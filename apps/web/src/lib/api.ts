import { loadConfig, type RuntimeConfig } from "./config.ts";
import { getSupabase } from "./supabase.ts";

/** The Hono app lives under this path on the one base URL (both modes); routes start with /v1. */
export const API_PREFIX = "/functions/v1/api";

/** An error the API answered (`{ error: { code, message, field } }`) or a network failure. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  constructor(status: number, code: string, message: string, field?: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.field = field;
  }
  get isNotFound() {
    return this.status === 404;
  }
  get isForbidden() {
    return this.status === 403;
  }
  get isUnauthorized() {
    return this.status === 401;
  }
}

/** Sentence a person can act on; never a stack trace. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 0) return "Could not reach the server. Check your connection and try again.";
    if (error.status === 401) return "Your session has ended. Sign in again.";
    if (error.status === 403) return error.message || "You do not have permission to do that.";
    if (error.status === 404)
      return "Not found. It may have been deleted, or it belongs to another organization.";
    if (error.status === 429) return "Too many requests. Wait a moment and try again.";
    // the plan's refusal already names the plan, the limit, the usage and what to do
    if (error.status === 402) return error.message;
    if (error.status >= 500) return "The server had a problem answering. Try again in a moment.";
    return error.field ? `${error.message} (${error.field})` : error.message;
  }
  return "Something went wrong. Try again.";
}

type Query = Record<string, string | number | boolean | undefined | readonly string[]>;

export function buildQuery(query: Query | undefined): string {
  if (!query) return "";
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    params.set(key, Array.isArray(value) ? value.join(",") : String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

export interface RequestOptions {
  method?: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  query?: Query;
  body?: unknown;
  signal?: AbortSignal | undefined;
  /** Public routes (status pages) go without the user's token. */
  anonymous?: boolean;
  /**
   * The stored session's access token, read before supabase-js has loaded (lib/early-requests.ts);
   * without it the token comes from supabase-js, which refreshes it when due.
   */
  token?: string | undefined;
}

let onUnauthorized: (() => void) | undefined;
/** The auth provider registers what to do when the API says the session is gone. */
export function setUnauthorizedHandler(handler: (() => void) | undefined) {
  onUnauthorized = handler;
}

async function parseError(res: Response): Promise<ApiError> {
  let code = `HTTP_${res.status}`;
  let message = res.statusText || "request failed";
  let field: string | undefined;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string; field?: string } };
    if (body.error) {
      code = body.error.code ?? code;
      message = body.error.message ?? message;
      field = body.error.field ?? undefined;
    }
  } catch {
    // not JSON (a proxy's error page): keep the status line
  }
  return new ApiError(res.status, code, message, field);
}

/** Calls the dashboard API as the signed-in user; resolves to the parsed JSON body. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const res = await apiResponse(path, options, "application/json");
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** Calls the dashboard API as the signed-in user; resolves to the successful response (files). */
export async function apiResponse(path: string, options: RequestOptions, accept: string): Promise<Response> {
  if (options.token !== undefined) return send(path, options, await loadConfig(), accept, options.token);
  const { supabase, config } = await getSupabase();
  let token: string | undefined;
  if (!options.anonymous) {
    const { data } = await supabase.auth.getSession();
    token = data.session?.access_token;
    if (!token) {
      onUnauthorized?.();
      throw new ApiError(401, "UNAUTHORIZED", "not signed in");
    }
  }
  return send(path, options, config, accept, token);
}

async function send(
  path: string,
  options: RequestOptions,
  config: RuntimeConfig,
  accept: string,
  token: string | undefined,
): Promise<Response> {
  const headers: Record<string, string> = { apikey: config.anonKey, accept };
  if (!options.anonymous && token !== undefined) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(`${config.supabaseUrl}${API_PREFIX}${path}${buildQuery(options.query)}`, {
      method: options.method ?? "GET",
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(0, "NETWORK", "network error");
  }
  if (!res.ok) {
    const error = await parseError(res);
    if (error.status === 401 && !options.anonymous) onUnauthorized?.();
    throw error;
  }
  return res;
}
