import type { JWTVerifyGetKey } from "jose";
import type { Sql } from "postgres";
import type { ApiKeyCache } from "./api-keys/authenticate.ts";
import type { RateLimiter } from "./http/rate-limit.ts";
import type { SeriesCache } from "./ingest/series-cache.ts";
import type { Channel, NotificationMessage } from "./notify/types.ts";
import type { Prober } from "./probes/schemas.ts";
import type { ApprovedServer } from "./servers/access.ts";

export interface Logger {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

export interface BackendConfig {
  /** Requests per second allowed per API key (token bucket refill rate). */
  agentRateLimitPerSecond: number;
  /** Burst size of that bucket. */
  agentRateLimitBurst: number;
  /** How long a verified API key is trusted before it is looked up again (revocation delay across processes). */
  apiKeyCacheMs: number;
  /** How often the sweep runs; a sweep gap of 4x this (at least 60 s) counts as a backend restart. */
  sweepIntervalSeconds: number;
  /** Budget for probing a silent server's public endpoint. */
  diagnosisTimeoutMs: number;
  maxDeliveryAttempts: number;
  retryBaseMs: number;
  retryCapMs: number;
  /** A row left in `sending` this long is taken again (the dispatcher died mid-delivery). */
  claimTimeoutMs: number;
  /** Base URL of the dashboard as configured (CUSTOS_PUBLIC_URL), for links in notifications. */
  dashboardUrl?: string;
  /**
   * Where links point when dashboardUrl is not configured: custos-server's own address (the
   * scheduler has no request to take an origin from). See `dashboardLinkBase`.
   */
  fallbackDashboardUrl?: string;
  /**
   * Base URL agents reach the API at when it is not the dashboard's: in the cloud the Supabase
   * project URL (the dashboard is hosted elsewhere). Absent: dashboardUrl, else the request origin.
   */
  agentUrl?: string;
  /** Shared secret of the cron tick (pg_cron calls it in the cloud); the route is off without it. */
  cronSecret?: string;
  /** HMAC key of the billing hook (POST /billing/webhook); the route answers 404 without it. */
  billingWebhookSecret?: string;
  /**
   * custos-server: when this process' scheduler started (epoch ms). No job counts as stale for a
   * grace after it (jobs/staleness.ts). Absent in the cloud, where an isolate's start is not the
   * schedule's.
   */
  scheduleStartedAt?: number;
}

export const DEFAULT_CONFIG: BackendConfig = {
  agentRateLimitPerSecond: 200,
  agentRateLimitBurst: 400,
  apiKeyCacheMs: 10_000,
  sweepIntervalSeconds: 10,
  diagnosisTimeoutMs: 3_000,
  maxDeliveryAttempts: 8,
  retryBaseMs: 15_000,
  retryCapMs: 30 * 60_000,
  claimTimeoutMs: 5 * 60_000,
};

/** Everything a verb needs from the outside world. One per process (or per Deno isolate). */
export interface Ctx {
  sql: Sql;
  config: BackendConfig;
  log: Logger;
  keys: ApiKeyCache;
  series: SeriesCache;
  limiter: RateLimiter;
  /** server id -> org and key of servers known to be approved (approval is never withdrawn). */
  approvedServers: Map<string, ApprovedServer>;
  notify: {
    deliver(channel: Channel, message: NotificationMessage): Promise<void>;
    /**
     * Sends one plain-text email from the server's sender (invitations). Absent where no email
     * can be sent without a channel's own key: the dashboard then shares links by hand.
     */
    mail?(mail: { to: string[]; subject: string; text: string }): Promise<void>;
  };
  /** Verifies user access tokens (dashboard routes). Absent: those routes answer 401. */
  userKeys?: JWTVerifyGetKey;
  /** Runs backend probes; custos-server passes a Node prober (TCP, TLS certificate days). */
  prober?: Prober;
  /** Does the host still answer at this endpoint (host:port or URL)? Absent where it cannot run. */
  probeEndpoint?: (endpoint: string, timeoutMs: number) => Promise<boolean>;
  /** Inflates a gzip body in one call; custos-server passes node:zlib's. Absent: DecompressionStream. */
  gunzip?: Gunzip;
  now(): number;
}

/**
 * Inflates `bytes`, stopping at `maxOutputBytes` ("too_large" then, so a gzip bomb never reaches
 * memory); throws when the bytes are not gzip. One call instead of a web stream per request: the
 * stream's setup cost was the largest single item of the metrics ingest profile.
 */
export type Gunzip = (bytes: Uint8Array, maxOutputBytes: number) => Uint8Array | "too_large";

export const consoleLogger: Logger = {
  info: (message, data) => console.log(JSON.stringify({ level: "info", message, ...data })),
  warn: (message, data) => console.warn(JSON.stringify({ level: "warn", message, ...data })),
  error: (message, data) => console.error(JSON.stringify({ level: "error", message, ...data })),
};
