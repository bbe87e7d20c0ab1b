/**
 * The value types every request schema is built from, so that whatever a schema accepts can be
 * stored: PostgreSQL refuses a NUL byte in text and jsonb and any unpaired UTF-16 surrogate (it
 * cannot be encoded as UTF-8), JS dates end at ±8.64e15 ms, and a JSON blob nested thousands
 * deep overflows the stack of whoever serialises it. A string, time or JSON blob that reaches
 * the database goes through one of these; a hostile value is a 400 naming its field, never a
 * database error answered as 500.
 */
import { z } from "zod";

/**
 * Text without a NUL and with every surrogate in a pair. One forward pass without backtracking
 * into earlier characters (the alternatives are disjoint), measured linear up to 8 M characters;
 * as a `.regex()` check it costs ingest ~3 ms per 5,000 samples where a `.refine()` cost ~20 ms.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point of this pattern
const STORABLE = /^(?:[^\u0000\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/;

/** Whether PostgreSQL can store the string as text or inside jsonb. */
export function isStorableText(value: string): boolean {
  return STORABLE.test(value);
}

const UNSTORABLE_MESSAGE = "must not contain NUL bytes or unpaired UTF-16 surrogates";

/**
 * Any string that is stored: z.string() that refuses what PostgreSQL cannot hold. It stays a
 * ZodString, so `.trim().min(1).max(n).regex(...)` chain as usual.
 */
export const SafeText = z.string().regex(STORABLE, UNSTORABLE_MESSAGE);

// ---- numbers ----------------------------------------------------------------------------------

/**
 * A measured value (metric sample, check latency). Stored as double precision, but averages of
 * some are kept as real (float4: the overview's cpu trend, latency_ms), where PostgreSQL refuses
 * both overflow (above 3.4e38) and underflow (a nonzero value that rounds to 0) with an error,
 * which in a rollup would fail the whole pass. So: at most 1e38 in magnitude (400 beyond), and a
 * magnitude below 1e-9 counts as 0 (no measurement is that small; sums of what remains cannot
 * underflow a float4).
 */
export const Measurement = z
  .number()
  .min(-1e38)
  .max(1e38)
  // overwrite, not transform: it stays a ZodNumber (chainable) and costs ingest ~1/15 as much
  .overwrite((value) => (Math.abs(value) < 1e-9 ? 0 : value));

// ---- time ---------------------------------------------------------------------------------------

/**
 * The instants any request may name: from the Unix epoch to the end of year 9999. Both ends fit a
 * JS Date, PostgreSQL's timestamptz and an ISO string with a four-digit year; a year-0 or
 * 8.7e15-ms value is refused before anything computes with it. (The agent's data window, 7 days
 * back to 10 minutes ahead, is narrower and checked against the backend clock: `agentTimeProblem`.)
 */
export const EARLIEST_TIME_MS = 0;
export const LATEST_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const inTimeRange = (ms: number) => ms >= EARLIEST_TIME_MS && ms <= LATEST_TIME_MS;
const TIME_RANGE_MESSAGE = "must be between 1970-01-01 and 9999-12-31";

/** An ISO-8601 timestamp with a zone, between 1970 and 9999: the dashboard's request times. */
export const IsoTime = z.iso
  .datetime({ offset: true })
  .refine((value) => inTimeRange(Date.parse(value)), { message: TIME_RANGE_MESSAGE });

/**
 * ISO-8601 with a zone, or epoch milliseconds, between 1970 and 9999. Normalised to a Date; the
 * range is checked on that Date, so an ISO string is parsed once (this runs per sample on ingest).
 */
export const Timestamp = z
  .union([z.iso.datetime({ offset: true }), z.number().int()])
  .transform((value) => new Date(value))
  .refine((date) => inTimeRange(date.getTime()), { message: TIME_RANGE_MESSAGE });

/** How far from the backend clock an agent's data may lie (README: Limits and errors). */
export const AGENT_TIME_WINDOW = {
  /** The agent buffers up to 24 h by default; partitions exist 7 days back. */
  maxAgeMs: 7 * 86_400_000,
  maxFutureMs: 10 * 60_000,
} as const;

/** Why an agent-sent time is outside the data window, or null when it is inside. */
export function agentTimeProblem(time: Date, nowMs: number): string | null {
  const t = time.getTime();
  if (t > nowMs + AGENT_TIME_WINDOW.maxFutureMs) return "is more than 10 minutes in the future";
  if (!(t >= nowMs - AGENT_TIME_WINDOW.maxAgeMs)) return "is older than 7 days";
  return null;
}

// ---- JSON blobs ---------------------------------------------------------------------------------

/** Caps of a stored JSON blob (channel and probe settings): generous for settings, tiny for a DoS. */
export const JSON_LIMITS = { maxDepth: 8, maxNodes: 1_000, maxKeyLength: 200, maxStringLength: 10_000 };

type JsonProblem = { path: (string | number)[]; message: string };

/**
 * Walks a parsed JSON value and names the first place that cannot be stored or is over a cap:
 * a NUL or lone surrogate in a key or string, a non-finite number, nesting deeper than maxDepth,
 * more than maxNodes values in all.
 */
export function jsonProblem(value: unknown, limits = JSON_LIMITS): JsonProblem | null {
  let nodes = 0;
  const walk = (v: unknown, path: (string | number)[]): JsonProblem | null => {
    nodes += 1;
    if (nodes > limits.maxNodes) return { path, message: `at most ${limits.maxNodes} values in all` };
    if (v === null || typeof v === "boolean") return null;
    if (typeof v === "number")
      return Number.isFinite(v) ? null : { path, message: "must be a finite number" };
    if (typeof v === "string") {
      if (!isStorableText(v)) return { path, message: UNSTORABLE_MESSAGE };
      if (v.length > limits.maxStringLength)
        return { path, message: `at most ${limits.maxStringLength} characters` };
      return null;
    }
    if (path.length >= limits.maxDepth)
      return { path, message: `nests deeper than ${limits.maxDepth} levels` };
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const problem = walk(v[i], [...path, i]);
        if (problem) return problem;
      }
      return null;
    }
    if (typeof v === "object") {
      for (const [key, item] of Object.entries(v)) {
        if (!isStorableText(key) || key.length > limits.maxKeyLength) {
          return {
            path: [...path, key],
            message: `keys must be storable text of at most ${limits.maxKeyLength} characters`,
          };
        }
        const problem = walk(item, [...path, key]);
        if (problem) return problem;
      }
      return null;
    }
    return { path, message: "must be a JSON value" };
  };
  return walk(value, []);
}

/**
 * A JSON object stored as jsonb (channel config/secret, probe config): any shape (each kind is
 * validated by its own schema later), but only storable strings, finite numbers, within
 * JSON_LIMITS. The issue's path names the offending value, e.g. `config.headers.X-A`.
 */
export const JsonObject = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  const problem = jsonProblem(value);
  if (problem) ctx.addIssue({ code: "custom", path: problem.path, message: problem.message });
});
export type JsonObject = z.infer<typeof JsonObject>;
