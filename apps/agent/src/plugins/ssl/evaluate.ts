/**
 * Pure verdict on what one TLS handshake showed: days left, chain validity, host name match.
 */
import type { CheckStatus } from "@custos/protocol";

/** What the runner read from a handshake (tls.TLSSocket and tls.checkServerIdentity). */
export interface Observation {
  /** The certificate's notAfter as OpenSSL prints it, e.g. `Feb  1 00:00:00 2020 GMT`. */
  validTo: string;
  validFrom: string;
  subject?: string;
  issuer?: string;
  /** socket.authorized: the chain verified against the trusted CAs. */
  authorized: boolean;
  /** socket.authorizationError, e.g. `CERT_HAS_EXPIRED`, `DEPTH_ZERO_SELF_SIGNED_CERT`. */
  authorizationError?: string;
  /** The message of tls.checkServerIdentity() when the name does not match. */
  identityError?: string;
}

export interface Verdict {
  status: CheckStatus;
  message: string;
  daysLeft: number;
}

const DAY_MS = 86_400_000;

export function evaluateCertificate(
  observation: Observation,
  limits: { warnDays: number; critDays: number; now: number },
): Verdict {
  const expires = Date.parse(observation.validTo);
  if (Number.isNaN(expires)) {
    return { status: "down", message: `unreadable expiry date '${observation.validTo}'`, daysLeft: 0 };
  }
  const daysLeft = Math.floor(((expires - limits.now) / DAY_MS) * 10) / 10;
  const expiry = new Date(expires).toISOString().slice(0, 10);
  const problems: string[] = [];
  let status: CheckStatus = "ok";

  if (daysLeft < 0) {
    problems.push(`expired ${Math.ceil(-daysLeft)} day(s) ago (${expiry})`);
    status = "down";
  } else if (daysLeft < limits.critDays) {
    problems.push(`expires in ${daysLeft} day(s) (${expiry}), below ${limits.critDays}`);
    status = "down";
  } else if (daysLeft < limits.warnDays) {
    problems.push(`expires in ${daysLeft} day(s) (${expiry}), below ${limits.warnDays}`);
    status = "degraded";
  }
  // An expired certificate also fails chain validation; say it once.
  if (!chainTrusted(observation) && observation.authorizationError !== "CERT_HAS_EXPIRED") {
    problems.push(`chain not trusted: ${observation.authorizationError ?? "unknown reason"}`);
    status = "down";
  }
  if (observation.identityError) {
    problems.push(`name mismatch: ${observation.identityError}`);
    status = "down";
  }
  if (problems.length === 0) {
    return { status, daysLeft, message: `valid, expires in ${daysLeft} day(s) (${expiry})` };
  }
  return { status, daysLeft, message: problems.join("; ") };
}

/**
 * The chain verified. Node also marks a name mismatch as unauthorized
 * (ERR_TLS_CERT_ALTNAME_INVALID) when SNI is set; that is reported as a name mismatch instead.
 */
export function chainTrusted(observation: Observation): boolean {
  return observation.authorized || observation.authorizationError === "ERR_TLS_CERT_ALTNAME_INVALID";
}
