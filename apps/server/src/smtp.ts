/**
 * Email over SMTP for custos-server: nodemailer behind the backend's `SmtpTransport` interface
 * (`packages/backend/src/notify/types.ts`). The backend stays free of Node APIs; this file is the
 * Node half. Failures come out as SmtpError with `retryable` set, which the email notifier honours:
 * 4xx replies and network trouble are temporary, 5xx replies, bad credentials and TLS failures
 * are not.
 */
import { createTransport } from "nodemailer";
import { z } from "zod";

/** Same shape as `SmtpTransport` in @custos/backend's notify/types.ts (not exported from its root). */
export interface SmtpTransport {
  send(mail: { from: string; to: string[]; subject: string; text: string }): Promise<void>;
}

export const SmtpOptions = z.strictObject({
  host: z.string().trim().min(1),
  port: z.number().int().min(1).max(65535).default(587),
  /**
   * - `tls`: TLS from the first byte ("SMTPS", usually port 465);
   * - `starttls`: plain connection that must be upgraded with STARTTLS (submission, port 587);
   * - `opportunistic`: STARTTLS when the server offers it, plain otherwise (a relay on port 25);
   * - `none`: never TLS (a relay on localhost).
   * Default: `tls` on port 465, `starttls` otherwise.
   */
  security: z.enum(["tls", "starttls", "opportunistic", "none"]).optional(),
  user: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  /** Accept a self-signed or otherwise unverifiable certificate (home-lab relays). */
  allow_invalid_certificate: z.boolean().default(false),
  /** Upper bound for connecting, the greeting and each command; the notifier has its own overall bound. */
  timeout_ms: z.number().int().min(100).max(120_000).default(10_000),
});
export type SmtpOptions = z.input<typeof SmtpOptions>;

/** An SMTP failure, with whether sending again later can succeed. */
export class SmtpError extends Error {
  readonly retryable: boolean;
  readonly code: string | undefined;
  readonly responseCode: number | undefined;
  constructor(message: string, details: { retryable: boolean; code?: string; responseCode?: number }) {
    super(message);
    this.name = "SmtpError";
    this.retryable = details.retryable;
    this.code = details.code;
    this.responseCode = details.responseCode;
  }
}

/** nodemailer error codes that no retry can fix: credentials, addresses, message, TLS setup. */
const PERMANENT_CODES = new Set([
  "EAUTH",
  "ENOAUTH",
  "EENVELOPE",
  "EMESSAGE",
  "ETLS",
  "EREQUIRETLS",
  "ECONFIG",
]);

/**
 * Node's certificate verification failures (kept by nodemailer as `originalCode` under ESOCKET):
 * an expired, self-signed or mismatched certificate needs a person, not another attempt.
 */
const CERTIFICATE_CODES =
  /^(CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|ERR_TLS_CERT_ALTNAME_INVALID)/;

/**
 * Classifies a nodemailer error. An SMTP reply decides first, as RFC 5321 says: 5yz is permanent
 * (except 503, a session out of step, which a new connection fixes), 4yz temporary; nodemailer
 * sets `permanent` by that rule. Without a reply, the error code decides; network trouble
 * (ECONNECTION, ESOCKET, ETIMEDOUT, EDNS) is temporary.
 */
export function toSmtpError(error: unknown, secrets: readonly string[] = []): SmtpError {
  if (error instanceof SmtpError) return error;
  const fields = (error ?? {}) as {
    code?: unknown;
    originalCode?: unknown;
    responseCode?: unknown;
    permanent?: unknown;
    message?: unknown;
  };
  const code = typeof fields.code === "string" ? fields.code : undefined;
  const originalCode = typeof fields.originalCode === "string" ? fields.originalCode : undefined;
  const responseCode = typeof fields.responseCode === "number" ? fields.responseCode : undefined;
  let message = typeof fields.message === "string" ? fields.message : String(error);
  for (const secret of secrets) if (secret.length >= 4) message = message.split(secret).join("[redacted]");

  let retryable: boolean;
  if (typeof fields.permanent === "boolean") retryable = !fields.permanent;
  else if (responseCode !== undefined && responseCode >= 400)
    retryable = responseCode < 500 || responseCode === 503;
  else if (originalCode !== undefined && CERTIFICATE_CODES.test(originalCode)) retryable = false;
  else retryable = !(code !== undefined && PERMANENT_CODES.has(code));

  return new SmtpError(message.replace(/\s+/g, " ").trim().slice(0, 500), {
    retryable,
    ...(code !== undefined ? { code } : {}),
    ...(responseCode !== undefined ? { responseCode } : {}),
  });
}

export interface SmtpClient extends SmtpTransport {
  /** Connects and authenticates without sending, e.g. for a "test channel" button or start-up check. */
  verify(): Promise<void>;
  close(): void;
}

/** A transport that opens one SMTP connection per message (no pool to go stale between alerts). */
export function createSmtpTransport(input: SmtpOptions): SmtpClient {
  const options = SmtpOptions.parse(input);
  const security = options.security ?? (options.port === 465 ? "tls" : "starttls");
  const secrets = options.password ? [options.password] : [];
  const transporter = createTransport({
    host: options.host,
    port: options.port,
    secure: security === "tls",
    requireTLS: security === "starttls",
    ignoreTLS: security === "none",
    ...(options.user ? { auth: { user: options.user, pass: options.password ?? "" } } : {}),
    tls: { rejectUnauthorized: !options.allow_invalid_certificate },
    connectionTimeout: options.timeout_ms,
    greetingTimeout: options.timeout_ms,
    socketTimeout: options.timeout_ms,
    dnsTimeout: options.timeout_ms,
  });

  return {
    async send(mail) {
      try {
        await transporter.sendMail({ from: mail.from, to: mail.to, subject: mail.subject, text: mail.text });
      } catch (error) {
        throw toSmtpError(error, secrets);
      }
    },
    async verify() {
      try {
        await transporter.verify();
      } catch (error) {
        throw toSmtpError(error, secrets);
      }
    },
    close() {
      transporter.close();
    },
  };
}
