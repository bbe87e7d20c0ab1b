import { z } from "zod";
import { SIGNUP_POLICIES } from "./auth/context.ts";

/** The only place custos-server reads its environment. A bad value stops start-up, naming it. */
const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
    .optional(),
  CUSTOS_DATA_DIR: z.string().min(1).default(".custos"),
  CUSTOS_AGENT_RATE_LIMIT: z.coerce.number().positive().max(1_000_000).default(200),
  CUSTOS_API_KEY_CACHE_SECONDS: z.coerce.number().min(0).max(3600).default(10),
  CUSTOS_DB_POOL: z.coerce.number().int().min(1).max(200).default(20),
  CUSTOS_SCHEDULER: z.enum(["on", "off"]).default("on"),
  CUSTOS_LOG: z.enum(["info", "warn", "error", "silent"]).default("info"),
  // notifications
  CUSTOS_EMAIL_TRANSPORT: z.enum(["smtp", "resend"]).default("smtp"),
  CUSTOS_EMAIL_FROM: z.string().min(3).default("Custos <custos@localhost>"),
  CUSTOS_SMTP_HOST: z.string().min(1).optional(),
  CUSTOS_SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
  CUSTOS_SMTP_SECURITY: z.enum(["tls", "starttls", "opportunistic", "none"]).optional(),
  CUSTOS_SMTP_USER: z.string().min(1).optional(),
  CUSTOS_SMTP_PASSWORD: z.string().min(1).optional(),
  CUSTOS_RESEND_API_KEY: z.string().min(1).optional(),
  CUSTOS_RESEND_BASE_URL: z.url().default("https://api.resend.com"),
  CUSTOS_TWILIO_BASE_URL: z.url().default("https://api.twilio.com"),
  CUSTOS_CRON_SECRET: z.string().min(24, "use at least 24 characters").optional(),
  // --- self-hosted auth (/auth/v1) ---
  /** The base URL users reach this server at; the JWT issuer is `<it>/auth/v1`. Default: each request's origin. */
  CUSTOS_PUBLIC_URL: z
    .string()
    .regex(/^https?:\/\/[^/]+/, "must be an http(s):// URL")
    .transform((url) => url.replace(/\/+$/, ""))
    .optional(),
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

export class EnvError extends Error {}

export function readEnv(source: Record<string, string | undefined> = process.env): Env {
  // empty strings mean "unset" (e.g. `PORT= custos-server`)
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = Env.safeParse(cleaned);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
  throw new EnvError(`invalid environment:\n${lines.join("\n")}`);
}
