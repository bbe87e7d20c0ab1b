import { fieldIssues } from "@custos/backend";
import type { z } from "zod";
import { AuthError } from "./errors.ts";

/** No request to /auth/v1 needs more (an email, a password, a little user metadata). */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Reads a JSON object body of at most MAX_BODY_BYTES (refused from Content-Length when declared,
 * and while streaming when not). Every failure is a 4xx naming `body`, never a 5xx.
 */
export async function readJsonObject(request: Request): Promise<Record<string, unknown>> {
  const type = request.headers.get("content-type");
  if (type && !/^application\/json\b/i.test(type)) {
    throw new AuthError(
      415,
      "validation_failed",
      `content-type must be application/json, got ${type.slice(0, 80)}`,
      {
        field: "content-type",
      },
    );
  }
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > MAX_BODY_BYTES) throw tooLarge();
  if (!request.body)
    throw new AuthError(400, "bad_json", "body: a JSON object is required", { field: "body" });

  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BODY_BYTES) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof AuthError) throw error;
    throw new AuthError(400, "bad_json", "body: could not read the request body", { field: "body" });
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks)));
  } catch {
    throw new AuthError(400, "bad_json", "body: could not parse the request body as JSON", { field: "body" });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new AuthError(400, "bad_json", "body: must be a JSON object", { field: "body" });
  }
  return parsed as Record<string, unknown>;
}

/** Validates with a zod schema; the error names the first offending field by its dotted path. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const { field, message } = fieldIssues(result.error);
  throw new AuthError(400, "validation_failed", message, { field });
}

function tooLarge() {
  return new AuthError(413, "request_too_large", `body: larger than ${MAX_BODY_BYTES} bytes`, {
    field: "body",
  });
}
