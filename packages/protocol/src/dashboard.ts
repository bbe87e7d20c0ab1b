/**
 * The dashboard API (`/functions/v1/api/v1/...`): what the web app (apps/web) and any other
 * signed-in client send and receive. Zod schemas are the single source of truth; the backend
 * parses every request with them, and its tests parse every response with them.
 *
 * Conventions
 * - Auth: `Authorization: Bearer <user access token>` (Supabase Auth in the cloud, custos-server's
 *   /auth/v1 self-hosted). Every route except `GET /v1/status/:slug` needs it: 401 without it or
 *   when it is expired/invalid. Queries run as the caller, so row-level security guards them.
 * - A resource of an organization the caller is not a member of is 404, never 403 (its existence
 *   is not revealed). 403 FORBIDDEN means "member, but the role is too low" (viewer < member <
 *   admin < owner); the message names the role needed.
 * - Errors are `ApiError` (agent.ts): `{ error: { code, message, field?, issues? } }`; `field` is
 *   the dotted path of the offending input: a path parameter (`server_id`), a query parameter
 *   (`range`) or a body field (`config.to.0`). 400 invalid input, 401, 403, 404, 409 conflict.
 * - Timestamps are ISO-8601 strings in UTC; chart points carry epoch milliseconds (compact).
 * - Snake_case keys, as in the agent API.
 */
import { z } from "zod";
import { CheckStatus } from "./agent.ts";
import { AGENT_EVENT_LIMITS, AgentEventKind } from "./agent-events.ts";
import {
  ConfigScopeItem,
  ConfigScopeList,
  PutConfigRequest,
  ServerConfigView,
  ServerTagsRequest,
  ServerTagsResponse,
} from "./central-config.ts";
import { CHANNEL_KINDS } from "./channel-kinds.ts";
import { type DashboardEndpointName, DASHBOARD_ENDPOINTS as E } from "./dashboard-endpoints.ts";
import { CreateMonitorTestRequest, MonitorTestRun } from "./monitor-tests.ts";
import { OVERVIEW_METRICS } from "./overview-metrics.ts";
import { PlanUsage } from "./plans.ts";
import { IsoTime, JsonObject, SafeText } from "./primitives.ts";
import { ProbeConfig } from "./probe-config.ts";
import { ORG_ROLES } from "./roles.ts";

/** Where these routes live under the Hono app (public URL: `<base>/functions/v1/api/v1/...`). */
export const DASHBOARD_API_PREFIX = "/api/v1";

const Id = z.uuid();
/** Times in answers. Times in requests are RequestTime: bounded, so PostgreSQL can hold them. */
const Time = z.iso.datetime({ offset: true });
const NullableTime = Time.nullable();
const RequestTime = IsoTime;
const Text = (max: number) => SafeText.trim().min(1).max(max);
const atLeastOneField = (value: Record<string, unknown>) => Object.values(value).some((v) => v !== undefined);
const NOTHING_TO_UPDATE = { message: "give at least one field to change" };

// ---- shared enums and references ----------------------------------------------------------------

/** owner > admin > member > viewer (see roles.ts for what each may do). */
export const OrgRole = z.enum(ORG_ROLES);
export type OrgRole = z.infer<typeof OrgRole>;

/** What the dashboard shows for a server: `pending` = waiting for approval; `unknown` = approved
 * but never heard from. */
export const ServerState = z.enum(["up", "down", "pending", "unknown"]);
export type ServerState = z.infer<typeof ServerState>;

export const Severity = z.enum(["critical", "warning", "info"]);
export type Severity = z.infer<typeof Severity>;

export const IncidentStatus = z.enum(["open", "acknowledged", "resolved"]);
export type IncidentStatus = z.infer<typeof IncidentStatus>;

export const NotificationChannelKind = z.enum(CHANNEL_KINDS);
export type NotificationChannelKind = z.infer<typeof NotificationChannelKind>;

export const ApiKeyScopeName = z.enum(["agent", "read"]);
export type ApiKeyScopeName = z.infer<typeof ApiKeyScopeName>;

/** One bar of a status bar: the worst result in that hour/day, or `none` without results. */
export const BarStatus = z.enum(["ok", "degraded", "down", "none"]);
export type BarStatus = z.infer<typeof BarStatus>;

export const UserRef = z.object({ id: Id, email: z.string().nullable() });
export type UserRef = z.infer<typeof UserRef>;

export const NamedRef = z.object({ id: Id, name: z.string() });
export type NamedRef = z.infer<typeof NamedRef>;

export const OkResponse = z.object({ ok: z.literal(true) });
export type OkResponse = z.infer<typeof OkResponse>;

// ---- me and organizations ------------------------------------------------------------------------

/** GET /v1/me. `orgs` is empty for a new user: the app then creates a personal organization. */
export const Me = z.object({
  user: UserRef,
  orgs: z.array(z.object({ id: Id, name: z.string(), role: OrgRole })),
});
export type Me = z.infer<typeof Me>;

/** POST /v1/orgs: the caller becomes its owner. Answer: OrgSettings (201). */
export const CreateOrgRequest = z.strictObject({ name: Text(200) });
export type CreateOrgRequest = z.infer<typeof CreateOrgRequest>;

/** GET /v1/orgs/:org_id, and the answer of PATCH /v1/orgs/:org_id/settings. */
export const OrgSettings = z.object({
  id: Id,
  name: z.string(),
  /** The caller's role. */
  role: OrgRole,
  require_server_approval: z.boolean(),
  raw_retention_days: z.number().int(),
  flap_threshold: z.number().int(),
  flap_window_minutes: z.number().int(),
  agent_dedup_seconds: z.number().int(),
  /** Heartbeat timeout of servers that do not set their own (never below 2x an agent's interval). */
  default_heartbeat_timeout_seconds: z.number().int(),
  created_at: Time,
});
export type OrgSettings = z.infer<typeof OrgSettings>;

/** PATCH /v1/orgs/:org_id/settings (admin). Per-server heartbeat timeouts: PATCH the server. */
export const UpdateOrgSettingsRequest = z
  .strictObject({
    name: Text(200).optional(),
    require_server_approval: z.boolean().optional(),
    raw_retention_days: z.number().int().min(1).max(3650).optional(),
    flap_threshold: z.number().int().min(2).max(100).optional(),
    flap_window_minutes: z.number().int().min(1).max(1440).optional(),
    agent_dedup_seconds: z.number().int().min(0).max(3600).optional(),
    default_heartbeat_timeout_seconds: z.number().int().min(10).max(86_400).optional(),
  })
  .refine(atLeastOneField, NOTHING_TO_UPDATE);
export type UpdateOrgSettingsRequest = z.infer<typeof UpdateOrgSettingsRequest>;

/**
 * Whether the backend's periodic jobs (packages/backend/src/jobs/table.ts) still run: the same
 * object in `GET /api/health` (no sign-in) and in the summary. A job is stale when its last
 * completed run is older than 4 of its intervals (at least 4 of the cloud's 15-s ticks) and the
 * schedule started more than 2 minutes ago (jobs/staleness.ts). A stale sweep means no heartbeat
 * or check incident is opened: the deployment looks quiet while nothing is watched.
 */
export const ScheduleHealth = z.object({
  /** When the heartbeat sweep last completed; null before its first run. */
  sweep_last_run_at: NullableTime,
  /** Some job is stale (`stale_jobs` is not empty). */
  stale: z.boolean(),
  /** The stale jobs, in the job table's order ("sweep", "probes", "dispatch", ...). */
  stale_jobs: z.array(z.string()),
});
export type ScheduleHealth = z.infer<typeof ScheduleHealth>;

/** GET /v1/orgs/:org_id/summary: the phone's glance. Small on purpose. */
export const OrgSummary = z.object({
  org: NamedRef,
  generated_at: Time,
  servers: z.object({
    total: z.number().int(),
    up: z.number().int(),
    down: z.number().int(),
    pending: z.number().int(),
    unknown: z.number().int(),
  }),
  incidents: z.object({
    /** open + acknowledged */
    active: z.number().int(),
    unacknowledged: z.number().int(),
    /** The 5 most recent active incidents. */
    top: z.array(
      z.object({
        id: Id,
        title: z.string(),
        status: IncidentStatus,
        severity: Severity,
        /** when the failure began */
        since: Time,
        server_name: z.string().nullable(),
      }),
    ),
  }),
  /** Whether alerting's schedule runs (deployment-wide). Absent from backends that predate it. */
  schedule: ScheduleHealth.optional(),
});
export type OrgSummary = z.infer<typeof OrgSummary>;

// ---- servers -------------------------------------------------------------------------------------

/** GET /v1/orgs/:org_id/servers?q=&status= */
export const ServersQuery = z.object({
  /** Matches name or hostname, case-insensitive substring. */
  q: SafeText.trim().max(200).optional(),
  status: ServerState.optional(),
});
export type ServersQuery = z.infer<typeof ServersQuery>;

export const ServerOverviewItem = z.object({
  id: Id,
  name: z.string(),
  hostname: z.string(),
  status: ServerState,
  last_heartbeat_at: NullableTime,
  agent_version: z.string().nullable(),
  os: z.string().nullable(),
  arch: z.string().nullable(),
  heartbeat_timeout_seconds: z.number().int(),
  created_at: Time,
  /** Now (null without data in the last 15 minutes): the newest 1-minute average of cpu.percent,
   * memory.used_percent, and of the fullest mount's disk.used_percent. Updated every ~30 s. */
  cpu_percent: z.number().nullable(),
  memory_used_percent: z.number().nullable(),
  disk_used_percent: z.number().nullable(),
  /** Start of the newest minute those values average. */
  metrics_at: NullableTime,
  /** That minute's network rates summed over the server's interfaces, in bytes per second, and
   * its hottest sensor in °C (null without such series or without data in the last 15 minutes). */
  net_rx_bytes_per_s: z.number().nullable(),
  net_tx_bytes_per_s: z.number().nullable(),
  temperature_c: z.number().nullable(),
  /** cpu.percent averages on the grid given by ServersOverview.trend; null where no data. */
  cpu_trend: z.array(z.number().nullable()),
  open_incidents: z.number().int(),
  /** The server's tags (central configuration groups, decision 0037). */
  tags: z.array(z.string()),
});
export type ServerOverviewItem = z.infer<typeof ServerOverviewItem>;

export const ServersOverview = z.object({
  generated_at: Time,
  /** Counts over all servers of the organization (not only the filtered ones). */
  counts: OrgSummary.shape.servers,
  /** cpu_trend[i] is the 5-minute average starting at from + i * step_seconds. */
  trend: z.object({
    metric: z.literal(OVERVIEW_METRICS.cpu),
    from: Time,
    step_seconds: z.number().int(),
    points: z.number().int(),
  }),
  servers: z.array(ServerOverviewItem),
});
export type ServersOverview = z.infer<typeof ServersOverview>;

/** host:port, or an http(s) URL: what the backend probes when heartbeats stop. */
const PublicEndpoint = SafeText.trim()
  .max(2048)
  .regex(
    /^(https?:\/\/\S+|[A-Za-z0-9.-]+:\d{1,5}|\[[0-9A-Fa-f:.]+\]:\d{1,5})$/,
    "must be host:port or an http(s):// URL",
  );

/** PATCH /v1/orgs/:org_id/servers/:server_id (admin). Answer: ServerInfo. */
export const UpdateServerRequest = z
  .strictObject({
    name: Text(255).optional(),
    /** Null: the organization's default. At least twice the agent's heartbeat interval. */
    heartbeat_timeout_seconds: z.number().int().min(10).max(86_400).nullable().optional(),
    public_endpoint: PublicEndpoint.nullable().optional(),
  })
  .refine(atLeastOneField, NOTHING_TO_UPDATE);
export type UpdateServerRequest = z.infer<typeof UpdateServerRequest>;

/** One server's own fields: answer of PATCH and POST .../approve, part of ServerDetail. */
export const ServerInfo = z.object({
  id: Id,
  name: z.string(),
  hostname: z.string(),
  status: ServerState,
  approval: z.enum(["pending", "approved"]),
  agent_version: z.string().nullable(),
  os: z.string().nullable(),
  arch: z.string().nullable(),
  last_heartbeat_at: NullableTime,
  clock_skew_ms: z.number().int().nullable(),
  /** The timeout in force: the server's own or the organization's default, at least 2x the interval. */
  heartbeat_timeout_seconds: z.number().int(),
  /** The server's own timeout; null when it follows the organization's default. */
  heartbeat_timeout_override_seconds: z.number().int().nullable(),
  /** How often its agent heartbeats (reported by agents since 2026-12). */
  heartbeat_interval_seconds: z.number().int().nullable(),
  public_endpoint: z.string().nullable(),
  /**
   * What the agent reported it could not deliver, summed since the server registered: samples and
   * check results its buffer caps dropped (agents older than 2026-12 count refused items here too),
   * and items of batches the backend refused for good, which the agent set aside.
   */
  dropped_samples_total: z.number().int().nonnegative(),
  rejected_items_total: z.number().int().nonnegative(),
  /** The last heartbeat that reported any of those; null when none ever did. */
  data_loss_reported_at: NullableTime,
  created_at: Time,
  updated_at: Time,
});
export type ServerInfo = z.infer<typeof ServerInfo>;

export const MonitorDetail = z.object({
  id: Id,
  name: z.string(),
  type: z.string(),
  source: z.enum(["agent", "probe"]),
  enabled: z.boolean(),
  /** failing = an incident is open for it */
  state: z.enum(["ok", "failing"]),
  last_status: CheckStatus.nullable(),
  last_checked_at: NullableTime,
  last_message: z.string().nullable(),
  last_latency_ms: z.number().nullable(),
  /** 72 hourly bars, oldest first, aligned with ServerDetail.status_bar. */
  bars: z.array(BarStatus),
  /**
   * Seconds of each of those bars inside a maintenance window of the monitor, its server or the
   * organization (merged, up to now; 0: none), as on the monitor page (StatusBars).
   */
  maintenance_seconds: z.array(z.number().int().min(0)),
  /** (ok + degraded) / (ok + degraded + down) over those 72 h, in percent; null without results. */
  uptime_percent: z.number().nullable(),
});
export type MonitorDetail = z.infer<typeof MonitorDetail>;

export const IncidentItem = z.object({
  id: Id,
  title: z.string(),
  status: IncidentStatus,
  severity: Severity,
  kind: z.enum(["heartbeat", "probe", "agent_check"]),
  /** e.g. "agent dead (host answers)" */
  cause: z.string().nullable(),
  flapping: z.boolean(),
  server: NamedRef.nullable(),
  monitor: NamedRef.nullable(),
  /** when the failure began; opened_at is when it was detected */
  started_at: Time,
  opened_at: Time,
  acknowledged_at: NullableTime,
  acknowledged_by: UserRef.nullable(),
  /** how it was acknowledged without a user, e.g. "link in sms notification" (then acknowledged_by is null) */
  acknowledged_via: z.string().nullable(),
  resolved_at: NullableTime,
  /** null when resolved automatically */
  resolved_by: UserRef.nullable(),
  /** started_at to resolved_at, or to now while unresolved */
  duration_seconds: z.number().int(),
});
export type IncidentItem = z.infer<typeof IncidentItem>;

/** GET /v1/orgs/:org_id/servers/:server_id */
export const ServerDetail = z.object({
  server: ServerInfo,
  latest: z.object({
    cpu_percent: z.number().nullable(),
    memory_used_percent: z.number().nullable(),
    disk_used_percent: z.number().nullable(),
    metrics_at: NullableTime,
  }),
  /** bars[i] covers [from + i * step_seconds, + step_seconds). */
  status_bar: z.object({ from: Time, step_seconds: z.number().int(), buckets: z.number().int() }),
  monitors: z.array(MonitorDetail),
  open_incidents: z.array(IncidentItem),
  /** Series this server has, for the chart picker. */
  metrics: z.array(z.object({ name: z.string(), labels: z.record(z.string(), z.string()) })),
});
export type ServerDetail = z.infer<typeof ServerDetail>;

// ---- metrics -------------------------------------------------------------------------------------

/** 1h -> 1-minute rollup, 24h -> 5-minute, 7d and 30d -> 1-hour. */
export const MetricRange = z.enum(["1h", "24h", "7d", "30d"]);
export type MetricRange = z.infer<typeof MetricRange>;

const MetricName = SafeText.min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_.:\-/]+$/, "use letters, digits and _ . : - /");

/** GET /v1/orgs/:org_id/servers/:server_id/metrics?names=cpu.percent,load.1&range=24h */
export const MetricsQuery = z.object({
  names: SafeText.transform((value) => [
    ...new Set(
      value
        .split(",")
        .map((n) => n.trim())
        .filter(Boolean),
    ),
  ]).pipe(z.array(MetricName).min(1, "give at least one metric name").max(20, "at most 20 names")),
  range: MetricRange.default("1h"),
});
export type MetricsQuery = z.output<typeof MetricsQuery>;

/** [epoch ms of the bucket start, average, minimum, maximum] */
export const MetricPoint = z.tuple([z.number(), z.number(), z.number(), z.number()]);
export type MetricPoint = z.infer<typeof MetricPoint>;

export const MetricsResponse = z.object({
  range: MetricRange,
  step_seconds: z.number().int(),
  from: Time,
  to: Time,
  /** One per label set (e.g. disk.used_percent per mount); buckets without data are absent. */
  series: z.array(
    z.object({
      name: z.string(),
      labels: z.record(z.string(), z.string()),
      points: z.array(MetricPoint),
    }),
  ),
});
export type MetricsResponse = z.infer<typeof MetricsResponse>;

/** How many metric names GET .../metric-names lists at most (`truncated` says when there are more). */
export const METRIC_NAMES_LIMIT = 2000;

/**
 * GET /v1/orgs/:org_id/servers/:server_id/metric-names: every metric name the server has a series
 * of (built-in and application metrics alike), ordered by name, at most METRIC_NAMES_LIMIT.
 */
export const MetricNamesResponse = z.object({
  names: z.array(
    z.object({
      name: z.string(),
      /** how many label sets (series) the name has on this server */
      series: z.number().int(),
    }),
  ),
  /** more names exist than were listed */
  truncated: z.boolean(),
});
export type MetricNamesResponse = z.infer<typeof MetricNamesResponse>;

// ---- incidents -----------------------------------------------------------------------------------

/** GET /v1/orgs/:org_id/incidents?status=&limit=&before= ; `active` = open or acknowledged.
 * Newest first; pass next_before back as `before` for the next page. */
export const IncidentsQuery = z.object({
  status: z.enum(["open", "acknowledged", "resolved", "active", "all"]).default("all"),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  before: RequestTime.optional(),
  server_id: Id.optional(),
});
export type IncidentsQuery = z.output<typeof IncidentsQuery>;

export const IncidentList = z.object({
  incidents: z.array(IncidentItem),
  next_before: NullableTime,
});
export type IncidentList = z.infer<typeof IncidentList>;

/** The longest incident note, in characters: a paragraph or a pasted log excerpt, not a file. */
export const INCIDENT_NOTE_MAX_LENGTH = 2000;

/**
 * POST /v1/orgs/:org_id/incidents/:incident_id/notes (member; 201 with the note): plain text,
 * trimmed. Shown exactly as written: never rendered as markdown or HTML.
 */
export const CreateIncidentNoteRequest = z.strictObject({ text: Text(INCIDENT_NOTE_MAX_LENGTH) });
export type CreateIncidentNoteRequest = z.infer<typeof CreateIncidentNoteRequest>;

/** A member's note on an incident, as its timeline shows it. `by` is null once the author left. */
export const IncidentNote = z.object({
  type: z.literal("note"),
  id: Id,
  at: Time,
  by: UserRef.nullable(),
  text: z.string(),
});
export type IncidentNote = z.infer<typeof IncidentNote>;
// DELETE .../incidents/:incident_id/notes/:note_id: its author (member or up) or an admin; OkResponse.

export const OutboxStatus = z.enum(["pending", "sending", "delivered", "suppressed", "dead"]);
export type OutboxStatus = z.infer<typeof OutboxStatus>;

export const TimelineEntry = z.discriminatedUnion("type", [
  z.object({ type: z.literal("opened"), at: Time, started_at: Time, cause: z.string().nullable() }),
  z.object({
    type: z.literal("notification"),
    /** when it was queued */
    at: Time,
    channel: z.object({ id: Id, name: z.string(), kind: NotificationChannelKind }).nullable(),
    /** down | restored | escalation | repeat | flapping | test */
    event: z.string(),
    status: OutboxStatus,
    /** why it was suppressed (maintenance window, agent already paged, ...) */
    reason: z.string().nullable(),
    /** the last delivery error (for dead, or pending retries) */
    error: z.string().nullable(),
    attempts: z.number().int(),
    delivered_at: NullableTime,
  }),
  z.object({
    type: z.literal("acknowledged"),
    at: Time,
    by: UserRef.nullable(),
    /** set when acknowledged by a notification's link, e.g. "link in sms notification" */
    via: z.string().nullable(),
  }),
  z.object({
    type: z.literal("resolved"),
    at: Time,
    by: UserRef.nullable(),
    duration_seconds: z.number().int(),
  }),
  IncidentNote,
]);
export type TimelineEntry = z.infer<typeof TimelineEntry>;

/** GET /v1/orgs/:org_id/incidents/:incident_id ; timeline oldest first. */
export const IncidentDetail = z.object({ incident: IncidentItem, timeline: z.array(TimelineEntry) });
export type IncidentDetail = z.infer<typeof IncidentDetail>;
// POST .../incidents/:incident_id/acknowledge and .../resolve (member): answer IncidentItem;
// 409 CONFLICT when it is already acknowledged/resolved.

// ---- exports (CSV or JSON files) -----------------------------------------------------------------

/**
 * An export is answered as a file (`Content-Disposition: attachment`): CSV (RFC 4180, a header
 * row, times in UTC ISO-8601, text cells starting with = + - @ tab or CR prefixed with `'` so a
 * spreadsheet does not run them as formulas) or JSON (an array of the rows below).
 * Decision record: docs/decisions/0039-incident-notes-and-exports.md.
 */
export const ExportFormat = z.enum(["csv", "json"]);
export type ExportFormat = z.infer<typeof ExportFormat>;

/** Bounds of one export: a longer range or more rows is a 400 naming `to` or `from`. */
export const EXPORT_LIMITS = {
  incidents: { days: 366, rows: 10_000 },
  checks: { days: 31, rows: 100_000 },
  metrics: { rows: 100_000 },
} as const;

const DAY_MS = 86_400_000;

/** from <= to, at most `days` apart; `extra` adds an export's own filters. */
function exportRange<Extra extends z.ZodRawShape = Record<never, never>>(days: number, extra?: Extra) {
  return z
    .strictObject({
      from: RequestTime,
      to: RequestTime,
      format: ExportFormat.default("csv"),
      ...(extra as Extra),
    })
    .superRefine((value, ctx) => {
      const { from, to } = value as { from: string; to: string };
      const span = Date.parse(to) - Date.parse(from);
      if (span <= 0) ctx.addIssue({ code: "custom", path: ["to"], message: "must be after from" });
      else if (span > days * DAY_MS)
        ctx.addIssue({ code: "custom", path: ["to"], message: `must be at most ${days} days after from` });
    });
}

/** GET /v1/orgs/:org_id/exports/incidents?from=&to=&format= : incidents whose outage overlaps the range, oldest first. */
export const IncidentsExportQuery = exportRange(EXPORT_LIMITS.incidents.days);
export type IncidentsExportQuery = z.output<typeof IncidentsExportQuery>;

export const IncidentExportRow = z.object({
  started_at: Time,
  /** when it was resolved; null while it lasts */
  ended_at: NullableTime,
  /** started_at to ended_at, or to the time of the export while it lasts */
  duration_seconds: z.number().int(),
  status: IncidentStatus,
  severity: Severity,
  kind: z.enum(["heartbeat", "probe", "agent_check"]),
  server: z.string().nullable(),
  monitor: z.string().nullable(),
  title: z.string(),
  cause: z.string().nullable(),
  opened_at: Time,
  acknowledged_at: NullableTime,
  /** email, or how it was acknowledged without a user ("link in sms notification") */
  acknowledged_by: z.string().nullable(),
  resolved_by: z.string().nullable(),
  id: Id,
});
export type IncidentExportRow = z.infer<typeof IncidentExportRow>;

/** GET /v1/orgs/:org_id/servers/:server_id/exports/checks?from=&to=&format= : the server's check results, oldest first. */
export const ChecksExportQuery = exportRange(EXPORT_LIMITS.checks.days);
export type ChecksExportQuery = z.output<typeof ChecksExportQuery>;

export const CheckExportRow = z.object({
  at: Time,
  monitor: z.string(),
  status: CheckStatus,
  latency_ms: z.number().nullable(),
  message: z.string().nullable(),
  monitor_id: Id,
});
export type CheckExportRow = z.infer<typeof CheckExportRow>;

/** GET /v1/orgs/:org_id/servers/:server_id/exports/metrics?names=&range=&format= : a chart's series, as the chart reads them. */
export const MetricsExportQuery = MetricsQuery.extend({ format: ExportFormat.default("csv") });
export type MetricsExportQuery = z.output<typeof MetricsExportQuery>;

/** One bucket of one series (CSV: labels as `key=value` pairs joined by `;`). */
export const MetricExportRow = z.object({
  at: Time,
  name: z.string(),
  labels: z.record(z.string(), z.string()),
  avg: z.number(),
  min: z.number(),
  max: z.number(),
});
export type MetricExportRow = z.infer<typeof MetricExportRow>;

// ---- outage log (agent events, decision 0044) -----------------------------------------------------

/**
 * GET /v1/orgs/:org_id/events and /v1/orgs/:org_id/servers/:server_id/events
 * ?kind=&from=&to=&limit=&before=&before_id= : the agents' events (internet outages, reboots),
 * newest first. Keyset paging: pass `next` back as `before` and `before_id`.
 */
export const AgentEventsQuery = z
  .strictObject({
    kind: AgentEventKind.optional(),
    /** occurred_at >= from */
    from: RequestTime.optional(),
    /** occurred_at < to */
    to: RequestTime.optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    before: RequestTime.optional(),
    before_id: Id.optional(),
  })
  .superRefine((value, ctx) => {
    if ((value.before === undefined) !== (value.before_id === undefined))
      ctx.addIssue({ code: "custom", path: ["before_id"], message: "before and before_id go together" });
    if (value.from && value.to && Date.parse(value.to) <= Date.parse(value.from))
      ctx.addIssue({ code: "custom", path: ["to"], message: "must be after from" });
  });
export type AgentEventsQuery = z.output<typeof AgentEventsQuery>;

export const AgentEventItem = z.object({
  id: Id,
  server_id: Id,
  /** the server's name */
  server: z.string(),
  kind: AgentEventKind,
  monitor: z.string(),
  occurred_at: Time,
  started_at: NullableTime,
  ended_at: NullableTime,
  duration_ms: z.number().int().nullable(),
  message: z.string(),
  data: z.record(z.string(), z.unknown()).nullable(),
  received_at: Time,
});
export type AgentEventItem = z.infer<typeof AgentEventItem>;

export const AgentEventList = z.object({
  events: z.array(AgentEventItem),
  /** the cursor of the next (older) page, null on the last one */
  next: z.object({ before: Time, before_id: Id }).nullable(),
});
export type AgentEventList = z.infer<typeof AgentEventList>;

/**
 * GET /v1/orgs/:org_id/exports/events?from=&to=&format=&kind=&server_id= : the outage log as a
 * file (seed 000's daily CSV), oldest first; at most 400 days and 50,000 rows.
 */
export const EVENTS_EXPORT_LIMITS = { days: AGENT_EVENT_LIMITS.keepDays, rows: 50_000 } as const;
export const AgentEventsExportQuery = exportRange(EVENTS_EXPORT_LIMITS.days, {
  kind: AgentEventKind.optional(),
  server_id: Id.optional(),
});
export type AgentEventsExportQuery = z.output<typeof AgentEventsExportQuery>;

export const AgentEventExportRow = z.object({
  occurred_at: Time,
  kind: AgentEventKind,
  server: z.string(),
  monitor: z.string(),
  started_at: NullableTime,
  ended_at: NullableTime,
  duration_seconds: z.number().nullable(),
  message: z.string(),
  /** an outage's ping targets (CSV: joined by a space) */
  targets: z.array(z.string()),
  server_id: Id,
  id: Id,
});
export type AgentEventExportRow = z.infer<typeof AgentEventExportRow>;

// ---- API keys ------------------------------------------------------------------------------------

/** GET /v1/orgs/:org_id/api-keys. Never the key or its hash: only the visible prefix. */
export const ApiKeyItem = z.object({
  id: Id,
  name: z.string(),
  prefix: z.string(),
  scope: ApiKeyScopeName,
  created_at: Time,
  created_by: UserRef.nullable(),
  last_used_at: NullableTime,
  revoked_at: NullableTime,
  /** How many servers may register with it (null: any); 1 makes it one server's own key. */
  max_servers: z.number().int().nullable(),
  /** When it stops registering new servers (null: never); its servers keep working after. */
  enroll_until: NullableTime,
  /** The servers using it now (registered with it last): how many, and the first names. */
  servers: z.object({ count: z.number().int(), names: z.array(z.string()) }),
});
export type ApiKeyItem = z.infer<typeof ApiKeyItem>;

export const ApiKeyList = z.object({ api_keys: z.array(ApiKeyItem) });
export type ApiKeyList = z.infer<typeof ApiKeyList>;

/** POST /v1/orgs/:org_id/api-keys (member). */
export const CreateApiKeyRequest = z.strictObject({
  name: Text(100).default("agent key"),
  scope: ApiKeyScopeName.default("agent"),
  /** 1: a server's own key (it speaks only for the server that registers with it). */
  max_servers: z.int().min(1).max(100_000).nullable().default(null),
  /** Must lie ahead; after it the key registers no new servers. */
  enroll_until: Time.nullable().default(null),
});
export type CreateApiKeyRequest = z.output<typeof CreateApiKeyRequest>;

/** 201. `key` is shown this once; only its SHA-256 is stored. */
export const CreatedApiKey = z.object({
  api_key: ApiKeyItem,
  key: z.string(),
  /** `curl -fsSL <base>/install.sh | $([ "$(id -u)" -eq 0 ] || echo sudo) bash -s -- --api-key=<key> --url <base>`, built by `@custos/protocol/install` */
  install_command: z.string(),
});
export type CreatedApiKey = z.infer<typeof CreatedApiKey>;
// POST /v1/orgs/:org_id/api-keys/:key_id/revoke (member): answer ApiKeyItem (revoked_at set).

// ---- notification channels -----------------------------------------------------------------------

/**
 * A channel as listed: its non-secret `config` only. `secret_fields` names the secret settings
 * that are set (never their values), so a form can show "set — leave empty to keep".
 * Per-kind settings (the backend validates them; errors name e.g. `config.to.0`):
 * - email:   config { to: string[] }                          secret { resend_api_key? }
 * - slack:   config {}                                        secret { webhook_url }
 * - sms:     config { to: E.164[], from? | messaging_service_sid? }  secret { account_sid, auth_token }
 * - ntfy:    config { server?, topic }                        secret { token? }
 * - webhook: config { url, headers? }                         secret { signing_secret (>= 16), headers? }
 * - discord: config {}                                        secret { webhook_url }
 * - telegram: config { chat_id (numeric id or @channel) }  secret { bot_token }
 * - gotify:  config { server }                             secret { app_token }
 * - pushover: config { device? }                          secret { app_token, user_key }
 * - pagerduty: config {}                                   secret { routing_key }
 * - matrix:  config { homeserver, room_id }                secret { access_token }
 * - teams:   config {}                                     secret { webhook_url (workflow URL) }
 * (schemas: channel-settings.ts)
 */
export const ChannelItem = z.object({
  id: Id,
  name: z.string(),
  kind: NotificationChannelKind,
  config: z.record(z.string(), z.unknown()),
  enabled: z.boolean(),
  has_secret: z.boolean(),
  secret_fields: z.array(z.string()),
  created_at: Time,
});
export type ChannelItem = z.infer<typeof ChannelItem>;

export const ChannelList = z.object({ channels: z.array(ChannelItem) });
export type ChannelList = z.infer<typeof ChannelList>;

const SettingsObject = JsonObject;

/** POST /v1/orgs/:org_id/channels (admin). Answer: ChannelItem (201). */
export const CreateChannelRequest = z.strictObject({
  name: Text(100),
  kind: NotificationChannelKind,
  config: SettingsObject.default({}),
  secret: SettingsObject.default({}),
  enabled: z.boolean().default(true),
});
export type CreateChannelRequest = z.output<typeof CreateChannelRequest>;

/** PATCH /v1/orgs/:org_id/channels/:channel_id (admin). The kind cannot change. `config`
 * replaces the stored config as a whole when given. `secret` changes only the keys it gives
 * (`null` removes an optional one); keys left out keep their stored value, since a secret is never
 * shown back to be retyped. Omitted, both are kept. */
export const UpdateChannelRequest = z
  .strictObject({
    name: Text(100).optional(),
    enabled: z.boolean().optional(),
    config: SettingsObject.optional(),
    secret: SettingsObject.optional(),
  })
  .refine(atLeastOneField, NOTHING_TO_UPDATE);
export type UpdateChannelRequest = z.infer<typeof UpdateChannelRequest>;

/** POST /v1/orgs/:org_id/channels/:channel_id/test (admin): sends a test notification now.
 * A failed delivery is still 200, with delivered false and the provider's error (secrets removed). */
export const ChannelTestResult = z.object({
  delivered: z.boolean(),
  error: z.string().nullable(),
  /** whether retrying could help (null when delivered) */
  retryable: z.boolean().nullable(),
  duration_ms: z.number().int(),
});
export type ChannelTestResult = z.infer<typeof ChannelTestResult>;
// DELETE /v1/orgs/:org_id/channels/:channel_id (admin): OkResponse; removed from alert rules too.

// ---- alert rules ---------------------------------------------------------------------------------

export const RepeatMode = z.enum(["once", "repeat", "none"]);
export type RepeatMode = z.infer<typeof RepeatMode>;

export const AlertRuleItem = z.object({
  id: Id,
  name: z.string(),
  /** The rule applies to incidents of this severity or worse (critical > warning > info). */
  min_severity: Severity,
  channel_ids: z.array(Id),
  escalate_after_minutes: z.number().int().nullable(),
  escalation_channel_ids: z.array(Id),
  /** once: page once; repeat: again every repeat_every_minutes until acknowledged; none: record only */
  repeat_mode: RepeatMode,
  repeat_every_minutes: z.number().int().nullable(),
  notify_restored: z.boolean(),
  enabled: z.boolean(),
  created_at: Time,
});
export type AlertRuleItem = z.infer<typeof AlertRuleItem>;

export const AlertRuleList = z.object({ alert_rules: z.array(AlertRuleItem) });
export type AlertRuleList = z.infer<typeof AlertRuleList>;

const Minutes = z.number().int().min(1).max(10_080);
const ChannelIds = z
  .array(Id)
  .max(50)
  .refine((ids) => new Set(ids).size === ids.length, "channel ids must not repeat");

const AlertRuleFields = {
  name: Text(100),
  min_severity: Severity,
  channel_ids: ChannelIds,
  escalate_after_minutes: Minutes.nullable(),
  escalation_channel_ids: ChannelIds,
  repeat_mode: RepeatMode,
  repeat_every_minutes: Minutes.nullable(),
  notify_restored: z.boolean(),
  enabled: z.boolean(),
};

/** Rules that hold for a whole rule (checked on create, and on update after merging). */
export function alertRuleProblems(rule: {
  repeat_mode: RepeatMode;
  repeat_every_minutes: number | null;
  escalate_after_minutes: number | null;
  escalation_channel_ids: string[];
}): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  if (rule.repeat_mode === "repeat" && rule.repeat_every_minutes === null) {
    problems.push({ path: "repeat_every_minutes", message: "required when repeat_mode is repeat" });
  }
  if (rule.escalation_channel_ids.length > 0 && rule.escalate_after_minutes === null) {
    problems.push({ path: "escalate_after_minutes", message: "required when escalation channels are set" });
  }
  return problems;
}

/** POST /v1/orgs/:org_id/alert-rules (admin). Answer: AlertRuleItem (201). */
export const CreateAlertRuleRequest = z
  .strictObject({
    name: AlertRuleFields.name,
    min_severity: AlertRuleFields.min_severity.default("warning"),
    channel_ids: AlertRuleFields.channel_ids.default([]),
    escalate_after_minutes: AlertRuleFields.escalate_after_minutes.default(null),
    escalation_channel_ids: AlertRuleFields.escalation_channel_ids.default([]),
    repeat_mode: AlertRuleFields.repeat_mode.default("once"),
    repeat_every_minutes: AlertRuleFields.repeat_every_minutes.default(null),
    notify_restored: AlertRuleFields.notify_restored.default(true),
    enabled: AlertRuleFields.enabled.default(true),
  })
  .superRefine((rule, ctx) => {
    for (const p of alertRuleProblems(rule))
      ctx.addIssue({ code: "custom", path: [p.path], message: p.message });
  });
export type CreateAlertRuleRequest = z.output<typeof CreateAlertRuleRequest>;

/** PATCH /v1/orgs/:org_id/alert-rules/:rule_id (admin). Answer: AlertRuleItem. */
export const UpdateAlertRuleRequest = z
  .strictObject({
    name: AlertRuleFields.name.optional(),
    min_severity: AlertRuleFields.min_severity.optional(),
    channel_ids: AlertRuleFields.channel_ids.optional(),
    escalate_after_minutes: AlertRuleFields.escalate_after_minutes.optional(),
    escalation_channel_ids: AlertRuleFields.escalation_channel_ids.optional(),
    repeat_mode: AlertRuleFields.repeat_mode.optional(),
    repeat_every_minutes: AlertRuleFields.repeat_every_minutes.optional(),
    notify_restored: AlertRuleFields.notify_restored.optional(),
    enabled: AlertRuleFields.enabled.optional(),
  })
  .refine(atLeastOneField, NOTHING_TO_UPDATE);
export type UpdateAlertRuleRequest = z.infer<typeof UpdateAlertRuleRequest>;
// DELETE /v1/orgs/:org_id/alert-rules/:rule_id (admin): OkResponse.

// ---- members and invitations ---------------------------------------------------------------------

/** GET /v1/orgs/:org_id/members (any member). */
export const MemberItem = z.object({
  user_id: Id,
  email: z.string().nullable(),
  role: OrgRole,
  joined_at: Time,
  is_you: z.boolean(),
});
export type MemberItem = z.infer<typeof MemberItem>;

export const MemberList = z.object({ members: z.array(MemberItem) });
export type MemberList = z.infer<typeof MemberList>;

/** PATCH /v1/orgs/:org_id/members/:user_id (admin; only owners grant or take the owner role; the
 * last owner cannot be demoted). Answer: MemberItem. DELETE removes (admin, or yourself = leave);
 * the last owner cannot leave. */
export const UpdateMemberRequest = z.strictObject({ role: OrgRole });
export type UpdateMemberRequest = z.infer<typeof UpdateMemberRequest>;

export const InvitationItem = z.object({
  id: Id,
  email: z.string(),
  role: OrgRole,
  invited_by: UserRef.nullable(),
  created_at: Time,
  expires_at: Time,
  accepted_at: NullableTime,
  /**
   * The invitation email (decision 0041): null when none was sent (no email configured here, the
   * link was shared by hand); pending/sending while it is being sent or retried; sent; failed
   * (given up, `email_error` says why: share the link by hand or invite again).
   */
  email_status: z.enum(["pending", "sending", "sent", "failed"]).nullable(),
  email_error: z.string().nullable(),
});
export type InvitationItem = z.infer<typeof InvitationItem>;

/** GET /v1/orgs/:org_id/invitations (admin). */
export const InvitationList = z.object({ invitations: z.array(InvitationItem) });
export type InvitationList = z.infer<typeof InvitationList>;

/** POST /v1/orgs/:org_id/invitations (admin). */
export const CreateInvitationRequest = z.strictObject({
  email: z.email({ message: "must be an email address" }).max(320),
  role: z.enum(["admin", "member", "viewer"]).default("member"),
});
export type CreateInvitationRequest = z.output<typeof CreateInvitationRequest>;

/** 201. The token is shown this once (only its hash is stored): send it to the invitee, e.g. as
 * `accept_url` (null when the backend does not know the dashboard's URL). Valid 7 days. */
export const CreatedInvitation = z.object({
  invitation: InvitationItem,
  token: z.string(),
  accept_url: z.string().nullable(),
  /**
   * "queued": an email with the link goes to the invitee (its progress is the invitation's
   * `email_status`); "not_configured": this server sends no email (or does not know its public
   * URL), so the link must be shared by hand, as `email_note` says.
   */
  email: z.enum(["queued", "not_configured"]),
  email_note: z.string(),
});
export type CreatedInvitation = z.infer<typeof CreatedInvitation>;
// DELETE /v1/orgs/:org_id/invitations/:invitation_id (admin): OkResponse.

/** POST /v1/invitations/accept: by the signed-in invitee, whose email must match the invitation. */
export const AcceptInvitationRequest = z.strictObject({ token: SafeText.trim().min(10).max(200) });
export type AcceptInvitationRequest = z.infer<typeof AcceptInvitationRequest>;

export const AcceptedInvitation = z.object({ org: NamedRef, role: OrgRole });
export type AcceptedInvitation = z.infer<typeof AcceptedInvitation>;

// ---- probes (backend checks: HTTP(S), TCP) -------------------------------------------------------

/**
 * `config` is a ProbeConfig (probe-config.ts) with its defaults filled in: `kind` http (url,
 * method, expected_status, keywords, TLS days) or tcp (host, port), and the latency thresholds.
 */
export const ProbeItem = z.object({
  id: Id,
  name: z.string(),
  kind: z.string(),
  config: z.record(z.string(), z.unknown()),
  interval_seconds: z.number().int(),
  failures_to_open: z.number().int(),
  successes_to_resolve: z.number().int(),
  enabled: z.boolean(),
  state: z.enum(["ok", "failing"]),
  last_status: CheckStatus.nullable(),
  last_checked_at: NullableTime,
  created_at: Time,
});
export type ProbeItem = z.infer<typeof ProbeItem>;

/** GET /v1/orgs/:org_id/probes */
export const ProbeList = z.object({ probes: z.array(ProbeItem) });
export type ProbeList = z.infer<typeof ProbeList>;

/** POST /v1/orgs/:org_id/probes (member). Answer: ProbeItem (201). */
export const CreateProbeRequest = z.strictObject({
  name: Text(200),
  interval_seconds: z.number().int().min(10).max(86_400).default(60),
  failures_to_open: z.number().int().min(1).max(100).default(2),
  successes_to_resolve: z.number().int().min(1).max(100).default(2),
  config: ProbeConfig,
});
export type CreateProbeRequest = z.output<typeof CreateProbeRequest>;

/** PATCH /v1/orgs/:org_id/probes/:probe_id (member). `config` replaces the whole config. */
export const UpdateProbeRequest = z
  .strictObject({
    name: Text(200).optional(),
    interval_seconds: z.number().int().min(10).max(86_400).optional(),
    failures_to_open: z.number().int().min(1).max(100).optional(),
    successes_to_resolve: z.number().int().min(1).max(100).optional(),
    enabled: z.boolean().optional(),
    config: ProbeConfig.optional(),
  })
  .refine(atLeastOneField, NOTHING_TO_UPDATE);
export type UpdateProbeRequest = z.infer<typeof UpdateProbeRequest>;
// DELETE /v1/orgs/:org_id/probes/:probe_id (member): OkResponse.

/** POST /v1/orgs/:org_id/probes/test (member): runs a probe config once, stores nothing. */
export const ProbeTestRequest = z.strictObject({ config: ProbeConfig });
export type ProbeTestRequest = z.input<typeof ProbeTestRequest>;

/** What one run saw and what the thresholds made of it. */
export const ProbeTestResult = z.object({
  status: CheckStatus,
  message: z.string(),
  /** null when nothing answered */
  latency_ms: z.number().nullable(),
  status_code: z.number().int().nullable(),
  tls_days_left: z.number().int().nullable(),
});
export type ProbeTestResult = z.infer<typeof ProbeTestResult>;

// ---- monitor pages (a probe or an agent monitor: uptime, response times, result history) --------

/** Uptime windows, each ending now and starting on the hour: 24, 168, 720 and 8,760 hours. */
export const UptimeWindow = z.enum(["24h", "7d", "30d", "365d"]);
export type UptimeWindow = z.infer<typeof UptimeWindow>;

/**
 * Uptime over one window: up_results / (up_results + down_results), in percent, null without
 * results. ok and degraded are up; `unsupported` results and results inside a maintenance window
 * of the monitor, its server or the organization count neither way; time without results (a
 * silent agent, a disabled probe) is not in it at all. Decision 0038.
 */
export const MonitorUptime = z.object({
  window: UptimeWindow,
  /** the window's first hour */
  from: Time,
  up_results: z.number().int(),
  down_results: z.number().int(),
  percent: z.number().nullable(),
});
export type MonitorUptime = z.infer<typeof MonitorUptime>;

/**
 * bars[i] covers [from + i * step_seconds, + step_seconds). maintenance_seconds[i]: how much of
 * that bar lies in a maintenance window of the monitor, its server or the organization (windows
 * merged, up to now); 0 when none. A window ending exactly where a bar starts does not touch it.
 */
export const StatusBars = z.object({
  from: Time,
  step_seconds: z.number().int(),
  bars: z.array(BarStatus),
  maintenance_seconds: z.array(z.number().int().min(0)),
});
export type StatusBars = z.infer<typeof StatusBars>;

/** GET /v1/orgs/:org_id/monitors/:monitor_id */
export const MonitorPage = z.object({
  monitor: z.object({
    id: Id,
    name: z.string(),
    type: z.string(),
    source: z.enum(["agent", "probe"]),
    enabled: z.boolean(),
    state: z.enum(["ok", "failing"]),
    last_status: CheckStatus.nullable(),
    last_checked_at: NullableTime,
    /** the agent's server; null for a probe */
    server: NamedRef.nullable(),
    /** a probe's interval; null for agent monitors (the agent's config decides) */
    interval_seconds: z.number().int().nullable(),
    failures_to_open: z.number().int(),
    successes_to_resolve: z.number().int(),
    /** a probe's ProbeConfig (thresholds, keyword, TLS); null for agent monitors */
    config: z.record(z.string(), z.unknown()).nullable(),
    created_at: Time,
  }),
  uptime: z.array(MonitorUptime),
  /** the last 72 hours, hourly */
  hourly: StatusBars,
  /** the last 90 UTC days, daily */
  daily: StatusBars,
});
export type MonitorPage = z.infer<typeof MonitorPage>;

/**
 * The metric charts' ranges plus 90 and 365 days, which read the hourly check rollups' latency
 * aggregates (6-hour and 1-day points); 30 days and less read raw results. Decision 0046.
 */
export const ResponseTimeRange = z.enum(["1h", "24h", "7d", "30d", "90d", "365d"]);
export type ResponseTimeRange = z.infer<typeof ResponseTimeRange>;

/** GET /v1/orgs/:org_id/monitors/:monitor_id/response-times?range=24h */
export const ResponseTimesQuery = z.object({ range: ResponseTimeRange.default("24h") });
export type ResponseTimesQuery = z.output<typeof ResponseTimesQuery>;

export const ResponseTimes = z.object({
  range: ResponseTimeRange,
  step_seconds: z.number().int(),
  from: Time,
  to: Time,
  /** [bucket start ms, average, minimum, maximum] of results with a latency; empty buckets absent */
  points: z.array(MetricPoint),
  /**
   * Set when the range reaches back to hours counted before the rollups kept response times: no
   * response times exist before this instant (the chart says so rather than drawing a gap as
   * "nothing answered"). Null when the whole range could be measured.
   */
  response_times_since: NullableTime,
});
export type ResponseTimes = z.infer<typeof ResponseTimes>;

/** Opaque to clients: pass next_cursor back as it came. */
const ResultsCursor = z.string().regex(/^\d{1,17}\.\d{1,6}$/, "pass next_cursor back as it came");

/** GET /v1/orgs/:org_id/monitors/:monitor_id/results?limit=50&cursor= ; newest first. */
export const MonitorResultsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: ResultsCursor.optional(),
});
export type MonitorResultsQuery = z.output<typeof MonitorResultsQuery>;

export const CheckResultItem = z.object({
  at: Time,
  status: CheckStatus,
  latency_ms: z.number().nullable(),
  message: z.string().nullable(),
});
export type CheckResultItem = z.infer<typeof CheckResultItem>;

export const MonitorResults = z.object({
  results: z.array(CheckResultItem),
  /** null on the last page */
  next_cursor: z.string().nullable(),
});
export type MonitorResults = z.infer<typeof MonitorResults>;

// ---- maintenance windows -------------------------------------------------------------------------

/** No notifications during a window (incidents are still recorded). Neither server nor monitor:
 * the whole organization. */
export const MaintenanceWindowItem = z.object({
  id: Id,
  server_id: Id.nullable(),
  monitor_id: Id.nullable(),
  starts_at: Time,
  ends_at: Time,
  reason: z.string().nullable(),
  /** shown on status pages for this window; `reason` never is (decision 0048) */
  public_title: z.string().nullable(),
  created_by: UserRef.nullable(),
  created_at: Time,
  active: z.boolean(),
});
export type MaintenanceWindowItem = z.infer<typeof MaintenanceWindowItem>;

/** GET /v1/orgs/:org_id/maintenance-windows?when=upcoming|past|all (upcoming = not yet ended). */
export const MaintenanceWindowsQuery = z.object({
  when: z.enum(["upcoming", "past", "all"]).default("upcoming"),
});
export type MaintenanceWindowsQuery = z.output<typeof MaintenanceWindowsQuery>;

export const MaintenanceWindowList = z.object({ maintenance_windows: z.array(MaintenanceWindowItem) });
export type MaintenanceWindowList = z.infer<typeof MaintenanceWindowList>;

/** Control characters (tab, CR, LF, DEL, C1), line and paragraph separators, bidi overrides. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const ONE_LINE = /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]*$/;

/**
 * A window's title for the public ("Database upgrade"): one line that reads as written on a status
 * page, at most 200 characters (the column's CHECK holds the same). null: "Scheduled maintenance".
 */
const PublicTitle = SafeText.trim()
  .min(1)
  .max(200)
  .regex(ONE_LINE, "must be one line without control characters or bidi overrides");

const windowOrder = (w: { starts_at?: string | undefined; ends_at?: string | undefined }) =>
  w.starts_at === undefined || w.ends_at === undefined || Date.parse(w.ends_at) > Date.parse(w.starts_at);

/** POST /v1/orgs/:org_id/maintenance-windows (member). Answer: MaintenanceWindowItem (201). */
export const CreateMaintenanceWindowRequest = z
  .strictObject({
    server_id: Id.nullable().default(null),
    monitor_id: Id.nullable().default(null),
    starts_at: RequestTime,
    ends_at: RequestTime,
    reason: SafeText.trim().max(500).nullable().default(null),
    public_title: PublicTitle.nullable().default(null),
  })
  .refine(windowOrder, { message: "must be after starts_at", path: ["ends_at"] });
export type CreateMaintenanceWindowRequest = z.output<typeof CreateMaintenanceWindowRequest>;

/** PATCH /v1/orgs/:org_id/maintenance-windows/:window_id (member). */
export const UpdateMaintenanceWindowRequest = z
  .strictObject({
    starts_at: RequestTime.optional(),
    ends_at: RequestTime.optional(),
    reason: SafeText.trim().max(500).nullable().optional(),
    public_title: PublicTitle.nullable().optional(),
  })
  .refine(atLeastOneField, NOTHING_TO_UPDATE)
  .refine(windowOrder, { message: "must be after starts_at", path: ["ends_at"] });
export type UpdateMaintenanceWindowRequest = z.infer<typeof UpdateMaintenanceWindowRequest>;
// DELETE /v1/orgs/:org_id/maintenance-windows/:window_id (member): OkResponse.

// ---- status pages --------------------------------------------------------------------------------

export const StatusPageSlug = SafeText.trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$/, "3-64 lower-case letters, digits and -, not at either end");

export const StatusPageItem = z.object({
  id: Id,
  slug: z.string(),
  title: z.string(),
  /** in display order */
  monitor_ids: z.array(Id),
  /** in display order, shown before the monitors */
  server_ids: z.array(Id),
  enabled: z.boolean(),
  created_at: Time,
  updated_at: Time,
});
export type StatusPageItem = z.infer<typeof StatusPageItem>;

/** GET /v1/orgs/:org_id/status-pages (any member). */
export const StatusPageList = z.object({ status_pages: z.array(StatusPageItem) });
export type StatusPageList = z.infer<typeof StatusPageList>;

const MonitorIds = z
  .array(Id)
  .max(100)
  .refine((ids) => new Set(ids).size === ids.length, "monitor ids must not repeat");
const ServerIds = z
  .array(Id)
  .max(100)
  .refine((ids) => new Set(ids).size === ids.length, "server ids must not repeat");

/** POST /v1/orgs/:org_id/status-pages (admin); 409 when the slug is taken. Answer: StatusPageItem (201). */
export const CreateStatusPageRequest = z.strictObject({
  slug: StatusPageSlug,
  title: Text(200),
  monitor_ids: MonitorIds.default([]),
  server_ids: ServerIds.default([]),
  enabled: z.boolean().default(true),
});
export type CreateStatusPageRequest = z.output<typeof CreateStatusPageRequest>;

/** PATCH /v1/orgs/:org_id/status-pages/:page_id (admin). */
export const UpdateStatusPageRequest = z
  .strictObject({
    slug: StatusPageSlug.optional(),
    title: Text(200).optional(),
    monitor_ids: MonitorIds.optional(),
    server_ids: ServerIds.optional(),
    enabled: z.boolean().optional(),
  })
  .refine(atLeastOneField, NOTHING_TO_UPDATE);
export type UpdateStatusPageRequest = z.infer<typeof UpdateStatusPageRequest>;
// DELETE /v1/orgs/:org_id/status-pages/:page_id (admin): OkResponse.

/** "maintenance": a window covering it is in progress and it is not ok (decision 0048). */
export const PublicMonitorStatus = z.enum(["ok", "degraded", "down", "unknown", "maintenance"]);
export type PublicMonitorStatus = z.infer<typeof PublicMonitorStatus>;

/** GET /v1/status/:slug — public, no auth. Only what the page's owner chose to publish: the page
 * title and, per chosen server and monitor (servers first), its name, current status and 90 daily
 * bars (UTC days) with uptime from incident history (time covered by critical incidents), the time
 * in maintenance left out (decision 0048). */
export const PublicStatusPage = z.object({
  slug: z.string(),
  title: z.string(),
  generated_at: Time,
  /** the worst of the monitors' statuses: outage > degraded > unknown > maintenance > operational */
  status: z.enum(["operational", "degraded", "outage", "unknown", "maintenance"]),
  /** days[i] of every monitor is the UTC day from + i days */
  days: z.object({ from: z.iso.date(), count: z.number().int() }),
  /** Maintenance windows not yet ended that cover something on the page, soonest first (at most
   * 50): times, the public title if one was given, and the names of the page's subjects they
   * cover, nothing else (no reason). */
  maintenance: z.array(
    z.object({
      starts_at: Time,
      ends_at: Time,
      public_title: z.string().nullable(),
      in_progress: z.boolean(),
      subjects: z.array(z.string()),
    }),
  ),
  monitors: z.array(
    z.object({
      kind: z.enum(["server", "monitor"]),
      name: z.string(),
      status: PublicMonitorStatus,
      uptime_percent: z.number().nullable(),
      /** uptime_percent: null for a day without time outside maintenance; maintenance_seconds:
       * how much of the day lay in a window covering the subject (rounded up) */
      days: z.array(
        z.object({
          status: BarStatus,
          uptime_percent: z.number().nullable(),
          maintenance_seconds: z.number().int().min(0),
        }),
      ),
    }),
  ),
});
export type PublicStatusPage = z.infer<typeof PublicStatusPage>;

// ---- route table ---------------------------------------------------------------------------------

/**
 * Every route: its endpoint (method, path, success status; dashboard-endpoints.ts, where paths are
 * written once) with the schemas of its body, query and answer. The backend registers and parses
 * from this table; its tests parse every answer with it. Paths are relative to
 * DASHBOARD_API_PREFIX's parent (`/api`); `:org_id` etc. are uuids (400 naming the parameter when not).
 */
export const DASHBOARD_ROUTES = {
  me: { ...E.me, response: Me },
  createOrg: { ...E.createOrg, body: CreateOrgRequest, response: OrgSettings },
  getOrg: { ...E.getOrg, response: OrgSettings },
  updateSettings: { ...E.updateSettings, body: UpdateOrgSettingsRequest, response: OrgSettings },
  summary: { ...E.summary, response: OrgSummary },
  plan: { ...E.plan, response: PlanUsage },
  servers: { ...E.servers, query: ServersQuery, response: ServersOverview },
  server: { ...E.server, response: ServerDetail },
  updateServer: { ...E.updateServer, body: UpdateServerRequest, response: ServerInfo },
  approveServer: { ...E.approveServer, response: ServerInfo },
  deleteServer: { ...E.deleteServer, response: OkResponse },
  metrics: { ...E.metrics, query: MetricsQuery, response: MetricsResponse },
  metricNames: { ...E.metricNames, response: MetricNamesResponse },
  incidents: { ...E.incidents, query: IncidentsQuery, response: IncidentList },
  incident: { ...E.incident, response: IncidentDetail },
  acknowledge: { ...E.acknowledge, response: IncidentItem },
  resolve: { ...E.resolve, response: IncidentItem },
  addIncidentNote: { ...E.addIncidentNote, body: CreateIncidentNoteRequest, response: IncidentNote },
  deleteIncidentNote: { ...E.deleteIncidentNote, response: OkResponse },
  exportIncidents: {
    ...E.exportIncidents,
    query: IncidentsExportQuery,
    response: z.array(IncidentExportRow),
  },
  exportChecks: { ...E.exportChecks, query: ChecksExportQuery, response: z.array(CheckExportRow) },
  exportMetrics: { ...E.exportMetrics, query: MetricsExportQuery, response: z.array(MetricExportRow) },
  orgEvents: { ...E.orgEvents, query: AgentEventsQuery, response: AgentEventList },
  serverEvents: { ...E.serverEvents, query: AgentEventsQuery, response: AgentEventList },
  exportEvents: {
    ...E.exportEvents,
    query: AgentEventsExportQuery,
    response: z.array(AgentEventExportRow),
  },
  apiKeys: { ...E.apiKeys, response: ApiKeyList },
  createApiKey: { ...E.createApiKey, body: CreateApiKeyRequest, response: CreatedApiKey },
  revokeApiKey: { ...E.revokeApiKey, response: ApiKeyItem },
  channels: { ...E.channels, response: ChannelList },
  createChannel: { ...E.createChannel, body: CreateChannelRequest, response: ChannelItem },
  updateChannel: { ...E.updateChannel, body: UpdateChannelRequest, response: ChannelItem },
  deleteChannel: { ...E.deleteChannel, response: OkResponse },
  testChannel: { ...E.testChannel, response: ChannelTestResult },
  alertRules: { ...E.alertRules, response: AlertRuleList },
  createAlertRule: { ...E.createAlertRule, body: CreateAlertRuleRequest, response: AlertRuleItem },
  updateAlertRule: { ...E.updateAlertRule, body: UpdateAlertRuleRequest, response: AlertRuleItem },
  deleteAlertRule: { ...E.deleteAlertRule, response: OkResponse },
  members: { ...E.members, response: MemberList },
  updateMember: { ...E.updateMember, body: UpdateMemberRequest, response: MemberItem },
  removeMember: { ...E.removeMember, response: OkResponse },
  invitations: { ...E.invitations, response: InvitationList },
  createInvitation: { ...E.createInvitation, body: CreateInvitationRequest, response: CreatedInvitation },
  revokeInvitation: { ...E.revokeInvitation, response: OkResponse },
  acceptInvitation: { ...E.acceptInvitation, body: AcceptInvitationRequest, response: AcceptedInvitation },
  probes: { ...E.probes, response: ProbeList },
  createProbe: { ...E.createProbe, body: CreateProbeRequest, response: ProbeItem },
  updateProbe: { ...E.updateProbe, body: UpdateProbeRequest, response: ProbeItem },
  deleteProbe: { ...E.deleteProbe, response: OkResponse },
  testProbe: { ...E.testProbe, body: ProbeTestRequest, response: ProbeTestResult },
  monitor: { ...E.monitor, response: MonitorPage },
  monitorResponseTimes: { ...E.monitorResponseTimes, query: ResponseTimesQuery, response: ResponseTimes },
  monitorResults: { ...E.monitorResults, query: MonitorResultsQuery, response: MonitorResults },
  maintenanceWindows: {
    ...E.maintenanceWindows,
    query: MaintenanceWindowsQuery,
    response: MaintenanceWindowList,
  },
  createMaintenanceWindow: {
    ...E.createMaintenanceWindow,
    body: CreateMaintenanceWindowRequest,
    response: MaintenanceWindowItem,
  },
  updateMaintenanceWindow: {
    ...E.updateMaintenanceWindow,
    body: UpdateMaintenanceWindowRequest,
    response: MaintenanceWindowItem,
  },
  deleteMaintenanceWindow: { ...E.deleteMaintenanceWindow, response: OkResponse },
  statusPages: { ...E.statusPages, response: StatusPageList },
  createStatusPage: { ...E.createStatusPage, body: CreateStatusPageRequest, response: StatusPageItem },
  updateStatusPage: { ...E.updateStatusPage, body: UpdateStatusPageRequest, response: StatusPageItem },
  deleteStatusPage: { ...E.deleteStatusPage, response: OkResponse },
  publicStatusPage: { ...E.publicStatusPage, response: PublicStatusPage },
  monitorConfig: { ...E.monitorConfig, response: ConfigScopeList },
  putMonitorConfig: { ...E.putMonitorConfig, body: PutConfigRequest, response: ConfigScopeItem },
  serverMonitorConfig: { ...E.serverMonitorConfig, response: ServerConfigView },
  putServerTags: { ...E.putServerTags, body: ServerTagsRequest, response: ServerTagsResponse },
  createMonitorTest: { ...E.createMonitorTest, body: CreateMonitorTestRequest, response: MonitorTestRun },
  monitorTest: { ...E.monitorTest, response: MonitorTestRun },
} as const satisfies {
  [K in DashboardEndpointName]: (typeof E)[K] & { body?: z.ZodType; query?: z.ZodType; response: z.ZodType };
};
