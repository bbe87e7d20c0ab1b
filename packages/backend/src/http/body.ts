import { LIMITS } from "@custos/protocol";
import type { z } from "zod";
import type { Gunzip } from "../context.ts";
import { AppError } from "../errors.ts";

/**
 * Reads a JSON request body within the documented limits: at most LIMITS.maxBodyBytes on the
 * wire and LIMITS.maxInflatedBytes after gzip (a gzip bomb stops at the limit, not in memory).
 */
export async function readJsonBody(request: Request, gunzip?: Gunzip): Promise<unknown> {
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
  let text: string;
  try {
    text = await readText(request, declared !== null, encoding === "gzip", gunzip);
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (encoding === "gzip") throw new AppError("VALIDATION", "body is not valid gzip", { field: "body" });
    throw new AppError("VALIDATION", "could not read the request body", { field: "body" });
  }
  if (text.length === 0) throw new AppError("VALIDATION", "request body is empty", { field: "body" });
  if (nestsDeeperThan(text, LIMITS.maxJsonDepth)) {
    throw new AppError(
      "VALIDATION",
      `body nests arrays and objects deeper than ${LIMITS.maxJsonDepth} levels`,
      {
        field: "body",
      },
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("VALIDATION", "body is not valid JSON", { field: "body" });
  }
}

/**
 * Whether JSON text nests `[`/`{` deeper than `max`, counted outside string literals. Checked on
 * the text before JSON.parse: every later step (zod, logging, the driver's JSON.stringify of jsonb)
 * may recurse, and 1 MiB of `[` is half a million levels. One pass without allocation; string
 * contents are skipped with indexOf (most of an ingest body is strings): about 4 ms for a
 * 5,000-sample batch, under half of JSON.parse's time.
 */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      // the closing quote is the next one not escaped by an odd run of backslashes
      for (;;) {
        i = text.indexOf('"', i + 1);
        if (i < 0) return false; // unterminated: JSON.parse refuses it
        let b = i - 1;
        while (text.charCodeAt(b) === 92 /* \\ */) b--;
        if ((i - 1 - b) % 2 === 0) break;
      }
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > max) return true;
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return false;
}

/**
 * The body as text. With a declared Content-Length (already checked against the limit) the HTTP
 * server reads exactly that many bytes, so the body is read in one piece: a byte-counting web
 * stream per request cost about a third of the ingest CPU. Without one (chunked), bytes are
 * counted as they arrive. A gzip body is inflated through a stream that stops at the inflated
 * limit, so a gzip bomb never reaches memory.
 */
async function readText(
  request: Request,
  declared: boolean,
  gzip: boolean,
  gunzip?: Gunzip,
): Promise<string> {
  let stream: ReadableStream<Uint8Array>;
  if (declared) {
    const bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.byteLength > LIMITS.maxBodyBytes) throw tooLarge(LIMITS.maxBodyBytes, "body");
    if (!gzip) return new TextDecoder().decode(bytes);
    if (gunzip) {
      const inflated = gunzip(bytes, LIMITS.maxInflatedBytes);
      if (inflated === "too_large") throw tooLarge(LIMITS.maxInflatedBytes, "body (after gzip)");
      return new TextDecoder().decode(inflated);
    }
    stream = new Blob([bytes]).stream();
  } else {
    if (!request.body) return "";
    stream = request.body.pipeThrough(limitBytes(LIMITS.maxBodyBytes, "body"));
  }
  if (gzip) {
    stream = stream
      .pipeThrough(new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>)
      .pipeThrough(limitBytes(LIMITS.maxInflatedBytes, "body (after gzip)"));
  }
  return await new Response(stream).text();
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

/** One refused value of a request, by its dotted path (`samples.3.value`). */
export interface FieldIssue {
  path: string;
  message: string;
}

/**
 * A zod error as every API reports it: the issues (at most 20) by dotted path, an unknown key
 * named by its own path (`bogus`, `config.bogus`: "unknown field") rather than its object's; the
 * field to name, the first issue's path or `body` for the input as a whole; and the message
 * `<field>: <what is wrong>`.
 */
export function fieldIssues(error: z.ZodError): { field: string; message: string; issues: FieldIssue[] } {
  const issues = error.issues.slice(0, 20).map((issue) => {
    const path = issue.path.map(String);
    if (issue.code === "unrecognized_keys" && issue.keys[0] !== undefined) path.push(issue.keys[0]);
    return {
      path: path.join("."),
      message: issue.code === "unrecognized_keys" ? "unknown field" : issue.message,
    };
  });
  const first = issues[0] ?? { path: "", message: "invalid input" };
  const field = first.path || "body";
  return { field, message: `${field}: ${first.message}`, issues };
}

/** Validates with a zod schema; a refusal is VALIDATION naming the first offending field (fieldIssues). */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const { field, message, issues } = fieldIssues(result.error);
  throw new AppError("VALIDATION", message, { field, issues });
}
