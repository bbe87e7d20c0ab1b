/**
 * Pure judgement of one HTTP attempt: status code, keyword, latency and certificate against the
 * monitor's options. The runner (request.ts) only performs the request and records what happened.
 */
import type { CheckStatus, HttpExpectedStatus } from "@custos/protocol";

/** What one attempt observed. */
export interface AttemptResult {
  /** Present when a response arrived. */
  status?: number;
  statusText?: string;
  /** The body (up to the read limit); empty for HEAD. */
  body?: string;
  latencyMs: number;
  /** `valid_to` of the server certificate, as node's getPeerCertificate() gives it. */
  certValidTo?: string;
  error?: AttemptError;
}

interface AttemptError {
  kind: "timeout" | "tls" | "network";
  code?: string;
  message: string;
}

interface Criteria {
  expected_status?: HttpExpectedStatus | HttpExpectedStatus[];
  keyword?: string;
  keyword_absent?: string;
  degraded_ms?: number;
  down_ms?: number;
  tls_warn_days: number;
}

export interface Verdict {
  status: CheckStatus;
  message: string;
  /** False when trying again cannot help (an untrusted certificate). */
  retryable: boolean;
  daysLeft?: number;
  keywordFound?: boolean;
}

function statusRange(expected: HttpExpectedStatus): [number, number] {
  if (typeof expected === "number") return [expected, expected];
  if (expected.endsWith("xx")) {
    const base = Number(expected[0]) * 100;
    return [base, base + 99];
  }
  const [from, to] = expected.split("-").map(Number);
  return [from ?? 0, to ?? 0];
}

const DEFAULT_EXPECTED: HttpExpectedStatus[] = ["200-399"];

export function statusMatches(
  code: number,
  expected: HttpExpectedStatus | HttpExpectedStatus[] | undefined,
): boolean {
  const list = expected === undefined ? DEFAULT_EXPECTED : Array.isArray(expected) ? expected : [expected];
  return list.some((entry) => {
    const [from, to] = statusRange(entry);
    return code >= from && code <= to;
  });
}

function describeExpected(expected: HttpExpectedStatus | HttpExpectedStatus[] | undefined): string {
  const list = expected === undefined ? DEFAULT_EXPECTED : Array.isArray(expected) ? expected : [expected];
  return list.join(", ");
}

const DAY_MS = 86_400_000;

/** Whole days until the certificate expires (negative once expired); undefined if unreadable. */
export function certDaysLeft(validTo: string, now: number): number | undefined {
  const expires = Date.parse(validTo);
  if (Number.isNaN(expires)) return undefined;
  return Math.floor((expires - now) / DAY_MS);
}

const ms = (value: number) => `${Math.round(value)} ms`;

export function evaluateAttempt(result: AttemptResult, criteria: Criteria, now: number): Verdict {
  if (result.error || result.status === undefined) {
    const error = result.error ?? { kind: "network", message: "no response" };
    return { status: "down", message: error.message, retryable: error.kind !== "tls" };
  }
  const verdict: Verdict = { status: "ok", message: "", retryable: true };
  const statusLine = `${result.status}${result.statusText ? ` ${result.statusText}` : ""}`;
  if (result.certValidTo) {
    const daysLeft = certDaysLeft(result.certValidTo, now);
    if (daysLeft !== undefined) verdict.daysLeft = daysLeft;
  }
  if (criteria.keyword !== undefined) verdict.keywordFound = (result.body ?? "").includes(criteria.keyword);

  const down = (message: string): Verdict => ({ ...verdict, status: "down", message });
  if (!statusMatches(result.status, criteria.expected_status)) {
    return down(`expected status ${describeExpected(criteria.expected_status)}, got ${statusLine}`);
  }
  if (verdict.keywordFound === false)
    return down(`keyword ${JSON.stringify(criteria.keyword)} not found in the response`);
  if (criteria.keyword_absent !== undefined && (result.body ?? "").includes(criteria.keyword_absent)) {
    return down(`${JSON.stringify(criteria.keyword_absent)} found in the response`);
  }
  if (verdict.daysLeft !== undefined && verdict.daysLeft < 0) {
    return { ...down(`TLS certificate expired ${-verdict.daysLeft} day(s) ago`), retryable: false };
  }
  if (criteria.down_ms !== undefined && result.latencyMs >= criteria.down_ms) {
    return down(`${statusLine} but slow: ${ms(result.latencyMs)} (down at ${ms(criteria.down_ms)})`);
  }

  const warnings: string[] = [];
  if (criteria.degraded_ms !== undefined && result.latencyMs >= criteria.degraded_ms) {
    warnings.push(`slow: ${ms(result.latencyMs)} (degraded at ${ms(criteria.degraded_ms)})`);
  }
  if (verdict.daysLeft !== undefined && verdict.daysLeft < criteria.tls_warn_days) {
    const on = new Date(Date.parse(result.certValidTo ?? "")).toISOString().slice(0, 10);
    warnings.push(`TLS certificate expires in ${verdict.daysLeft} day(s), on ${on}`);
  }
  if (warnings.length > 0) {
    return {
      ...verdict,
      status: "degraded",
      message: `${statusLine} in ${ms(result.latencyMs)}; ${warnings.join("; ")}`,
    };
  }
  const certNote = verdict.daysLeft !== undefined ? `, certificate valid ${verdict.daysLeft} more days` : "";
  return { ...verdict, message: `${statusLine} in ${ms(result.latencyMs)}${certNote}` };
}

const TLS_REASONS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed certificate",
  SELF_SIGNED_CERT_IN_CHAIN: "self-signed certificate in the chain",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the issuer is unknown (incomplete chain?)",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the issuing CA is not trusted here",
  CERT_HAS_EXPIRED: "the certificate has expired",
  CERT_NOT_YET_VALID: "the certificate is not valid yet",
  ERR_TLS_CERT_ALTNAME_INVALID: "the certificate does not name this host",
};

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset by the server",
  ENOTFOUND: "host not found (DNS)",
  EAI_AGAIN: "DNS lookup failed (temporary)",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  EPROTO: "TLS handshake failed",
};

/** Turns a node request error into a short sentence for the check message. */
export function describeError(error: { code?: string; message: string }, host: string): AttemptError {
  const code = error.code;
  if (code && (code in TLS_REASONS || code.startsWith("CERT_") || code.startsWith("ERR_TLS_"))) {
    const reason = TLS_REASONS[code] ?? error.message;
    return {
      kind: "tls",
      code,
      message: `TLS certificate not trusted: ${reason} (${code}); set tls_ca_file, or tls_skip_verify: true to check it anyway`,
    };
  }
  const reason = code ? NETWORK_REASONS[code] : undefined;
  return {
    kind: "network",
    ...(code ? { code } : {}),
    message: `${host}: ${reason ?? error.message}${reason && code ? ` (${code})` : ""}`,
  };
}
