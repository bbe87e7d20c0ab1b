/**
 * A tiny JSON-lines logger on stderr (one object per line: ts, level, msg, fields). Secrets
 * never reach the output: fields named like secrets are replaced and credentials inside URLs
 * are masked, wherever they appear.
 */
type LogLevel = "debug" | "info" | "warn" | "error";
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, data?: object): void;
  info(msg: string, data?: object): void;
  warn(msg: string, data?: object): void;
  error(msg: string, data?: object): void;
  child(bindings: object): Logger;
}

const SECRET_KEY = /(api_?key|pass(word)?|secret|token|authorization|cookie|webhook_url|credential)/i;
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+(?::[^\s/@]*)?@/gi;
const BEARER = /\b(bearer)\s+[A-Za-z0-9._~+/=-]+/gi;

/** Masks credentials in free text: `https://user:pass@host` and `Bearer <token>`. */
export function redactText(text: string): string {
  return text.replace(URL_CREDENTIALS, "$1***@").replace(BEARER, "$1 ***");
}

/** A copy of `value` with secret-named fields replaced and URL credentials masked. */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object" || depth > 6) return value;
  if (value instanceof Error) return { name: value.name, message: redactText(value.message) };
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && inner !== undefined ? "[redacted]" : redact(inner, depth + 1);
  }
  return out;
}

interface LoggerOptions {
  level?: LogLevel;
  write?: (line: string) => void;
  bindings?: object;
  now?: () => number;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const min = RANK[options.level ?? "info"];
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const now = options.now ?? Date.now;
  const bindings = options.bindings ?? {};
  const emit = (level: LogLevel, msg: string, data?: object) => {
    if (RANK[level] < min) return;
    const record = redact({ ...bindings, ...data }) as Record<string, unknown>;
    write(
      `${JSON.stringify({ ts: new Date(now()).toISOString(), level, msg: redactText(msg), ...record })}\n`,
    );
  };
  return {
    debug: (msg, data) => emit("debug", msg, data),
    info: (msg, data) => emit("info", msg, data),
    warn: (msg, data) => emit("warn", msg, data),
    error: (msg, data) => emit("error", msg, data),
    child: (extra) => createLogger({ ...options, bindings: { ...bindings, ...extra } }),
  };
}

/** A logger that drops everything (commands that print for humans, tests). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};

/** The message of anything thrown, for logs and check results. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    const causeText = cause instanceof Error ? cause.message : undefined;
    return redactText(
      causeText && !error.message.includes(causeText) ? `${error.message}: ${causeText}` : error.message,
    );
  }
  return redactText(String(error));
}
