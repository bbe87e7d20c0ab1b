import type { Logger } from "@custos/backend";

const LEVELS = { info: 0, warn: 1, error: 2, silent: 3 } as const;

/** JSON lines on stderr/stdout. Callers never pass secrets (keys, passwords, URLs with credentials). */
export function createLogger(level: keyof typeof LEVELS): Logger {
  const min = LEVELS[level];
  const write = (lvl: "info" | "warn" | "error", message: string, data?: Record<string, unknown>) => {
    if (LEVELS[lvl] < min) return;
    const line = JSON.stringify({ time: new Date().toISOString(), level: lvl, message, ...data });
    (lvl === "info" ? process.stdout : process.stderr).write(`${line}\n`);
  };
  return {
    info: (m, d) => write("info", m, d),
    warn: (m, d) => write("warn", m, d),
    error: (m, d) => write("error", m, d),
  };
}

/** postgres://user:secret@host/db -> postgres://user:***@host/db */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable URL)";
  }
}
