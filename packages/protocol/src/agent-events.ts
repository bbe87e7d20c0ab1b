/**
 * The agent's events on the wire (`POST /api/agent/events`, and the combined push's optional
 * `events` part): the outage log of decision 0044. An event is something that happened once,
 * not a measurement: an internet outage started or ended (ping plugin), the machine rebooted
 * (system plugin). The agent buffers them in its outbox like check results, so an outage, during
 * which the push itself usually fails, reaches the backend once connectivity is back.
 *
 * Each event carries its own id (a uuid the agent draws when it records the event) besides the
 * batch's id: a replayed batch is acknowledged without writing (decision 0004), and an event that
 * travelled in two batches (a batch split after 413) is still stored once.
 */
import { z } from "zod";
import { BatchId, CheckResult, ServerId } from "./agent.ts";
import { SafeText, Timestamp } from "./primitives.ts";

export const AGENT_EVENT_KINDS = ["outage_started", "outage_ended", "reboot"] as const;
export const AgentEventKind = z.enum(AGENT_EVENT_KINDS);
export type AgentEventKind = z.infer<typeof AgentEventKind>;

const DAY_MS = 86_400_000;

export const AGENT_EVENT_LIMITS = {
  maxEventsPerBatch: 200,
  maxMessageLength: 500,
  /** Keys of `data`, each a short identifier. */
  maxDataKeys: 16,
  /** Length of one text in `data`, and items of one list (an outage's ping targets). */
  maxDataText: 255,
  maxDataList: 32,
  /** The longest duration an event may state: longer than the backend keeps events. */
  maxDurationMs: 400 * DAY_MS,
  /** How long the backend keeps an event (maintenance deletes older ones). */
  keepDays: 400,
} as const;

const DataText = SafeText.max(AGENT_EVENT_LIMITS.maxDataText);

/**
 * Details of the event (an outage's `targets`, a reboot's `boot_id`): a flat object of short
 * texts, finite numbers, booleans and lists of texts. Flat on purpose: it is stored as jsonb and
 * shown in the dashboard, and nothing nested is needed for what the plugins report.
 */
export const AgentEventData = z
  .record(
    z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-z_][a-z0-9_]*$/, "keys are lower-case identifiers"),
    z.union([DataText, z.number(), z.boolean(), z.array(DataText).max(AGENT_EVENT_LIMITS.maxDataList)]),
  )
  .refine((data) => Object.keys(data).length <= AGENT_EVENT_LIMITS.maxDataKeys, {
    message: `at most ${AGENT_EVENT_LIMITS.maxDataKeys} keys`,
  });
export type AgentEventData = z.infer<typeof AgentEventData>;

export const AgentEvent = z
  .strictObject({
    /** Drawn by the agent when it recorded the event; the event is stored once per id. */
    id: z.uuid(),
    kind: AgentEventKind,
    /** The monitor that reported it, as configured on the agent ("internet", "system"). */
    monitor: CheckResult.shape.monitor,
    /** When it happened: an outage's start or end, a reboot's boot time. */
    occurred_at: Timestamp,
    /** An outage's start, or for a reboot the previous boot's last sign of life. */
    started_at: Timestamp.optional(),
    /** An outage's end, or for a reboot the boot time. */
    ended_at: Timestamp.optional(),
    /** started_at to ended_at as measured (monotonic clock for an outage within one boot). */
    duration_ms: z.number().int().min(0).max(AGENT_EVENT_LIMITS.maxDurationMs).optional(),
    message: SafeText.min(1).max(AGENT_EVENT_LIMITS.maxMessageLength),
    data: AgentEventData.optional(),
  })
  .superRefine((event, context) => {
    // zod runs this even when a field failed (then it holds the raw input, not a Date)
    const { started_at: start, ended_at: end } = event as { started_at?: unknown; ended_at?: unknown };
    if (start instanceof Date && end instanceof Date && end.getTime() < start.getTime())
      context.addIssue({ code: "custom", path: ["ended_at"], message: "must not be before started_at" });
  });
export type AgentEvent = z.infer<typeof AgentEvent>;

export const EventsBatch = z.strictObject({
  server_id: ServerId,
  batch_id: BatchId,
  events: z.array(AgentEvent).min(1).max(AGENT_EVENT_LIMITS.maxEventsPerBatch),
});
export type EventsBatch = z.infer<typeof EventsBatch>;
