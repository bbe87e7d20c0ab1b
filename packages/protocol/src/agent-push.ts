/**
 * The combined agent push (`POST /api/agent/push`, decision 0036): one request carries the
 * heartbeat and one batch of each kind the agent sends on a schedule (alert reports, check
 * results, metric samples), so a quiet agent makes one request a minute instead of five.
 *
 * Versioned by the body's `v` (1 today): a backend refuses a `v` it does not know with 400
 * naming `v`, and a backend older than this route answers 404, upon which agents use the
 * single-kind routes of agent.ts, which stay as they are.
 *
 * Each batch keeps its own `batch_id` and is stored once per id exactly as on its own route
 * (decision 0004): a retried push stores nothing twice. Every part is optional except `v` and
 * `server_id`; a push of only a heartbeat is a heartbeat, a push without one (the agent
 * draining a backlog) records no liveness.
 *
 * Compact metrics encoding (`metrics`): samples are grouped by timestamp and name their series
 * by a short key, the series' index in `series`:
 *
 *   "metrics": {
 *     "batch_id": "…",
 *     "series": [["cpu.percent"], ["disk.used_percent", {"mount": "/"}]],
 *     "at": [{"t": 1795000000000, "v": {"0": 12.5, "1": 41}},
 *            {"t": 1795000030000, "v": {"0": 9}}]
 *   }
 *
 * stands for three samples: cpu.percent 12.5 and disk.used_percent{mount="/"} 41 at t, and
 * cpu.percent 9 thirty seconds later. `t` is a Timestamp (epoch milliseconds or ISO); each
 * `v` maps series keys (decimal indexes into `series`, no leading zeros) to values. Names,
 * labels, values and the item limit (LIMITS.maxSamplesPerBatch samples) are those of
 * MetricsBatch; a refused value is named by its place here, e.g. `metrics.at.3.v.1`.
 * Readable keys stay readable: the gain is in not repeating a series' name and labels per
 * sample and a timestamp per series, which is what gzip could not remove.
 */
import { z } from "zod";
import {
  AlertsBatch,
  BatchId,
  ChecksBatch,
  HeartbeatRequest,
  HeartbeatResponse,
  IngestResponse,
  LIMITS,
  MetricLabels,
  ServerId,
} from "./agent.ts";
import { Measurement, SafeText, Timestamp } from "./primitives.ts";

/** The combined-push versions this protocol defines. */
export const PUSH_VERSION = 1;

/** The kinds of batch a push carries, in the order the backend stores them. */
export const PUSH_KINDS = ["alerts", "checks", "metrics"] as const;
export type PushKind = (typeof PUSH_KINDS)[number];

const SeriesName = SafeText.min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_.:\-/]+$/, "use letters, digits and _ . : - /");

/** `[name]` or `[name, labels]`: one series, named in the push by its index. */
export const CompactSeries = z.tuple([SeriesName, MetricLabels.optional()]);

/** A decimal index into `series`, without leading zeros: "0", "17". */
const SeriesKey = z.string().regex(/^(0|[1-9][0-9]{0,5})$/, "a series key is its index in series");

export const CompactGroup = z.strictObject({
  t: Timestamp,
  v: z
    .record(SeriesKey, Measurement)
    .refine((values) => Object.keys(values).length > 0, "at least one value"),
});

export const CompactMetrics = z
  .strictObject({
    batch_id: BatchId,
    series: z.array(CompactSeries).min(1).max(LIMITS.maxSamplesPerBatch),
    at: z.array(CompactGroup).min(1).max(LIMITS.maxSamplesPerBatch),
  })
  .superRefine((metrics, context) => {
    let samples = 0;
    metrics.at.forEach((group, index) => {
      for (const key of Object.keys(group.v)) {
        samples++;
        if (Number(key) >= metrics.series.length)
          context.addIssue({
            code: "custom",
            path: ["at", index, "v", key],
            message: `no series ${key}: series has ${metrics.series.length}`,
          });
      }
    });
    if (samples > LIMITS.maxSamplesPerBatch)
      context.addIssue({
        code: "custom",
        path: ["at"],
        message: `at most ${LIMITS.maxSamplesPerBatch} samples in one batch, got ${samples}`,
      });
  });
export type CompactMetrics = z.infer<typeof CompactMetrics>;

export const PushRequest = z.strictObject({
  v: z.literal(PUSH_VERSION, { error: `unsupported push version; this backend knows v ${PUSH_VERSION}` }),
  server_id: ServerId,
  heartbeat: HeartbeatRequest.omit({ server_id: true }).optional(),
  alerts: AlertsBatch.omit({ server_id: true }).optional(),
  checks: ChecksBatch.omit({ server_id: true }).optional(),
  metrics: CompactMetrics.optional(),
});
export type PushRequest = z.infer<typeof PushRequest>;

/**
 * A batch the backend took no decision on because of the server's state rather than the
 * body's shape (the server awaits approval, the batch id was used by another kind): the
 * status and error that batch would have had on its own route. The other parts went in.
 */
export const PushRefusal = z.object({
  status: z.number().int(),
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }),
});
export type PushRefusal = z.infer<typeof PushRefusal>;

export const PushResponse = z.object({
  ok: z.literal(true),
  v: z.literal(PUSH_VERSION),
  /** The heartbeat's answer exactly as /agent/heartbeat gives it; present when one was sent. */
  heartbeat: HeartbeatResponse.loose().optional(),
  /** Per kind sent and taken: the same acknowledgement as the kind's own route. */
  acks: z.object({
    alerts: IngestResponse.optional(),
    checks: IngestResponse.optional(),
    metrics: IngestResponse.optional(),
  }),
  /** Per kind sent but not taken (see PushRefusal); absent when every part was taken. */
  refused: z
    .object({
      alerts: PushRefusal.optional(),
      checks: PushRefusal.optional(),
      metrics: PushRefusal.optional(),
    })
    .optional(),
});
export type PushResponse = z.infer<typeof PushResponse>;

/** Compact metrics back into the samples of a MetricsBatch (the backend's one ingest path). */
export function expandCompactMetrics(
  metrics: CompactMetrics,
): { ts: Date; name: string; labels?: Record<string, string>; value: number }[] {
  const samples: { ts: Date; name: string; labels?: Record<string, string>; value: number }[] = [];
  for (const group of metrics.at) {
    for (const [key, value] of Object.entries(group.v)) {
      const [name, labels] = metrics.series[Number(key)] as CompactSeries;
      samples.push({ ts: group.t, name, ...(labels ? { labels } : {}), value });
    }
  }
  return samples;
}
type CompactSeries = z.infer<typeof CompactSeries>;

/**
 * Wire samples (as the agent buffers them: `{ts, name, labels?, value}`) into compact metrics:
 * one series entry per distinct name and labels, one group per distinct timestamp, in order of
 * first appearance. A series met twice at one timestamp (never by the agent's plugins) starts
 * a second group for that timestamp, so no sample is lost.
 */
export function compactMetrics(
  batchId: string,
  samples: readonly { ts: number; name: string; labels?: Record<string, string>; value: number }[],
): {
  batch_id: string;
  series: [string, Record<string, string>?][];
  at: { t: number; v: Record<string, number> }[];
} {
  const series: [string, Record<string, string>?][] = [];
  const keys = new Map<string, number>();
  const at: { t: number; v: Record<string, number> }[] = [];
  const groupOf = new Map<number, { t: number; v: Record<string, number> }>();
  for (const sample of samples) {
    const id = sample.labels ? `${sample.name}\u0000${JSON.stringify(sample.labels)}` : sample.name;
    let key = keys.get(id);
    if (key === undefined) {
      key = series.length;
      keys.set(id, key);
      series.push(sample.labels ? [sample.name, sample.labels] : [sample.name]);
    }
    let group = groupOf.get(sample.ts);
    if (!group || String(key) in group.v) {
      group = { t: sample.ts, v: {} };
      groupOf.set(sample.ts, group);
      at.push(group);
    }
    group.v[key] = sample.value;
  }
  return { batch_id: batchId, series, at };
}
