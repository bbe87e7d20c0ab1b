import { z } from "zod";
import { BackendEnv, EnvError, envError, parseEnv } from "../../../packages/backend/src/env.ts";

/**
 * The only place the `api` function reads its environment: the variables it shares with
 * custos-server (BackendEnv, the same meaning and defaults) and its own. A bad or missing value
 * stops the function at start-up (worker boot) with a message naming the variable.
 */
const PostgresUrl = z.string().regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL");
/** As the backend's MIN_HS256_SECRET_LENGTH (and Supabase's own minimum for a JWT secret). */
const MIN_JWT_SECRET_LENGTH = 32;

/** The variables shared with custos-server, one definition (packages/backend/src/env.ts). */
const shared = BackendEnv.shape;

// Every name written out (not `BackendEnv.extend`): scripts/check-deploy-guide.mjs reads the
// names the function reads from this object literal.
const Env = z.object({
  CUSTOS_AGENT_RATE_LIMIT: shared.CUSTOS_AGENT_RATE_LIMIT,
  CUSTOS_API_KEY_CACHE_SECONDS: shared.CUSTOS_API_KEY_CACHE_SECONDS,
  CUSTOS_CRON_SECRET: shared.CUSTOS_CRON_SECRET,
  CUSTOS_BILLING_WEBHOOK_SECRET: shared.CUSTOS_BILLING_WEBHOOK_SECRET,
  CUSTOS_RESEND_API_KEY: shared.CUSTOS_RESEND_API_KEY,
  CUSTOS_EMAIL_FROM: shared.CUSTOS_EMAIL_FROM,
  CUSTOS_PUBLIC_URL: shared.CUSTOS_PUBLIC_URL,
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
  billingWebhookSecret?: string;
  resendApiKey?: string;
  emailFrom: string;
  publicUrl?: string;
}

export { EnvError };

/** Validates an environment (any record, so it is testable without Deno.env). */
export function readEnv(source: Record<string, string | undefined>): FunctionEnv {
  const env = parseEnv(Env, source);
  if (env.CUSTOS_CRON_SECRET && env.CUSTOS_DB_POOL < 2) {
    // a cron tick's job holds one connection for its advisory lock and runs on another
    throw envError("CUSTOS_DB_POOL", "at least 2 when CUSTOS_CRON_SECRET is set");
  }
  const databaseUrl = env.CUSTOS_DB_URL ?? env.SUPABASE_DB_URL;
  if (databaseUrl === undefined) {
    throw envError(
      "SUPABASE_DB_URL",
      "required (Supabase sets it for deployed functions; set it, or CUSTOS_DB_URL, for a local run)",
    );
  }
  const [secretName, jwtSecret] = env.CUSTOS_JWT_SECRET
    ? ["CUSTOS_JWT_SECRET", env.CUSTOS_JWT_SECRET]
    : ["SUPABASE_JWT_SECRET", env.SUPABASE_JWT_SECRET];
  if (jwtSecret !== undefined && jwtSecret.length < MIN_JWT_SECRET_LENGTH) {
    // never the value: this message reaches the function's logs
    throw envError(
      secretName,
      `use at least ${MIN_JWT_SECRET_LENGTH} characters (HS256 with a shorter secret can be guessed from a token)`,
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
    ...(env.CUSTOS_BILLING_WEBHOOK_SECRET ? { billingWebhookSecret: env.CUSTOS_BILLING_WEBHOOK_SECRET } : {}),
    ...(env.CUSTOS_RESEND_API_KEY ? { resendApiKey: env.CUSTOS_RESEND_API_KEY } : {}),
    ...(env.CUSTOS_PUBLIC_URL ? { publicUrl: env.CUSTOS_PUBLIC_URL } : {}),
  };
}

/** Every variable the function reads. */
export const ENV_NAMES: readonly string[] = Object.keys(Env.shape);

/** Reads only the variables above (so `--allow-env=NAME,...` is enough). */
export function loadEnv(): FunctionEnv {
  return readEnv(Object.fromEntries(ENV_NAMES.map((name) => [name, Deno.env.get(name)])));
}

function isTransactionPooler(url: string): boolean {
  try {
    return new URL(url).port === "6543";
  } catch {
    return false;
  }
}
