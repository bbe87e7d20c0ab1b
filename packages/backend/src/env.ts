import { z } from "zod";

/**
 * The sender of every email when CUSTOS_EMAIL_FROM is unset, in custos-server and in the Supabase
 * function alike (Resend refuses it: set your own).
 */
export const DEFAULT_EMAIL_FROM = "Custos <alerts@localhost>";

/**
 * The variables both runtimes of the backend read, custos-server (Node) and the Supabase function
 * `api` (Deno), with one meaning and one default each. Each runtime extends it with its own
 * (port, database, pool size) and reads it with `parseEnv`.
 */
export const BackendEnv = z.object({
  /** Requests per second per API key (in the function: per isolate, the limiter is in memory). */
  CUSTOS_AGENT_RATE_LIMIT: z.coerce.number().positive().max(1_000_000).default(200),
  CUSTOS_API_KEY_CACHE_SECONDS: z.coerce.number().min(0).max(3600).default(10),
  /** Protects /api/cron/* (pg_cron + pg_net send it from Vault); cron routes are off without it. */
  CUSTOS_CRON_SECRET: z.string().min(24, "use at least 24 characters").optional(),
  /**
   * Signs the billing hook (POST /api/billing/webhook: HMAC-SHA256, docs/plans.md); the route
   * answers 404 without it. At least 24 characters.
   */
  CUSTOS_BILLING_WEBHOOK_SECRET: z.string().min(24, "use at least 24 characters").optional(),
  /** Email through Resend's HTTP API (the only way out of an Edge Function: no SMTP ports there). */
  CUSTOS_RESEND_API_KEY: z.string().min(1).optional(),
  CUSTOS_EMAIL_FROM: z.string().min(3).default(DEFAULT_EMAIL_FROM),
  /**
   * The base URL users reach the dashboard at, for links in notifications and invitations (and,
   * in custos-server, the JWT issuer `<it>/auth/v1`). Without it custos-server uses each
   * request's origin, and the function's notifications carry no link.
   */
  CUSTOS_PUBLIC_URL: z
    .string()
    .regex(/^https?:\/\/[^/]+/, "must be an http(s):// URL")
    .transform((url) => url.replace(/\/+$/, ""))
    .optional(),
});
export type BackendEnv = z.output<typeof BackendEnv>;

export class EnvError extends Error {
  override name = "EnvError";
}

/** A refusal of one variable, worded as `parseEnv`'s. */
export function envError(name: string, problem: string): EnvError {
  return new EnvError(`invalid environment:\n  ${name}: ${problem}`);
}

/**
 * Reads an environment (any record, so it is testable without process.env or Deno.env) with
 * `schema`. An empty string means unset (`PORT= custos-server`). A bad value throws an EnvError
 * naming every offending variable.
 */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  source: Record<string, string | undefined>,
): z.output<S> {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
  throw new EnvError(`invalid environment:\n${lines.join("\n")}`);
}
