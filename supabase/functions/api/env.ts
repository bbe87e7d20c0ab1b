import { z } from "zod";

/**
 * The only place the `api` function reads its environment. A bad or missing value stops the
 * function at start-up (worker boot) with a message naming the variable.
 */
const PostgresUrl = z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL");
/** As the backend's MIN_HS256_SECRET_LENGTH (and Supabase's own minimum for a JWT secret). */
const MIN_JWT_SECRET_LENGTH = 32;

const Env = z.object({
  /** Set by Supabase for every deployed function; set it yourself for a local `deno run`. */
  SUPABASE_DB_URL: PostgresUrl.optional(),
  /**
   * Overrides SUPABASE_DB_URL, e.g. with the Supavisor transaction-mode URL (port 6543).
   * Needed because secrets starting with SUPABASE_ are reserved and cannot be changed.
   */
  CUSTOS_DB_URL: PostgresUrl.optional(),
  /**
   * Connections per isolate. Small on purpose: Supabase runs many isolates at once and each
   * holds its own pool, so the sum must stay below the database's (or pooler's) limit.
   */
  CUSTOS_DB_POOL: z.coerce.number().int().min(1).max(20).default(3),
  /**
   * Named prepared statements. Supavisor and PgBouncer in transaction mode hand each
   * transaction to whichever server connection is free, where a statement prepared on another
   * connection does not exist, so they must be off there. `auto`: off on port 6543 (Supabase's
   * transaction pooler), on otherwise (direct connection or session mode).
   */
  CUSTOS_DB_PREPARE: z.enum(["auto", "on", "off"]).default("auto"),
  /** Per API key, per isolate (the limiter is in memory, so the effective limit is per isolate). */
  CUSTOS_AGENT_RATE_LIMIT: z.coerce.number().positive().max(1_000_000).default(200),
  CUSTOS_API_KEY_CACHE_SECONDS: z.coerce.number().min(0).max(3600).default(10),
  /** Set by Supabase: user access tokens are verified against `<it>/auth/v1/.well-known/jwks.json`. */
  SUPABASE_URL: z.url().optional(),
  /**
   * The project's legacy JWT secret: projects still on it sign user access tokens with HS256,
   * which are then verified with it (ES256/RS256 tokens still against the JWKS). Older projects'
   * functions get it as SUPABASE_JWT_SECRET; CUSTOS_JWT_SECRET overrides it (secrets starting with
   * SUPABASE_ cannot be set). At least 32 characters.
   */
  SUPABASE_JWT_SECRET: z.string().optional(),
  CUSTOS_JWT_SECRET: z.string().optional(),
  /** Protects /api/cron/* (pg_cron + pg_net send it from Vault); cron routes are off without it. */
  CUSTOS_CRON_SECRET: z.string().min(24, "use at least 24 characters").optional(),
  /** Edge Functions cannot open SMTP ports: email goes through Resend's HTTP API. */
  CUSTOS_RESEND_API_KEY: z.string().min(1).optional(),
  CUSTOS_EMAIL_FROM: z.string().min(3).default("Custos <alerts@localhost>"),
  /**
   * Where the dashboard is hosted, for links in notifications and invitations. The function cannot
   * know it (the dashboard is a static site elsewhere): without it, notifications carry no link.
   */
  CUSTOS_PUBLIC_URL: z.url().optional(),
  /** Only for local runs: Supabase's runtime routes requests to the function by itself. */
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
});

export interface FunctionEnv {
  databaseUrl: string;
  pool: number;
  prepare: boolean;
  agentRateLimitPerSecond: number;
  apiKeyCacheMs: number;
  port: number;
  jwksUrl?: string;
  /** CUSTOS_JWT_SECRET or SUPABASE_JWT_SECRET: verifies HS256 user tokens. */
  jwtSecret?: string;
  /** SUPABASE_URL: where agents reach this function (the install command's `--url`). */
  agentUrl?: string;
  cronSecret?: string;
  resendApiKey?: string;
  emailFrom: string;
  publicUrl?: string;
}

export class EnvError extends Error {
  override name = "EnvError";
}

/** Validates an environment (any record, so it is testable without Deno.env). */
export function readEnv(source: Record<string, string | undefined>): FunctionEnv {
  // empty strings mean "unset"
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = Env.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new EnvError(`invalid environment:\n${lines.join("\n")}`);
  }
  const env = result.data;
  if (env.CUSTOS_CRON_SECRET && env.CUSTOS_DB_POOL < 2) {
    // a cron tick's job holds one connection for its advisory lock and runs on another
    throw new EnvError("invalid environment:\n  CUSTOS_DB_POOL: at least 2 when CUSTOS_CRON_SECRET is set");
  }
  const databaseUrl = env.CUSTOS_DB_URL ?? env.SUPABASE_DB_URL;
  if (databaseUrl === undefined) {
    throw new EnvError(
      "invalid environment:\n  SUPABASE_DB_URL: required (Supabase sets it for deployed functions; set it, or CUSTOS_DB_URL, for a local run)",
    );
  }
  const [secretName, jwtSecret] = env.CUSTOS_JWT_SECRET
    ? ["CUSTOS_JWT_SECRET", env.CUSTOS_JWT_SECRET]
    : ["SUPABASE_JWT_SECRET", env.SUPABASE_JWT_SECRET];
  if (jwtSecret !== undefined && jwtSecret.length < MIN_JWT_SECRET_LENGTH) {
    // never the value: this message reaches the function's logs
    throw new EnvError(
      `invalid environment:\n  ${secretName}: use at least ${MIN_JWT_SECRET_LENGTH} characters (HS256 with a shorter secret can be guessed from a token)`,
    );
  }
  return {
    databaseUrl,
    pool: env.CUSTOS_DB_POOL,
    prepare:
      env.CUSTOS_DB_PREPARE === "auto" ? !isTransactionPooler(databaseUrl) : env.CUSTOS_DB_PREPARE === "on",
    agentRateLimitPerSecond: env.CUSTOS_AGENT_RATE_LIMIT,
    apiKeyCacheMs: env.CUSTOS_API_KEY_CACHE_SECONDS * 1000,
    port: env.PORT,
    emailFrom: env.CUSTOS_EMAIL_FROM,
    ...(env.SUPABASE_URL
      ? {
          jwksUrl: `${env.SUPABASE_URL.replace(/\/+$/, "")}/auth/v1/.well-known/jwks.json`,
          agentUrl: env.SUPABASE_URL.replace(/\/+$/, ""),
        }
      : {}),
    ...(jwtSecret ? { jwtSecret } : {}),
    ...(env.CUSTOS_CRON_SECRET ? { cronSecret: env.CUSTOS_CRON_SECRET } : {}),
    ...(env.CUSTOS_RESEND_API_KEY ? { resendApiKey: env.CUSTOS_RESEND_API_KEY } : {}),
    ...(env.CUSTOS_PUBLIC_URL ? { publicUrl: env.CUSTOS_PUBLIC_URL } : {}),
  };
}

/** Reads only the variables above (so `--allow-env=NAME,...` is enough). */
export function loadEnv(): FunctionEnv {
  return readEnv(Object.fromEntries(Object.keys(Env.shape).map((name) => [name, Deno.env.get(name)])));
}

function isTransactionPooler(url: string): boolean {
  try {
    return new URL(url).port === "6543";
  } catch {
    return false;
  }
}
