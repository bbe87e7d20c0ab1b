/**
 * Email, over SMTP (self-hosted: `env.smtp`, provided by custos-server) or Resend's HTTP API
 * (Edge Functions, where outbound SMTP ports are blocked), chosen by `env.emailTransport`.
 *
 * Resend: `POST {resendBaseUrl}/emails` with `Authorization: Bearer <api key>` and JSON
 * `{ from, to, subject, text }`; 200 `{ "id": ... }` on success, errors as JSON
 * `{ "statusCode": 422, "name": "validation_error", "message": "..." }`. The key is the channel's
 * `resend_api_key` secret if set, else a server-wide `resendApiKey` passed along with the env.
 */
import { plainText, truncate } from "./format.ts";
import { httpError, parseJson, post, type Target } from "./http.ts";
import { parseChannel } from "./schemas.ts";
import { DeliveryError, type NotificationMessage, type Notifier, type NotifierEnv } from "./types.ts";

/** NotifierEnv plus the operator's Resend key, for orgs that do not bring their own. */
export type EmailEnv = NotifierEnv & { resendApiKey?: string };

export function emailContent(message: NotificationMessage): { subject: string; text: string } {
  const subject = truncate(`[${message.org.name}] ${message.title}`.replace(/[\r\n]+/g, " "), 200);
  const text = `${plainText(message)}\n\n-- \nCustos · ${message.org.name}\n`;
  return { subject, text };
}

export const email: Notifier = async (channel, message, env: EmailEnv) => {
  const { config, secret } = parseChannel("email", channel);
  const mail = { from: env.emailFrom, to: [...new Set(config.to)], ...emailContent(message) };
  return sendMail(env, mail, secret.resend_api_key);
};

/**
 * Whether this backend can send email without a channel's own key: SMTP where custos-server
 * configured it, Resend with the operator's key in the cloud. Invitation emails need it.
 */
export function canSendMail(env: EmailEnv): boolean {
  return env.emailTransport === "smtp" ? env.smtp !== undefined : Boolean(env.resendApiKey);
}

/** One plain-text email through the configured transport; `apiKey` is a channel's own Resend key. */
export async function sendMail(env: EmailEnv, mail: Mail, apiKey?: string): Promise<void> {
  if (env.emailTransport === "smtp") return sendSmtp(env, mail);

  const key = apiKey ?? env.resendApiKey;
  if (!key) {
    throw new DeliveryError(
      "Resend: no API key (set the channel's resend_api_key or the server's key)",
      false,
    );
  }
  const target: Target = { label: "Resend", secrets: [key] };
  const answer = await post(
    env,
    `${env.resendBaseUrl.replace(/\/+$/, "")}/emails`,
    {
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(mail),
    },
    target,
  );
  if (answer.status >= 200 && answer.status < 300) return;
  const error = parseJson(answer.body) as { name?: unknown; message?: unknown } | undefined;
  const detail =
    error && typeof error.message === "string"
      ? `${typeof error.name === "string" ? `${error.name}: ` : ""}${error.message}`
      : answer.body;
  throw httpError(answer, target, detail);
}

export type Mail = { from: string; to: string[]; subject: string; text: string };

async function sendSmtp(env: NotifierEnv, mail: Mail): Promise<void> {
  const smtp = env.smtp;
  if (!smtp) throw new DeliveryError("SMTP is not configured", false);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new DeliveryError(`SMTP: no answer within ${env.timeoutMs} ms`, true)),
      env.timeoutMs,
    );
  });
  try {
    await Promise.race([smtp.send(mail), timeout]);
  } catch (error) {
    throw smtpError(error);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A transport's error as a DeliveryError. custos-server's transport sets `retryable`; for others,
 * an SMTP reply code decides (RFC 5321: 5yz permanent except 503, 4yz temporary), then a
 * nodemailer-style `code` (bad credentials, addresses or TLS setup are permanent).
 */
export function smtpError(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  const fields = (error ?? {}) as {
    retryable?: unknown;
    responseCode?: unknown;
    code?: unknown;
    message?: unknown;
  };
  const text = typeof fields.message === "string" ? fields.message : String(error);
  const message = `SMTP: ${truncate(text.replace(/\s+/g, " ").trim(), 300)}`;
  if (typeof fields.retryable === "boolean") return new DeliveryError(message, fields.retryable);
  const reply = fields.responseCode;
  if (typeof reply === "number" && reply >= 400) {
    return new DeliveryError(message, reply < 500 || reply === 503);
  }
  const permanent = new Set(["EAUTH", "ENOAUTH", "EENVELOPE", "EMESSAGE", "ETLS", "EREQUIRETLS"]);
  return new DeliveryError(message, !(typeof fields.code === "string" && permanent.has(fields.code)));
}
