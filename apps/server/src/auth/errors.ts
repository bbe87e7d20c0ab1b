import type { Context } from "hono";

/** GoTrue's error codes (supabase/auth `internal/api/apierrors/errorcode.go`) that this subset answers with. */
export type AuthErrorCode =
  | "validation_failed"
  | "bad_json"
  | "request_too_large"
  | "weak_password"
  | "user_already_exists"
  | "signup_disabled"
  | "invalid_credentials"
  | "email_not_confirmed"
  | "user_banned"
  | "user_not_found"
  | "over_request_rate_limit"
  | "unsupported_grant_type"
  | "refresh_token_not_found"
  | "refresh_token_already_used"
  | "session_expired"
  | "session_not_found"
  | "otp_expired"
  | "no_authorization"
  | "bad_jwt"
  | "not_found"
  | "unexpected_failure";

/**
 * A failure answered the way Supabase Auth answers it, so supabase-js raises an AuthApiError
 * (or AuthWeakPasswordError, AuthSessionMissingError) with the same `code` and message.
 * `field` names the offending input; GoTrue has no such key, supabase-js ignores it.
 */
export class AuthError extends Error {
  readonly status: 400 | 401 | 403 | 404 | 413 | 415 | 422 | 429 | 500;
  readonly code: AuthErrorCode;
  readonly field: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly reasons: string[] | undefined;
  constructor(
    status: AuthError["status"],
    code: AuthErrorCode,
    message: string,
    details: { field?: string; retryAfterSeconds?: number; reasons?: string[] } = {},
  ) {
    super(message);
    this.name = "AuthError";
    this.status = status;
    this.code = code;
    this.field = details.field;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.reasons = details.reasons;
  }
}

export const API_VERSION_HEADER = "x-supabase-api-version";
const API_VERSION_2024 = "2024-01-01";

/**
 * GoTrue's two error shapes: a client that sends `X-Supabase-Api-Version: 2024-01-01` or later
 * (supabase-js does) gets `{ code: "<error code>", message }` and the header echoed back — which
 * is how supabase-js knows to read `code` as the error code; anyone else gets the original
 * `{ code: <status>, error_code, msg }`.
 */
export function authErrorResponse(c: Context, error: AuthError): Response {
  const requested = c.req.header(API_VERSION_HEADER);
  const modern =
    requested !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(requested) && requested >= API_VERSION_2024;
  const extra = {
    ...(error.field !== undefined ? { field: error.field } : {}),
    ...(error.reasons ? { weak_password: { reasons: error.reasons } } : {}),
  };
  const body = modern
    ? { code: error.code, message: error.message, ...extra }
    : { code: error.status, error_code: error.code, msg: error.message, ...extra };
  const headers: Record<string, string> = {};
  if (modern) headers[API_VERSION_HEADER] = API_VERSION_2024;
  if (error.retryAfterSeconds !== undefined) headers["retry-after"] = String(error.retryAfterSeconds);
  return c.json(body, error.status, headers);
}
