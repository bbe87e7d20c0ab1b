/**
 * Testing an agent monitor before saving it (decision 0045). The dashboard asks for one run of a
 * monitor, as central configuration would write it, on one server; the backend keeps the request
 * until that server's agent claims it (the heartbeat answer says `tests_pending`), the agent
 * validates it exactly as agent.yaml, runs it once with its plugin and posts what it found. The
 * result is shown to whoever asked and nothing else: no check result, no alert, no change to what
 * the agent runs.
 */
import { z } from "zod";
import { CheckStatus, MetricLabels } from "./agent.ts";
import { CentralMonitor, canonicalJson } from "./central-config.ts";
import { Measurement, SafeText } from "./primitives.ts";

export const MONITOR_TEST_LIMITS = {
  /** Requests waiting for one server's agent at once (409 beyond). */
  maxPendingPerServer: 5,
  /** Tests one claim hands out. */
  maxPerClaim: 5,
  /** A request no agent claimed within this long has expired. */
  claimWithinMs: 120_000,
  /** A claimed test with no result this long after the claim has expired too. */
  resultWithinMs: 120_000,
  /** How long the agent lets one test run (its timeout is capped to this). */
  maxRunMs: 30_000,
  /** Kept this long, then deleted. */
  keepMs: 86_400_000,
  maxChecks: 20,
  maxSamples: 20,
  maxMessageChars: 2000,
  /** A monitor to test, as canonical JSON. */
  maxMonitorChars: 16_384,
} as const;

export const MonitorTestStatus = z.enum(["pending", "running", "done", "failed", "expired"]);
export type MonitorTestStatus = z.infer<typeof MonitorTestStatus>;

/**
 * POST …/servers/:server_id/monitor-tests: one monitor, checked like a central configuration's
 * (the plugin's own option schema, no credential in clear), and no larger than one entry needs.
 */
export const CreateMonitorTestRequest = z.strictObject({
  monitor: CentralMonitor.refine(
    (monitor) => canonicalJson(monitor).length <= MONITOR_TEST_LIMITS.maxMonitorChars,
    `a monitor to test is at most ${MONITOR_TEST_LIMITS.maxMonitorChars} characters of JSON`,
  ),
});
export type CreateMonitorTestRequest = z.output<typeof CreateMonitorTestRequest>;

const TestName = SafeText.min(1).max(200);
const Message = SafeText.max(MONITOR_TEST_LIMITS.maxMessageChars);

/** What one run found, as the agent reports it (every text already redacted by the agent). */
export const MonitorTestOutcome = z.strictObject({
  /**
   * The worst check's status; `refused`: the agent's validation refused the monitor (message
   * names the field); `failed`: it could not be run (the plugin threw before any check).
   */
  status: z.enum(["ok", "degraded", "down", "unsupported", "refused", "failed"]),
  message: Message.optional(),
  checks: z
    .array(
      z.strictObject({
        name: TestName,
        status: CheckStatus,
        message: Message.optional(),
        latency_ms: Measurement.min(0).max(3_600_000).optional(),
      }),
    )
    .max(MONITOR_TEST_LIMITS.maxChecks)
    .default([]),
  /** How many samples the run collected, and the first few. */
  samples: z
    .strictObject({
      count: z.number().int().min(0).max(1_000_000),
      first: z
        .array(z.strictObject({ name: TestName, labels: MetricLabels.optional(), value: Measurement }))
        .max(MONITOR_TEST_LIMITS.maxSamples),
    })
    .default({ count: 0, first: [] }),
  duration_ms: z.number().int().min(0).max(3_600_000).default(0),
});
export type MonitorTestOutcome = z.output<typeof MonitorTestOutcome>;

/** A test run as the dashboard reads it. */
export const MonitorTestRun = z.object({
  id: z.string(),
  server_id: z.string(),
  /** The monitor as it was asked for (validated then; a plugin's schema may have changed since). */
  monitor: z.record(z.string(), z.unknown()),
  status: MonitorTestStatus,
  /** The agent's outcome (done, failed) or why there is none (expired). */
  result: MonitorTestOutcome.nullable(),
  /** Why a run expired or failed, in words. */
  reason: z.string().nullable(),
  created_at: z.string(),
  claimed_at: z.string().nullable(),
  finished_at: z.string().nullable(),
});
export type MonitorTestRun = z.output<typeof MonitorTestRun>;

/** POST /agent/monitor-tests/claim: which server asks. */
export const MonitorTestClaimRequest = z.strictObject({ server_id: z.uuid() });
export type MonitorTestClaimRequest = z.output<typeof MonitorTestClaimRequest>;

/** The tests handed to the agent, monitors as written (the agent validates them). */
export const MonitorTestClaim = z.object({
  tests: z.array(z.object({ id: z.uuid(), monitor: z.unknown() })).max(MONITOR_TEST_LIMITS.maxPerClaim),
});
export type MonitorTestClaim = z.output<typeof MonitorTestClaim>;

/** POST /agent/monitor-tests/:test_id/result. */
export const MonitorTestReport = z.strictObject({ server_id: z.uuid(), outcome: MonitorTestOutcome });
export type MonitorTestReport = z.output<typeof MonitorTestReport>;
