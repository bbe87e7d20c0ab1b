/**
 * The agent config file (`/etc/custos/agent.yaml`), common parts. Each monitor's own options
 * are validated by its plugin's schema in the agent (the common keys below are stripped first),
 * so this schema lets them through (`looseObject`) and the agent rejects what its plugin does
 * not know. Everything else is strict: an unknown key is an error that names the key.
 */
import { z } from "zod";
import { LIMITS } from "./agent.ts";
import { ALERT_POLICY_DEFAULTS } from "./alert-policy.ts";
import {
  DiscordSecret,
  GotifyConfig,
  GotifySecret,
  MatrixConfig,
  MatrixSecret,
  PagerDutySecret,
  PushoverConfig,
  PushoverSecret,
  SmsConfig,
  SmsSecret,
  TeamsSecret,
  TelegramConfig,
  TelegramSecret,
  webUrl,
} from "./channel-settings.ts";
import { Duration } from "./duration.ts";
import { WebhookSigningSecret } from "./webhook-signature.ts";

const BYTE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1_000,
  mb: 1_000_000,
  gb: 1_000_000_000,
  kib: 1_024,
  mib: 1_048_576,
  gib: 1_073_741_824,
};
const BYTES_RE = /^(\d+(?:\.\d+)?)\s*([kmg]i?b|b)$/i;

/** Parses "200MB", "512KiB", "1GB", "4096B" into bytes; undefined when malformed. */
export function parseByteSize(text: string): number | undefined {
  const match = BYTES_RE.exec(text.trim());
  if (!match) return undefined;
  const [, amount, unit] = match;
  const factor = BYTE_UNITS[(unit ?? "").toLowerCase()];
  return factor === undefined ? undefined : Math.round(Number(amount) * factor);
}

/** A size written as "200MB" / "1GiB" (or a bare number of bytes), parsed to bytes. */
export const ByteSize = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const bytes = typeof value === "number" ? value : parseByteSize(value);
  if (bytes === undefined || !Number.isFinite(bytes) || bytes <= 0) {
    ctx.addIssue({ code: "custom", message: `invalid size ${JSON.stringify(value)} (use e.g. 200MB, 1GB)` });
    return z.NEVER;
  }
  return bytes;
});
export type ByteSize = z.output<typeof ByteSize>;

/** Same rule as a check result's `monitor` on the wire, so every configured name can be sent. */
export const MonitorName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_.:\-/]+$/, "use letters, digits and _ . : - /");

/** Keys every monitor accepts; the rest of a monitor entry belongs to its plugin. */
export const MONITOR_COMMON_KEYS = ["type", "name", "enabled", "check_interval", "timeout"] as const;

export const MonitorEntry = z.looseObject({
  /** Plugin type: system, http, ping, docker, systemd, ... */
  type: z.string().min(1),
  /** Unique in the file; defaults to the plugin's default name, else the type. */
  name: MonitorName.optional(),
  enabled: z.boolean().default(true),
  /** Defaults to the plugin's own interval. */
  check_interval: Duration.optional(),
  /** Per-check deadline; defaults to the smaller of the interval and 10 s. */
  timeout: Duration.optional(),
});
export type MonitorEntry = z.output<typeof MonitorEntry>;

const Port = z.number().int().min(1).max(65_535);
const HttpUrl = z.url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" });

export const EmailChannel = z.strictObject({
  type: z.literal("email"),
  host: z.string().min(1),
  port: Port.default(587),
  /** TLS from the first byte (port 465). When false, STARTTLS is used if the server offers it. */
  secure: z.boolean().default(false),
  user: z.string().min(1).optional(),
  pass: z.string().min(1).optional(),
  from: z.string().min(3),
  to: z.union([z.string().min(3), z.array(z.string().min(3)).min(1)]),
});
export type EmailChannel = z.output<typeof EmailChannel>;

export const SlackChannel = z.strictObject({
  type: z.literal("slack"),
  /** Slack incoming webhook URL (a secret: never logged). */
  webhook_url: HttpUrl,
});
export type SlackChannel = z.output<typeof SlackChannel>;

export const WebhookChannel = z.strictObject({
  type: z.literal("webhook"),
  url: HttpUrl,
  headers: z.record(z.string().min(1), z.string()).optional(),
  /** Signs each request as the backend does (X-Custos-Signature, webhook-signature.ts); usually ${ENV}. */
  signing_secret: WebhookSigningSecret.optional(),
});
export type WebhookChannel = z.output<typeof WebhookChannel>;

export const NtfyChannel = z.strictObject({
  type: z.literal("ntfy"),
  server: HttpUrl.default("https://ntfy.sh"),
  topic: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "ntfy topics use letters, digits, _ and -"),
  /** Access token for protected topics (sent as a Bearer token). */
  token: z.string().min(1).optional(),
});
export type NtfyChannel = z.output<typeof NtfyChannel>;

// The chat and paging services below take exactly the fields of the backend's channels of the
// same kind (channel-settings.ts: config and secret in one entry), checked by the same rules.

/** A provider's API address, for a self-hosted Bot API server, a proxy, or a test. */
const ApiUrl = webUrl({ httpsOnly: false });

export const DiscordChannel = z.strictObject({ type: z.literal("discord"), ...DiscordSecret.shape });
export type DiscordChannel = z.output<typeof DiscordChannel>;

export const TelegramChannel = z.strictObject({
  type: z.literal("telegram"),
  ...TelegramConfig.shape,
  ...TelegramSecret.shape,
  /** Default https://api.telegram.org. */
  api_url: ApiUrl.optional(),
});
export type TelegramChannel = z.output<typeof TelegramChannel>;

export const GotifyChannel = z.strictObject({
  type: z.literal("gotify"),
  ...GotifyConfig.shape,
  ...GotifySecret.shape,
});
export type GotifyChannel = z.output<typeof GotifyChannel>;

export const PushoverChannel = z.strictObject({
  type: z.literal("pushover"),
  ...PushoverConfig.shape,
  ...PushoverSecret.shape,
  /** Default https://api.pushover.net. */
  api_url: ApiUrl.optional(),
});
export type PushoverChannel = z.output<typeof PushoverChannel>;

export const PagerDutyChannel = z.strictObject({
  type: z.literal("pagerduty"),
  ...PagerDutySecret.shape,
  /** Default https://events.pagerduty.com (events.eu.pagerduty.com for an EU account). */
  api_url: ApiUrl.optional(),
});
export type PagerDutyChannel = z.output<typeof PagerDutyChannel>;

export const MatrixChannel = z.strictObject({
  type: z.literal("matrix"),
  ...MatrixConfig.shape,
  ...MatrixSecret.shape,
});
export type MatrixChannel = z.output<typeof MatrixChannel>;

export const TeamsChannel = z.strictObject({ type: z.literal("teams"), ...TeamsSecret.shape });
export type TeamsChannel = z.output<typeof TeamsChannel>;

export const SmsChannel = z
  .strictObject({
    type: z.literal("sms"),
    ...SmsConfig.shape,
    ...SmsSecret.shape,
    /** Default https://api.twilio.com. */
    api_url: ApiUrl.optional(),
  })
  .superRefine((entry, ctx) => {
    // the backend's SMS channel's rule (SmsConfig), restated: spreading a shape drops refinements
    if ((entry.from === undefined) === (entry.messaging_service_sid === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["from"],
        message: "set exactly one of from and messaging_service_sid",
      });
    }
  });
export type SmsChannel = z.output<typeof SmsChannel>;

export const LocalAlertChannel = z.discriminatedUnion("type", [
  EmailChannel,
  SlackChannel,
  WebhookChannel,
  NtfyChannel,
  DiscordChannel,
  TelegramChannel,
  GotifyChannel,
  PushoverChannel,
  PagerDutyChannel,
  MatrixChannel,
  TeamsChannel,
  SmsChannel,
]);
export type LocalAlertChannel = z.output<typeof LocalAlertChannel>;

/** More than `changes` state changes within `window` is flapping: one notice, then pages held. */
export const FlappingSettings = z.strictObject({
  changes: z.number().int().min(2).max(100).default(ALERT_POLICY_DEFAULTS.flapThreshold),
  window: Duration.refine((ms) => ms >= 60_000 && ms <= 86_400_000, "between 1m and 24h").default(
    ALERT_POLICY_DEFAULTS.flapWindowMinutes * 60_000,
  ),
});

export const LocalAlerts = z.strictObject({
  /** Consecutive failed checks before a monitor is declared down (the backend's default too). */
  failures_before_alert: z.number().int().min(1).max(100).default(ALERT_POLICY_DEFAULTS.failuresToOpen),
  /** Consecutive successful checks before a down monitor is declared restored. */
  successes_before_restore: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(ALERT_POLICY_DEFAULTS.successesToResolve),
  flapping: FlappingSettings.default(FlappingSettings.parse({})),
  /** Alert locally when the backend has been unreachable this long (and again when it returns). */
  backend_unreachable_after: Duration.default(300_000),
  channels: z.array(LocalAlertChannel).max(20).default([]),
});
export type LocalAlerts = z.output<typeof LocalAlerts>;

export const LocalDashboard = z.strictObject({
  enabled: z.boolean().default(false),
  /** 0 picks a free port (tests). */
  port: z.number().int().min(0).max(65_535).default(3000),
  /** Loopback by default: the page is read-only but shows the host's state. */
  bind: z.string().min(1).default("127.0.0.1"),
});
export type LocalDashboard = z.output<typeof LocalDashboard>;

export const BufferSettings = z.strictObject({
  /** Oldest buffered sample kept while the backend is unreachable. */
  max_age: Duration.refine(
    (ms) => ms <= LIMITS.maxSampleAgeMs,
    "at most 7d (the backend refuses older samples)",
  ).default(86_400_000),
  /** Buffered bytes kept (JSON size of the pending samples and check results). */
  max_bytes: ByteSize.default(200_000_000),
  /** The agent's SQLite state database; relative paths are resolved against the config file. */
  path: z.string().min(1).optional(),
});
export type BufferSettings = z.output<typeof BufferSettings>;

export const AgentConfigFile = z.strictObject({
  api_key: z.string().min(1),
  /** The name shown in the dashboard; defaults to the hostname. */
  server_name: z.string().min(1).max(255).optional(),
  /**
   * Backend base URL (the agent calls `${url}/functions/v1/api/agent/...`). Without it the agent
   * runs on its own: it collects, alerts on its local channels and keeps its buffer, and talks
   * to no backend (the product brief's sample configuration has none).
   */
  url: HttpUrl.optional(),
  heartbeat_interval: Duration.default(60_000),
  metrics_push_interval: Duration.default(30_000),
  /** Run collections on wall-clock multiples of their interval (:00, :10, :20, ...). */
  clock_aligned: z.boolean().default(false),
  monitors: z.array(MonitorEntry).default([]),
  local_alerts: LocalAlerts.default(LocalAlerts.parse({})),
  local_dashboard: LocalDashboard.default(LocalDashboard.parse({})),
  buffer: BufferSettings.default(BufferSettings.parse({})),
});
export type AgentConfigFile = z.output<typeof AgentConfigFile>;
