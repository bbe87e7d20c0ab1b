import type { ProbeConfigInput, ProbeItem } from "@/lib/contract.ts";

/** What the probe form edits, as the text its inputs hold. */
export interface ProbeFormValues {
  kind: "http" | "tcp";
  name: string;
  /** a URL (http) or host:port (tcp) */
  target: string;
  interval_seconds: string;
  method: "GET" | "HEAD";
  /** "200, 204"; blank: any 2xx or 3xx */
  expected_status: string;
  keyword: string;
  keyword_absent: string;
  tls_warn_days: string;
  degraded_ms: string;
  down_ms: string;
  timeout_ms: string;
  failures_to_open: string;
  successes_to_resolve: string;
  enabled: boolean;
}

/** The form for a new probe: the contract's defaults (probe-config.ts, CreateProbeRequest). */
export const NEW_PROBE: ProbeFormValues = {
  kind: "http",
  name: "",
  target: "",
  interval_seconds: "60",
  method: "GET",
  expected_status: "",
  keyword: "",
  keyword_absent: "",
  tls_warn_days: "14",
  degraded_ms: "80",
  down_ms: "200",
  timeout_ms: "10000",
  failures_to_open: "2",
  successes_to_resolve: "2",
  enabled: true,
};

const text = (value: unknown, fallback: string) =>
  typeof value === "number" || typeof value === "string" ? String(value) : fallback;

/** Pure: the form filled from a stored probe (its config has every default filled in). */
export function formFromProbe(
  probe: Pick<
    ProbeItem,
    "name" | "kind" | "config" | "interval_seconds" | "failures_to_open" | "successes_to_resolve" | "enabled"
  >,
): ProbeFormValues {
  const c = probe.config;
  const kind = c.kind === "tcp" ? "tcp" : "http";
  return {
    kind,
    name: probe.name,
    target: kind === "http" ? text(c.url, "") : `${formatHost(text(c.host, ""))}:${text(c.port, "")}`,
    interval_seconds: String(probe.interval_seconds),
    method: c.method === "HEAD" ? "HEAD" : "GET",
    expected_status: Array.isArray(c.expected_status) ? c.expected_status.join(", ") : "",
    keyword: text(c.keyword, ""),
    keyword_absent: text(c.keyword_absent, ""),
    tls_warn_days: text(c.tls_warn_days, NEW_PROBE.tls_warn_days),
    degraded_ms: text(c.degraded_ms, NEW_PROBE.degraded_ms),
    down_ms: text(c.down_ms, NEW_PROBE.down_ms),
    timeout_ms: text(c.timeout_ms, NEW_PROBE.timeout_ms),
    failures_to_open: String(probe.failures_to_open),
    successes_to_resolve: String(probe.successes_to_resolve),
    enabled: probe.enabled,
  };
}

function formatHost(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}

/** Pure: "host:port" -> { host, port } (IPv6 in brackets), or undefined. */
export function parseHostPort(value: string): { host: string; port: number } | undefined {
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(value.trim());
  if (!m?.[1] || !m[2]) return undefined;
  const port = Number(m[2]);
  return port >= 1 && port <= 65535 ? { host: m[1], port } : undefined;
}

export type FormResult =
  | { ok: true; config: ProbeConfigInput }
  | { ok: false; field: keyof ProbeFormValues; message: string };

/**
 * Pure: the probe config the form describes, or the field that is wrong in words a person can
 * act on. Bounds are the API's; it checks them again and its 400 names the same field.
 */
export function configFromForm(v: ProbeFormValues): FormResult {
  const int = (field: keyof ProbeFormValues, min: number, max: number): number | string => {
    const raw = String(v[field]).trim();
    const n = Number(raw);
    if (raw === "" || !Number.isInteger(n) || n < min || n > max)
      return `Use a whole number from ${min} to ${max}`;
    return n;
  };
  const numbers = {
    degraded_ms: int("degraded_ms", 1, 600_000),
    down_ms: int("down_ms", 1, 600_000),
    timeout_ms: int("timeout_ms", 100, 60_000),
  };
  for (const [field, value] of Object.entries(numbers)) {
    if (typeof value === "string")
      return { ok: false, field: field as keyof ProbeFormValues, message: value };
  }
  const thresholds = numbers as { degraded_ms: number; down_ms: number; timeout_ms: number };
  if (thresholds.degraded_ms > thresholds.down_ms) {
    return { ok: false, field: "degraded_ms", message: "Degraded must not be above down" };
  }
  if (v.kind === "tcp") {
    const hp = parseHostPort(v.target);
    if (!hp) return { ok: false, field: "target", message: "Use host:port, e.g. db.example.com:5432" };
    return { ok: true, config: { kind: "tcp", ...hp, ...thresholds } };
  }
  const url = v.target.trim();
  if (!/^https?:\/\/\S+$/i.test(url)) {
    return { ok: false, field: "target", message: "Use an http:// or https:// URL" };
  }
  const tls = int("tls_warn_days", 0, 365);
  if (typeof tls === "string") return { ok: false, field: "tls_warn_days", message: tls };
  const statuses = v.expected_status
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(Number);
  if (statuses.some((s) => !Number.isInteger(s) || s < 100 || s > 599) || statuses.length > 20) {
    return { ok: false, field: "expected_status", message: "Use up to 20 HTTP status codes, e.g. 200, 204" };
  }
  return {
    ok: true,
    config: {
      kind: "http",
      url,
      method: v.method,
      ...(statuses.length > 0 ? { expected_status: statuses } : {}),
      ...(v.keyword.trim() ? { keyword: v.keyword.trim() } : {}),
      ...(v.keyword_absent.trim() ? { keyword_absent: v.keyword_absent.trim() } : {}),
      tls_warn_days: tls,
      ...thresholds,
    },
  };
}

/** Pure: the form's numbers outside the config (schedule and incident rules), or the wrong field. */
export function scheduleFromForm(
  v: ProbeFormValues,
):
  | { ok: true; interval_seconds: number; failures_to_open: number; successes_to_resolve: number }
  | { ok: false; field: keyof ProbeFormValues; message: string } {
  const bounds: [keyof ProbeFormValues, number, number][] = [
    ["interval_seconds", 10, 86_400],
    ["failures_to_open", 1, 100],
    ["successes_to_resolve", 1, 100],
  ];
  const out: Record<string, number> = {};
  for (const [field, min, max] of bounds) {
    const raw = String(v[field]).trim();
    const n = Number(raw);
    if (raw === "" || !Number.isInteger(n) || n < min || n > max) {
      return { ok: false, field, message: `Use a whole number from ${min} to ${max}` };
    }
    out[field] = n;
  }
  return {
    ok: true,
    interval_seconds: out.interval_seconds as number,
    failures_to_open: out.failures_to_open as number,
    successes_to_resolve: out.successes_to_resolve as number,
  };
}

/** Pure: the probe's settings as label/value pairs for its page (what the form promises). */
export function describeProbeSettings(config: Record<string, unknown>): { label: string; value: string }[] {
  const rows: { label: string; value: string }[] = [];
  const add = (label: string, value: unknown, unit = "") => {
    if (value !== undefined && value !== null && value !== "")
      rows.push({ label, value: `${String(value)}${unit}` });
  };
  if (config.kind === "tcp") {
    add("Target", `${formatHost(text(config.host, "?"))}:${text(config.port, "?")}`);
  } else {
    add("URL", config.url);
    add("Method", config.method);
    add(
      "Expected status",
      Array.isArray(config.expected_status) ? config.expected_status.join(", ") : "any 2xx or 3xx",
    );
    add("Must contain", config.keyword === undefined ? undefined : `"${String(config.keyword)}"`);
    add(
      "Must not contain",
      config.keyword_absent === undefined ? undefined : `"${String(config.keyword_absent)}"`,
    );
    add(
      "TLS certificate",
      config.tls_warn_days === undefined
        ? undefined
        : `degraded when it expires within ${String(config.tls_warn_days)} days; down when expired or untrusted`,
    );
  }
  add("Degraded above", config.degraded_ms, " ms");
  add("Down above", config.down_ms, " ms");
  add("Timeout", config.timeout_ms, " ms");
  return rows;
}
