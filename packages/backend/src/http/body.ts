import { LIMITS } from "@custos/protocol";
import type { z } from "zod";
import { AppError } from "../errors.ts";

/**
 * Reads a JSON request body within the documented limits: at most LIMITS.maxBodyBytes on the
 * wire and LIMITS.maxInflatedBytes after gzip (a gzip bomb stops at the limit, not in memory).
 */
export async function readJsonBody(request: Request): Promise<unknown> {
  const type = request.headers.get("content-type");
  if (type && !/^application\/json\b/i.test(type)) {
    throw new AppError(
      "UNSUPPORTED_MEDIA_TYPE",
      `content-type must be application/json, got ${type.slice(0, 100)}`,
      {
        field: "content-type",
      },
    );
  }
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > LIMITS.maxBodyBytes) {
    throw tooLarge(LIMITS.maxBodyBytes, "body");
  }
  const encoding = (request.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  if (encoding !== "identity" && encoding !== "gzip") {
    throw new AppError(
      "UNSUPPORTED_MEDIA_TYPE",
      `content-encoding ${encoding.slice(0, 50)} is not supported (use gzip)`,
      {
        field: "content-encoding",
      },
    );
  }
  if (!request.body) throw new AppError("VALIDATION", "request body is empty", { field: "body" });

  let stream: ReadableStream<Uint8Array> = request.body.pipeThrough(limitBytes(LIMITS.maxBodyBytes, "body"));
  if (encoding === "gzip") {
    stream = stream.pipeThrough(
      new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>,
    );
    stream = stream.pipeThrough(limitBytes(LIMITS.maxInflatedBytes, "body (after gzip)"));
  }
  let text: string;
  try {
    text = await new Response(stream).text();
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (encoding === "gzip") throw new AppError("VALIDATION", "body is not valid gzip", { field: "body" });
    throw new AppError("VALIDATION", "could not read the request body", { field: "body" });
  }
  if (text.length === 0) throw new AppError("VALIDATION", "request body is empty", { field: "body" });
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("VALIDATION", "body is not valid JSON", { field: "body" });
  }
}

function tooLarge(limit: number, what: string) {
  return new AppError("PAYLOAD_TOO_LARGE", `${what} exceeds ${limit} bytes`, { field: "body" });
}

function limitBytes(limit: number, what: string): TransformStream<Uint8Array, Uint8Array> {
  let seen = 0;
  return new TransformStream({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > limit) controller.error(tooLarge(limit, what));
      else controller.enqueue(chunk);
    },
  });
}

/** Validates with a zod schema; the error names the first offending field by its dotted path. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 20).map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.message,
  }));
  const first = issues[0] ?? { path: "", message: "invalid input" };
  const where = first.path || "body";
  return failValidation(`${where}: ${first.message}`, where, issues);
}

function failValidation(message: string, field: string, issues: { path: string; message: string }[]): never {
  throw new AppError("VALIDATION", message, { field, issues });
}
