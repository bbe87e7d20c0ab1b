/**
 * The wire format between custos-agent and the backend (`/api/agent/*`). Readable keys on
 * purpose: people read these payloads while debugging. Limits are part of the contract and are
 * documented in the README.
 */
import { z } from "zod";
import { CHANNEL_KINDS } from "./channel-kinds.ts";
import { DESTINATION_KEY } from "./destinations.ts";
import { AGENT_TIME_WINDOW, Measurement, SafeText, Timestamp } from "./primitives.ts";

export const LIMITS = {
  /** Largest request body accepted, compressed or not (bytes). */
  maxBodyBytes: 1_048_576,
  /** Largest body after gzip decompression (bytes). */
  maxInflatedBytes: 8_388_608,
  /** Deepest nesting of arrays and objects in a body (refused before parsing: 400). */
  maxJsonDepth: 32,
  maxSamplesPerBatch: 5_000,
  maxChecksPerBatch: 1_000,
  maxAlertsPerBatch: 200,
  /** Pages one heartbeat may ask about (the agent's oldest retrying deliveries first). */
  maxAwaitingPages: 20,
  /**
   * Largest `dropped_samples` or `rejected_items` in one heartbeat. Far above what an agent can
   * lose between two acknowledged heartbeats; an agent with more sends this much and the rest
   * with the next beats.
   */
  maxLostItemsPerHeartbeat: 1_000_000_000_000,
  maxLabels: 16,
  /** How far an agent timestamp may lie in the future of the backend clock. */
  maxFutureSkewMs: AGENT_TIME_WINDOW.maxFutureMs,
  /** Oldest sample accepted (the agent buffers up to 24 h by default; allow some slack). */
  maxSampleAgeMs: AGENT_TIME_WINDOW.maxAgeMs,
} as const;

const Name = SafeText.min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_.:\-/]+$/, "use letters, digits and _ . : - /");
const ShortText = SafeText.min(1).max(255);
export const ServerId = z.uuid();
export const BatchId = z.uuid();

export const MetricLabels = z
  .record(
    z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "label names are identifiers"),
    SafeText.max(200),
  )
  .refine((labels) => Object.keys(labels).length <= LIMITS.maxLabels, `at most ${LIMITS.maxLabels} labels`);
export type MetricLabels = z.infer<typeof MetricLabels>;

export const CheckStatus = z.enum(["ok", "degraded", "down", "unsupported"]);
export type CheckStatus = z.infer<typeof CheckStatus>;

/**
 * How often the agent heartbeats: the backend never lets a server's timeout fall below twice
 * this, so one late heartbeat cannot page.
 */
export const HeartbeatIntervalSeconds = z.number().int().min(1).max(86_400);

export const RegisterRequest = z.strictObject({
  hostname: ShortText,
  server_name: ShortText,
  agent_version: SafeText.min(1).max(64),
  os: SafeText.min(1).max(64),
  arch: SafeText.min(1).max(32),
  /** /etc/machine-id when readable: keeps identity stable across hostname changes. */
  machine_id: SafeText.regex(/^[A-Za-z0-9-]{8,128}$/).optional(),
  heartbeat_interval_seconds: HeartbeatIntervalSeconds.optional(),
});
export type RegisterRequest = z.infer<typeof RegisterRequest>;

export const ServerApproval = z.enum(["pending", "approved"]);
export type ServerApproval = z.infer<typeof ServerApproval>;

export const RegisterResponse = z.object({
  server_id: ServerId,
  approval: ServerApproval,
  heartbeat_timeout_seconds: z.number().int(),
});
export type RegisterResponse = z.infer<typeof RegisterResponse>;

/** The states of an agent's page that the backend can also page for. */
export const PageState = z.enum(["down", "flapping", "restored"]);
export type PageState = z.infer<typeof PageState>;

/** One incident state the agent has been trying to page (HeartbeatRequest.awaiting_pages). */
export const AwaitedPage = z.strictObject({
  monitor: Name,
  /** The agent's start of the incident, as in its incident key and its alert reports. */
  started_at: Timestamp,
  state: PageState,
});
export type AwaitedPage = z.infer<typeof AwaitedPage>;

/** A count of items the backend will never get, reported with a heartbeat. */
const LostItems = z.number().int().nonnegative().max(LIMITS.maxLostItemsPerHeartbeat);

export const HeartbeatRequest = z.strictObject({
  server_id: ServerId,
  /** The agent's clock when it sent the heartbeat; the backend records the skew. */
  sent_at: Timestamp,
  agent_version: SafeText.min(1).max(64).optional(),
  uptime_seconds: z.number().nonnegative().max(1e10).optional(),
  heartbeat_interval_seconds: HeartbeatIntervalSeconds.optional(),
  /**
   * Samples and check results dropped by the agent's buffer caps since the last acknowledged
   * heartbeat. Agents older than `rejected_items` add the refused items here too.
   */
  dropped_samples: LostItems.optional(),
  /**
   * Items (samples, check results, alert reports) of batches the backend refused for good (400,
   * 422, 413 for one item) that the agent set aside since the last acknowledged heartbeat.
   */
  rejected_items: LostItems.optional(),
  /**
   * Pages of the agent's own checks it could not deliver yet (its channel fails): the backend
   * answers in `paged` which of them it paged itself meanwhile, so the agent does not page the
   * same destination late and twice.
   */
  awaiting_pages: z.array(AwaitedPage).max(LIMITS.maxAwaitingPages).optional(),
  /**
   * Asks for `ack_link_base` in the answer: where the acknowledge links of the agent's own pages
   * point (ack-link.ts). Sent until the agent has it, not with every beat.
   */
  want_links: z.literal(true).optional(),
});
export type HeartbeatRequest = z.infer<typeof HeartbeatRequest>;

/** A page the backend delivered for an incident the agent asked about. */
export const BackendPage = z.object({
  monitor: z.string(),
  /** As the agent sent it in `awaiting_pages` (ISO): the agent's own incident start. */
  started_at: z.string(),
  state: PageState,
  /** The destinations (destinations.ts keys) the backend's delivered notices reached. */
  destinations: z.array(z.string()),
});
export type BackendPage = z.infer<typeof BackendPage>;

export const HeartbeatResponse = z.object({
  ok: z.literal(true),
  server_time: z.string(),
  clock_skew_ms: z.number(),
  /** Present when the heartbeat asked `awaiting_pages`: those the backend paged itself. */
  paged: z.array(BackendPage).optional(),
  /**
   * Present when the heartbeat asked `want_links` and the backend knows its public address:
   * `<api origin>/functions/v1/api/ack/`, to which a signed token is appended.
   */
  ack_link_base: z.url().max(2000).optional(),
  /**
   * Present while the backend's own paging jobs have not run for too long (the sweep, which
   * notices silent servers, or the dispatcher, which sends its notifications): the backend
   * answers but pages nobody. The agent says so on its own channels (decision 0029).
   */
  schedule_stale: z
    .object({ jobs: z.array(z.string()).min(1), sweep_last_run_at: z.string().nullable() })
    .optional(),
  /**
   * The version (sha256) of this server's effective central configuration (central-config.ts):
   * an agent whose applied version differs fetches it from /agent/config (decision 0037).
   * Absent from backends older than central configuration.
   */
  config_version: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  /**
   * Present (true) while a monitor test for this server waits to be claimed from
   * /agent/monitor-tests/claim (decision 0045). Absent from older backends; older agents ignore it.
   */
  tests_pending: z.literal(true).optional(),
});
export type HeartbeatResponse = z.infer<typeof HeartbeatResponse>;

export const MetricSample = z.strictObject({
  ts: Timestamp,
  name: Name,
  labels: MetricLabels.optional(),
  value: Measurement,
});
export type MetricSample = z.infer<typeof MetricSample>;

export const MetricsBatch = z.strictObject({
  server_id: ServerId,
  batch_id: BatchId,
  samples: z.array(MetricSample).min(1).max(LIMITS.maxSamplesPerBatch),
});
export type MetricsBatch = z.infer<typeof MetricsBatch>;

export const CheckResult = z.strictObject({
  /** The monitor's name as configured on the agent, e.g. "http:api" or "systemd:nginx". */
  monitor: Name,
  /** Plugin type, e.g. "http"; lets the backend create the monitor row on first sight. */
  type: Name.optional(),
  status: CheckStatus,
  latency_ms: Measurement.min(0).max(3_600_000).optional(),
  message: SafeText.max(2000).optional(),
  ts: Timestamp,
});
export type CheckResult = z.infer<typeof CheckResult>;

export const ChecksBatch = z.strictObject({
  server_id: ServerId,
  batch_id: BatchId,
  results: z.array(CheckResult).min(1).max(LIMITS.maxChecksPerBatch),
});
export type ChecksBatch = z.infer<typeof ChecksBatch>;

export const AlertChannelKind = z.enum(CHANNEL_KINDS);
export type AlertChannelKind = z.infer<typeof AlertChannelKind>;

/** The agent tells the backend which incidents it already paged for, and where. */
export const AgentAlert = z.strictObject({
  /** server id + monitor + start time: the same key the backend uses for the incident. */
  incident_key: SafeText.min(1).max(400),
  monitor: Name,
  state: z.enum(["down", "flapping", "restored", "backend_unreachable"]),
  started_at: Timestamp,
  sent_at: Timestamp,
  channels: z.array(AlertChannelKind).max(10),
  /**
   * The destinations that carried the page (destinations.ts): the backend does not page them
   * again for this incident. Absent from older agents: the backend then pages its own channels.
   */
  destinations: z.array(z.string().regex(DESTINATION_KEY, "must be 32 hex digits")).max(100).optional(),
  message: SafeText.max(2000).optional(),
});
export type AgentAlert = z.infer<typeof AgentAlert>;

export const AlertsBatch = z.strictObject({
  server_id: ServerId,
  batch_id: BatchId,
  alerts: z.array(AgentAlert).min(1).max(LIMITS.maxAlertsPerBatch),
});
export type AlertsBatch = z.infer<typeof AlertsBatch>;

export const IngestResponse = z.object({
  ok: z.literal(true),
  batch_id: BatchId,
  /** false when this batch id had been stored before (a replay); nothing was written twice. */
  stored: z.boolean(),
  accepted: z.number().int(),
});
export type IngestResponse = z.infer<typeof IngestResponse>;

export const ApiErrorCode = z.enum([
  "VALIDATION",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "RATE_LIMITED",
  "PENDING_APPROVAL",
  /** 402: the organization's plan allows no more of this (servers, members, probes, channels); the message names the plan, the limit and the usage (docs/plans.md). */
  "PLAN_LIMIT",
  "INTERNAL",
]);
export type ApiErrorCode = z.infer<typeof ApiErrorCode>;

export const ApiError = z.object({
  error: z.object({
    code: ApiErrorCode,
    message: z.string(),
    /** Dotted path of the offending field, e.g. "samples.3.value". */
    field: z.string().optional(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});
export type ApiError = z.infer<typeof ApiError>;
