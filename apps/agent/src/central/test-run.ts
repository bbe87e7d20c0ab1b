/**
 * One monitor test from the dashboard (decision 0045): the monitor is validated exactly as a
 * central configuration (and so agent.yaml) is — `${VAR}` from this agent's environment, the
 * common keys, the plugin's own schema — then run once with its plugin (runOnce, the path of
 * `custos-agent check`) within 30 s, and summarized. Nothing here touches the scheduler, the
 * state database, the outbox or the alerts: the summary goes to the dashboard and nowhere else.
 *
 * What leaves the host is redacted: credentials in URLs and Bearer tokens (redactText, as the
 * logs), and every value this monitor took from an environment variable, wherever a plugin's
 * message repeats it.
 */
import {
  type CheckStatus,
  configVersion,
  MONITOR_TEST_LIMITS,
  type MonitorTestOutcome,
  STATUS_RANK,
} from "@custos/protocol";
import { validateCentral } from "../config/central.ts";
import { errorMessage, type Logger, redactText } from "../log.ts";
import type { PluginDefinition } from "../plugins/types.ts";
import type { RunResult } from "../scheduler/monitor-runner.ts";
import { runOnce } from "../scheduler/run-once.ts";

export interface TestRunOptions {
  plugins: Readonly<Record<string, PluginDefinition>>;
  env: Readonly<Record<string, string | undefined>>;
  log: Logger;
  /** The longest a test may run (30 s; tests shorten it). */
  maxRunMs?: number;
}

const TEXT_MAX = MONITOR_TEST_LIMITS.maxMessageChars;
/** Shorter values are not masked: "1" or "on" would mask half of every message. */
const MIN_SECRET_CHARS = 4;

/** Validates and runs `monitor` (as the dashboard wrote it) once; never throws. */
export async function runMonitorTest(monitor: unknown, options: TestRunOptions): Promise<MonitorTestOutcome> {
  const mask = masker(monitor, options.env);
  const started = Date.now();
  const document = { monitors: [monitor], thresholds: [] };
  const validation = await validateCentral({ version: await configVersion(document), ...document }, options);
  if (!validation.ok) {
    // "monitors[0].options.url: …" -> "monitor.options.url: …": the field as the dashboard names it
    return {
      ...empty(),
      status: "refused",
      message: clip(mask(validation.reason.replaceAll("monitors[0]", "monitor"))),
    };
  }
  const resolved = validation.settings.monitors[0];
  if (!resolved) return { ...empty(), status: "refused", message: "monitor: missing" };
  const maxRunMs = options.maxRunMs ?? MONITOR_TEST_LIMITS.maxRunMs;
  const capped = { ...resolved, enabled: true, timeoutMs: Math.min(resolved.timeoutMs, maxRunMs) };
  let timer: NodeJS.Timeout | undefined;
  try {
    // MonitorRunner ends a run by its timeout; this is the backstop for a plugin's close()
    const result = await Promise.race([
      runOnce(capped, options.log.child({ component: "monitor-test" })),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`did not finish within ${Math.round(maxRunMs / 1000) + 5} s`)),
          maxRunMs + 5_000,
        );
      }),
    ]);
    return summarize(result, mask, Date.now() - started);
  } catch (error) {
    return {
      ...empty(),
      status: "failed",
      message: clip(mask(errorMessage(error))),
      duration_ms: Date.now() - started,
    };
  } finally {
    clearTimeout(timer);
  }
}

function summarize(
  result: RunResult,
  mask: (text: string) => string,
  durationMs: number,
): MonitorTestOutcome {
  const checks = result.checks.map((c) => ({
    name: clip(mask(c.monitor ?? result.monitor.name), 200),
    status: c.status,
    ...(c.message ? { message: clip(mask(c.message)) } : {}),
    ...(c.latency_ms !== undefined && Number.isFinite(c.latency_ms)
      ? { latency_ms: Math.max(0, Math.min(3_600_000, c.latency_ms)) }
      : {}),
  }));
  const worst = checks.reduce<(typeof checks)[number] | undefined>(
    (w, c) => (!w || STATUS_RANK[c.status] > STATUS_RANK[w.status] ? c : w),
    undefined,
  );
  const status: CheckStatus = result.unsupported ? "unsupported" : (worst?.status ?? "ok");
  const message = result.unsupported
    ? mask(result.unsupported)
    : (worst?.message ?? `${result.samples.length} sample${result.samples.length === 1 ? "" : "s"}`);
  return {
    status,
    message: clip(message),
    checks: checks.slice(0, MONITOR_TEST_LIMITS.maxChecks),
    samples: {
      count: result.samples.length,
      first: result.samples
        .filter((s) => Number.isFinite(s.value))
        .slice(0, MONITOR_TEST_LIMITS.maxSamples)
        .map((s) => ({
          name: s.name,
          ...(s.labels && Object.keys(s.labels).length > 0
            ? {
                labels: Object.fromEntries(Object.entries(s.labels).map(([k, v]) => [k, clip(mask(v), 200)])),
              }
            : {}),
          value: s.value,
        })),
    },
    duration_ms: Math.max(0, Math.round(durationMs)),
  };
}

function empty(): Omit<MonitorTestOutcome, "status"> {
  return { checks: [], samples: { count: 0, first: [] }, duration_ms: 0 };
}

function clip(text: string, max: number = TEXT_MAX): string {
  // PostgreSQL text holds no NUL; the backend refuses one
  const clean = text.replaceAll("\u0000", "");
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/**
 * Masks credentials (redactText) and the value of every `${VAR}` the monitor names: what the
 * environment holds for it is the host's secret, whatever its option is called.
 */
function masker(monitor: unknown, env: Readonly<Record<string, string | undefined>>) {
  const names = new Set<string>();
  for (const match of JSON.stringify(monitor ?? null).matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)) {
    if (match[1]) names.add(match[1]);
  }
  const secrets = [...names]
    .map((name) => env[name])
    .filter((value): value is string => typeof value === "string" && value.length >= MIN_SECRET_CHARS)
    .sort((a, b) => b.length - a.length);
  return (text: string) => {
    let out = redactText(text);
    for (const secret of secrets) out = out.replaceAll(secret, "***");
    return out;
  };
}
