import { BackendEnv, EnvError, parseEnv } from "@custos/backend";
import { z } from "zod";
import { SIGNUP_POLICIES } from "./auth/context.ts";

/**
 * The only place custos-server reads its environment: the variables it shares with the Supabase
 * function (BackendEnv: rate limit, key cache, cron secret, Resend key, sender, public URL) and its
 * own. A bad value stops start-up, naming it.
 */
const Env = BackendEnv.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
  CUSTOS_DATA_DIR: z.string().min(1).default(".custos"),
  CUSTOS_DB_POOL: z.coerce.number().int().min(1).max(200).default(20),
  CUSTOS_SCHEDULER: z.enum(["on", "off"]).default("on"),
  CUSTOS_LOG: z.enum(["info", "warn", "error", "silent"]).default("info"),
  // notifications
  CUSTOS_EMAIL_TRANSPORT: z.enum(["smtp", "resend"]).default("smtp"),
  CUSTOS_SMTP_HOST: z.string().min(1).optional(),
  CUSTOS_SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
  CUSTOS_SMTP_SECURITY: z.enum(["tls", "starttls", "opportunistic", "none"]).optional(),
  CUSTOS_SMTP_USER: z.string().min(1).optional(),
  CUSTOS_SMTP_PASSWORD: z.string().min(1).optional(),
  CUSTOS_RESEND_BASE_URL: z.url().default("https://api.resend.com"),
  CUSTOS_TWILIO_BASE_URL: z.url().default("https://api.twilio.com"),
  // --- self-hosted auth (/auth/v1) ---
  CUSTOS_JWT_TTL_SECONDS: z.coerce.number().int().min(1).max(604_800).default(3600),
  CUSTOS_AUTH_RATE_LIMIT_ACCOUNT: z.coerce.number().int().min(1).max(10_000).default(5),
  CUSTOS_AUTH_RATE_LIMIT_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(20),
  CUSTOS_AUTH_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  CUSTOS_AUTH_REFRESH_REUSE_SECONDS: z.coerce.number().int().min(0).max(60).default(10),
  /** Who may sign up after the first account (decision 0017); the first account always may. */
  CUSTOS_SIGNUPS: z.enum(SIGNUP_POLICIES).default("invite-only"),
  /** Reverse proxies in front of custos-server whose X-Forwarded-For is believed: off (0), on (1), or a count. */
  CUSTOS_TRUST_PROXY: z
    .union([z.enum(["off", "on"]), z.coerce.number().int().min(0).max(10)])
    .transform((v) => (v === "off" ? 0 : v === "on" ? 1 : v))
    .default(0),
});
export type Env = z.infer<typeof Env>;

export { EnvError };

export function readEnv(source: Record<string, string | undefined> = process.env): Env {
  return parseEnv(Env, source);
}
