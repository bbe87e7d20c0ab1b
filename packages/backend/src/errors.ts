import type { ApiErrorCode } from "@custos/protocol";

/** A failure a caller can act on. Routes map `code` to an HTTP status through STATUS_BY_CODE. */
export class AppError extends Error {
  readonly code: ApiErrorCode;
  readonly field: string | undefined;
  readonly issues: { path: string; message: string }[] | undefined;
  constructor(
    code: ApiErrorCode,
    message: string,
    details: { field?: string; issues?: { path: string; message: string }[] } = {},
  ) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.field = details.field;
    this.issues = details.issues;
  }
}

export const STATUS_BY_CODE = {
  VALIDATION: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  PENDING_APPROVAL: 403,
  PLAN_LIMIT: 402,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
} as const satisfies Record<ApiErrorCode, number>;

export function errorBody(error: AppError) {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.field !== undefined ? { field: error.field } : {}),
      ...(error.issues ? { issues: error.issues } : {}),
    },
  };
}
