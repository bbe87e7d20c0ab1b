import type { NotifierEnv } from "@custos/backend";
import type { Env } from "./env.ts";
import { createSmtpTransport } from "./smtp.ts";

/** How custos-server sends notifications, from its environment (see README). */
export function notifierEnvFrom(env: Env): Partial<NotifierEnv> {
  const smtp = env.CUSTOS_SMTP_HOST
    ? createSmtpTransport({
        host: env.CUSTOS_SMTP_HOST,
        port: env.CUSTOS_SMTP_PORT,
        ...(env.CUSTOS_SMTP_SECURITY ? { security: env.CUSTOS_SMTP_SECURITY } : {}),
        ...(env.CUSTOS_SMTP_USER ? { user: env.CUSTOS_SMTP_USER } : {}),
        ...(env.CUSTOS_SMTP_PASSWORD ? { password: env.CUSTOS_SMTP_PASSWORD } : {}),
      })
    : undefined;
  return {
    emailTransport: env.CUSTOS_EMAIL_TRANSPORT,
    emailFrom: env.CUSTOS_EMAIL_FROM,
    twilioBaseUrl: env.CUSTOS_TWILIO_BASE_URL,
    resendBaseUrl: env.CUSTOS_RESEND_BASE_URL,
    ...(smtp ? { smtp } : {}),
    ...(env.CUSTOS_RESEND_API_KEY ? { resendApiKey: env.CUSTOS_RESEND_API_KEY } : {}),
  };
}
