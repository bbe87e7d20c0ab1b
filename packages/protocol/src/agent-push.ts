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
 * by a short key, the series' index in `series`; a group holds the values of consecutive
 * series, from index `s` on:
 *
 *   "metrics": {
 *     "batch_id": "…",
 *     "series": [["cpu.percent"], ["disk.used_percent", {"mount": "/"}], ["load.1"]],
 *     "at": [{"t": 1795000000000, "s": 0, "v": [12.5, 41, 0.3]},
 *            {"t": 1795000030000, "s": 0, "v": [9]}]
 *   }
 *
 * stands for four samples: cpu.percent 12.5, disk.used_percent{mount="/"} 41 and load.1 0.3 at
 * t, and cpu.percent 9 thirty seconds later. `t` is a Timestamp (epoch milliseconds or ISO);
 * `v[j]` is the value of series `s + j`. Series are numbered in the order the agent met them, so
 * one collection's samples are one run; a timestamp whose series are not consecutive takes one
 * group per run. Names, labels, values and the item limit (LIMITS.maxSamplesPerBatch samples)
 * are those of MetricsBatch; a refused value is named by its place here, e.g. `metrics.at.3.v.1`.
 * The gain over one object per sample is in not repeating a series' name and labels per sample,
 * a timestamp per series, or a key per value: what gzip could not remove (decision 0036).
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
import { EventsBatch } from "./agent-events.ts";
import { Measurement, SafeText, Timestamp } from "./primitives.ts";

/** The combined-push versions this protocol defines. */
export const PUSH_VERSION = 1;

/** The kinds of batch a push carries, in the order the backend stores them. */
export const PUSH_KINDS = ["alerts", "checks", "metrics", "events"] as const;
export type PushKind = (typeof PUSH_KINDS)[number];

const SeriesName = SafeText.min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_.:\-/]+$/, "use letters, digits and _ . : - /");

/** `[name]` or `[name, labels]`: one series, named in the push by its index. */
export const CompactSeries = z.tuple([SeriesName, MetricLabels.optional()]);

export const CompactGroup = z.strictObject({
  t: Timestamp,
  /** The index in `series` of the first value's series. */
  s: z.number().int().min(0).max(LIMITS.maxSamplesPerBatch),
  v: z.array(Measurement).min(1).max(LIMITS.maxSamplesPerBatch),
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
      samples += group.v.length;
      const last = group.s + group.v.length - 1;
      if (last >= metrics.series.length)
        context.addIssue({
          code: "custom",
          path: ["at", index, group.s >= metrics.series.length ? "s" : "v"],
          message: `values for series ${group.s} to ${last}, but series has ${metrics.series.length}`,
        });
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
  /**
   * The outage log's events (decision 0044). A backend older than this part refuses the push
   * with 400 naming `events` (the schema is strict); the agent then leaves events out of its
   * pushes for a while and keeps them buffered, so heartbeats and the other kinds go on.
   */
  events: EventsBatch.omit({ server_id: true }).optional(),
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
    events: IngestResponse.optional(),
  }),
  /** Per kind sent but not taken (see PushRefusal); absent when every part was taken. */
  refused: z
    .object({
      alerts: PushRefusal.optional(),
      checks: PushRefusal.optional(),
      metrics: PushRefusal.optional(),
      events: PushRefusal.optional(),
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
    group.v.forEach((value, j) => {
      const [name, labels] = metrics.series[group.s + j] as CompactSeries;
      samples.push({ ts: group.t, name, ...(labels ? { labels } : {}), value });
    });
  }
  return samples;
}
type CompactSeries = z.infer<typeof CompactSeries>;

/** One group of the wire form: the values of series `s`, `s + 1`, … at `t`. */
interface WireGroup {
  t: number;
  s: number;
  v: number[];
}

/**
 * Wire samples (as the agent buffers them: `{ts, name, labels?, value}`) into compact metrics:
 * one series entry per distinct name and labels, numbered in order of first appearance, and per
 * timestamp one group per run of consecutive series. A series met twice at one timestamp (never
 * by the agent's plugins) goes in a later group of that timestamp, so no sample is lost.
 */
export function compactMetrics(
  batchId: string,
  samples: readonly { ts: number; name: string; labels?: Record<string, string>; value: number }[],
): { batch_id: string; series: [string, Record<string, string>?][]; at: WireGroup[] } {
  const series: [string, Record<string, string>?][] = [];
  const keys = new Map<string, number>();
  // per timestamp, in order of first appearance: layers of series index -> value
  const layers = new Map<number, Map<number, number>[]>();
  for (const sample of samples) {
    const id = sample.labels ? `${sample.name}\u0000${JSON.stringify(sample.labels)}` : sample.name;
    let key = keys.get(id);
    if (key === undefined) {
      key = series.length;
      keys.set(id, key);
      series.push(sample.labels ? [sample.name, sample.labels] : [sample.name]);
    }
    let atTs = layers.get(sample.ts);
    if (!atTs) {
      atTs = [];
      layers.set(sample.ts, atTs);
    }
    let layer = atTs.find((l) => !l.has(key));
    if (!layer) {
      layer = new Map();
      atTs.push(layer);
    }
    layer.set(key, sample.value);
  }
  const at: WireGroup[] = [];
  for (const [t, atTs] of layers) {
    for (const layer of atTs) {
      let group: WireGroup | undefined;
      for (const key of [...layer.keys()].sort((a, b) => a - b)) {
        if (!group || key !== group.s + group.v.length) {
          group = { t, s: key, v: [] };
          at.push(group);
        }
        group.v.push(layer.get(key) as number);
      }
    }
  }
  return { batch_id: batchId, series, at };
}
