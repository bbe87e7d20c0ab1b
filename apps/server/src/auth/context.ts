import type { Logger } from "@custos/backend";
import type { Sql } from "postgres";
import { FailureLimiter } from "./failure-limiter.ts";
import type { SigningKey } from "./signing-key.ts";

export interface AuthConfig {
  /** Lifetime of an access token (CUSTOS_JWT_TTL_SECONDS). */
  jwtTtlSeconds: number;
  /** A refresh token used again within this many seconds of its rotation gets a fresh token (two tabs refreshing at once); later reuse revokes the session. */
  refreshReuseSeconds: number;
  /** Base URL users reach the server at; the issuer is `<it>/auth/v1`. Unset: the request's origin. */
  publicUrl: string | undefined;
  /** How many reverse proxies' X-Forwarded-For entries to believe (0: use the socket address). */
  trustProxyHops: number;
  rateLimit: { perAccount: number; perAddress: number; windowSeconds: number };
  /** Who may sign up once the instance has its first account (CUSTOS_SIGNUPS; decision 0017). */
  signups: SignupPolicy;
}

/** `open`: anyone; `invite-only`: an email with a pending invitation; `closed`: nobody. The first account is always allowed. */
export const SIGNUP_POLICIES = ["open", "invite-only", "closed"] as const;
export type SignupPolicy = (typeof SIGNUP_POLICIES)[number];

export const DEFAULT_AUTH_CONFIG: AuthConfig = {
  jwtTtlSeconds: 3600,
  refreshReuseSeconds: 10,
  publicUrl: undefined,
  trustProxyHops: 0,
  rateLimit: { perAccount: 5, perAddress: 20, windowSeconds: 900 },
  signups: "invite-only",
};

/** Everything an auth verb needs from the outside world; one per process. */
export interface AuthCtx {
  sql: Sql;
  key: SigningKey;
  config: AuthConfig;
  log: Logger;
  now: () => number;
  failures: { byAccount: FailureLimiter; byAddress: FailureLimiter };
}

export function createAuthContext(options: {
  sql: Sql;
  key: SigningKey;
  log: Logger;
  config?: Partial<AuthConfig>;
  now?: () => number;
}): AuthCtx {
  const config = { ...DEFAULT_AUTH_CONFIG, ...options.config };
  const windowMs = config.rateLimit.windowSeconds * 1000;
  return {
    sql: options.sql,
    key: options.key,
    config,
    log: options.log,
    now: options.now ?? Date.now,
    failures: {
      byAccount: new FailureLimiter(config.rateLimit.perAccount, windowMs),
      byAddress: new FailureLimiter(config.rateLimit.perAddress, windowMs),
    },
  };
}

/** Who is calling, as far as auth cares. */
export interface Client {
  /** Client IP address; undefined when unknown (then rate limiting falls back to one shared bucket). */
  address: string | undefined;
  userAgent: string | undefined;
  /** `iss` of the tokens issued to this caller. */
  issuer: string;
}

/** What a verb that signs a caller in is given: sign-up, password grant, refresh, recovery link. */
export interface SessionRequest {
  ctx: AuthCtx;
  /** The request's JSON body, parsed by the verb itself. */
  input: unknown;
  client: Client;
}
