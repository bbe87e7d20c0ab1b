/**
 * The store-and-forward queue. Items (one JSON wire object each) wait in `outbox` until the
 * backend acknowledged the batch that carried them. A batch is formed once, oldest rows first,
 * and keeps its id until acknowledged, so a resend after a crash is recognised as a replay.
 * Caps by age and by bytes drop the oldest samples and check results first (never alert
 * reports or outage-log events) and count them for the next heartbeat. Events have their own
 * bound instead: older than the backend's data window, they could only be refused.
 */
import { randomUUID } from "node:crypto";
import { AGENT_EVENT_LIMITS, LIMITS } from "@custos/protocol";
import { KV, type Kv } from "./kv.ts";
import type { Refusal, RejectedBatches } from "./rejected.ts";
import type { SqliteDatabase } from "./sqlite.ts";

export type OutboxKind = "metrics" | "checks" | "alerts" | "events";
export const OUTBOX_KINDS: readonly OutboxKind[] = ["alerts", "events", "checks", "metrics"];
/** Kinds the caps never drop: few, small, and each one matters (an alert report, an outage). */
const UNCAPPED = "('alerts', 'events')";
/**
 * Events are dropped once older than the backend's data window (7 days, less an hour of slack),
 * which would refuse them and the batch they are in; checked at most this often.
 */
const EVENT_MAX_AGE_MS = LIMITS.maxSampleAgeMs - 3_600_000;
const EVENT_PRUNE_EVERY_MS = 3_600_000;

const BATCH_ITEM_LIMITS: Record<OutboxKind, number> = {
  metrics: LIMITS.maxSamplesPerBatch,
  checks: LIMITS.maxChecksPerBatch,
  alerts: LIMITS.maxAlertsPerBatch,
  events: AGENT_EVENT_LIMITS.maxEventsPerBatch,
};
/** Uncompressed JSON per batch, well under the backend's inflated-body limit. */
const MAX_BATCH_PAYLOAD_BYTES = 4_000_000;
const CAP_CHUNK = 1_000;

export interface OutgoingBatch {
  batchId: string;
  kind: OutboxKind;
  payloads: string[];
  attempts: number;
}

export interface OutboxCaps {
  maxAgeMs: number;
  maxBytes: number;
}

interface OutboxDepth {
  items: Record<OutboxKind, number>;
  /** Bytes of pending samples and check results (what the byte cap counts). */
  bytes: number;
  /** Enqueue time of the oldest pending item, if any. */
  oldestEnqueuedAt: number | undefined;
  batchesInFlight: number;
}

type Row = { seq: number; payload: string; bytes: number };

function capped(kind: string): boolean {
  return kind !== "alerts" && kind !== "events";
}

export class Outbox {
  readonly #db: SqliteDatabase;
  readonly #kv: Kv;
  readonly #rejected: RejectedBatches;
  #caps: OutboxCaps;
  #bytes: number;
  #lastEventPrune = Number.NEGATIVE_INFINITY;
  readonly #q;

  constructor(db: SqliteDatabase, kv: Kv, rejected: RejectedBatches, caps: OutboxCaps) {
    this.#db = db;
    this.#kv = kv;
    this.#rejected = rejected;
    this.#caps = caps;
    this.#q = {
      insert: db.prepare<[string, string, number, number]>(
        "insert into outbox (kind, payload, enqueued_at, bytes) values (?, ?, ?, ?)",
      ),
      firstBatch: db.prepare<[string], { batch_id: string; attempts: number }>(
        "select batch_id, attempts from batches where kind = ? order by first_seq limit 1",
      ),
      rowsOfBatch: db.prepare<[string], Row>(
        "select seq, payload, bytes from outbox where batch_id = ? order by seq",
      ),
      pending: db.prepare<[string, number], Row>(
        "select seq, payload, bytes from outbox where kind = ? and batch_id is null order by seq limit ?",
      ),
      assign: db.prepare<[string, string, number, number]>(
        "update outbox set batch_id = ? where kind = ? and batch_id is null and seq between ? and ?",
      ),
      reassign: db.prepare<[string, string, number, number]>(
        "update outbox set batch_id = ? where batch_id = ? and seq between ? and ?",
      ),
      insertBatch: db.prepare<[string, string, number, number, number]>(
        "insert into batches (batch_id, kind, first_seq, item_count, created_at) values (?, ?, ?, ?, ?)",
      ),
      deleteBatch: db.prepare<[string]>("delete from batches where batch_id = ?"),
      attempt: db.prepare<[string]>("update batches set attempts = attempts + 1 where batch_id = ?"),
      deleteRowsOfBatch: db.prepare<[string]>("delete from outbox where batch_id = ?"),
      bytesOfBatch: db.prepare<[string], { kind: string; bytes: number | null }>(
        "select kind, sum(bytes) as bytes from outbox where batch_id = ? group by kind",
      ),
      oldestCapped: db.prepare<[number], { seq: number; enqueued_at: number; bytes: number }>(
        `select seq, enqueued_at, bytes from outbox where kind not in ${UNCAPPED} order by seq limit ?`,
      ),
      deleteCappedUpTo: db.prepare<[number]>(`delete from outbox where kind not in ${UNCAPPED} and seq <= ?`),
      deleteEmptyBatches: db.prepare(
        "delete from batches where not exists (select 1 from outbox o where o.batch_id = batches.batch_id)",
      ),
      cappedBytes: db.prepare<[], { bytes: number | null }>(
        `select sum(bytes) as bytes from outbox where kind not in ${UNCAPPED}`,
      ),
      depth: db.prepare<[], { kind: OutboxKind; n: number; bytes: number | null; oldest: number | null }>(
        "select kind, count(*) as n, sum(bytes) as bytes, min(enqueued_at) as oldest from outbox group by kind",
      ),
      batchCount: db.prepare<[], { n: number }>("select count(*) as n from batches"),
      deleteStaleEvents: db.prepare<[number]>("delete from outbox where kind = 'events' and enqueued_at < ?"),
    };
    this.#bytes = this.#q.cappedBytes.get()?.bytes ?? 0;
  }

  setCaps(caps: OutboxCaps): void {
    this.#caps = caps;
  }

  /** Appends items (already serialised wire objects). Call inside the caller's transaction. */
  enqueue(kind: OutboxKind, payloads: readonly string[], now: number): void {
    for (const payload of payloads) {
      const bytes = Buffer.byteLength(payload);
      this.#q.insert.run(kind, payload, now, bytes);
      if (capped(kind)) this.#bytes += bytes;
    }
  }

  /** Drops the oldest samples and check results beyond the caps; returns how many. */
  enforceCaps(now: number): number {
    this.#pruneStaleEvents(now);
    const cutoff = now - this.#caps.maxAgeMs;
    // Drop a little below the byte cap so a full buffer does not delete on every insert.
    const target = Math.floor(this.#caps.maxBytes * 0.99);
    let overBytes = this.#bytes > this.#caps.maxBytes;
    const head = this.#q.oldestCapped.get(1);
    if (!head || (!overBytes && head.enqueued_at >= cutoff)) return 0;
    return this.#db.transaction(() => {
      let dropped = 0;
      for (let round = 0; round < 100_000; round++) {
        const rows = this.#q.oldestCapped.all(CAP_CHUNK);
        let lastSeq: number | undefined;
        let count = 0;
        for (const row of rows) {
          if (overBytes && this.#bytes <= target) overBytes = false;
          if (!overBytes && row.enqueued_at >= cutoff) break;
          lastSeq = row.seq;
          count++;
          this.#bytes -= row.bytes;
        }
        if (lastSeq !== undefined) this.#q.deleteCappedUpTo.run(lastSeq);
        dropped += count;
        if (count < rows.length || rows.length < CAP_CHUNK) break;
      }
      if (dropped > 0) {
        this.#q.deleteEmptyBatches.run();
        this.#kv.add(KV.droppedSamples, dropped);
      }
      return dropped;
    })();
  }

  /** Events the backend would refuse as too old go (rarely needed: only a backend gone for a week). */
  #pruneStaleEvents(now: number): void {
    if (now - this.#lastEventPrune < EVENT_PRUNE_EVERY_MS) return;
    this.#lastEventPrune = now;
    this.#db.transaction(() => {
      const result = this.#q.deleteStaleEvents.run(now - EVENT_MAX_AGE_MS);
      if (result.changes === 0) return;
      this.#q.deleteEmptyBatches.run();
      this.#kv.add(KV.droppedSamples, result.changes);
    })();
  }

  /** The oldest batch of `kind` to send: one formed earlier (same id), else a new one. */
  nextBatch(kind: OutboxKind, now: number): OutgoingBatch | undefined {
    return this.#db.transaction(() => {
      for (let guard = 0; guard < 1_000; guard++) {
        const formed = this.#q.firstBatch.get(kind);
        if (!formed) break;
        const rows = this.#q.rowsOfBatch.all(formed.batch_id);
        if (rows.length > 0) {
          return {
            batchId: formed.batch_id,
            kind,
            payloads: rows.map((r) => r.payload),
            attempts: formed.attempts,
          };
        }
        this.#q.deleteBatch.run(formed.batch_id);
      }
      const candidates = this.#q.pending.all(kind, BATCH_ITEM_LIMITS[kind]);
      const rows: Row[] = [];
      let bytes = 0;
      for (const row of candidates) {
        if (rows.length > 0 && bytes + row.bytes > MAX_BATCH_PAYLOAD_BYTES) break;
        rows.push(row);
        bytes += row.bytes;
      }
      const first = rows[0];
      const last = rows[rows.length - 1];
      if (!first || !last) return undefined;
      const batchId = randomUUID();
      this.#q.assign.run(batchId, kind, first.seq, last.seq);
      this.#q.insertBatch.run(batchId, kind, first.seq, rows.length, now);
      return { batchId, kind, payloads: rows.map((r) => r.payload), attempts: 0 };
    })();
  }

  markAttempt(batchId: string): void {
    this.#q.attempt.run(batchId);
  }

  /** The backend acknowledged the batch: its rows are deleted. Returns the item count. */
  acknowledge(batchId: string): number {
    return this.#remove(batchId);
  }

  /**
   * The backend can never accept this batch (400, or one item too large): it moves to the
   * `rejected` table with the answer, so the batches behind it can go. Returns the item count.
   */
  setAside(batchId: string, refusal: Refusal, now: number): number {
    return this.#db.transaction(() => {
      const formed = this.#db
        .prepare<[string], { kind: OutboxKind }>("select kind from batches where batch_id = ?")
        .get(batchId);
      if (!formed) return 0;
      const payloads = this.#q.rowsOfBatch.all(batchId).map((r) => r.payload);
      this.#rejected.add({ batchId, kind: formed.kind, payloads }, refusal, now);
      return this.#remove(batchId);
    })();
  }

  #remove(batchId: string): number {
    return this.#db.transaction(() => {
      const sizes = this.#q.bytesOfBatch.all(batchId);
      const result = this.#q.deleteRowsOfBatch.run(batchId);
      this.#q.deleteBatch.run(batchId);
      for (const size of sizes) if (capped(size.kind)) this.#bytes -= size.bytes ?? 0;
      return result.changes;
    })();
  }

  /**
   * The backend said 413: the batch becomes two batches with new ids (it was never stored).
   * Returns false for a single item, which can only be rejected.
   */
  split(batchId: string, now: number): boolean {
    return this.#db.transaction(() => {
      const formed = this.#db
        .prepare<[string], { kind: string }>("select kind from batches where batch_id = ?")
        .get(batchId);
      const rows = this.#q.rowsOfBatch.all(batchId);
      if (!formed || rows.length < 2) return false;
      const half = Math.ceil(rows.length / 2);
      const parts = [rows.slice(0, half), rows.slice(half)];
      for (const part of parts) {
        const first = part[0];
        const last = part[part.length - 1];
        if (!first || !last) continue;
        const id = randomUUID();
        this.#q.reassign.run(id, batchId, first.seq, last.seq);
        this.#q.insertBatch.run(id, formed.kind, first.seq, part.length, now);
      }
      this.#q.deleteBatch.run(batchId);
      return true;
    })();
  }

  /** Bytes the byte cap counts, as tracked by this process. */
  bufferedBytes(): number {
    return this.#bytes;
  }

  depth(): OutboxDepth {
    const items: Record<OutboxKind, number> = { metrics: 0, checks: 0, alerts: 0, events: 0 };
    let bytes = 0;
    let oldest: number | undefined;
    for (const row of this.#q.depth.all()) {
      items[row.kind] = row.n;
      if (capped(row.kind)) bytes += row.bytes ?? 0;
      if (row.oldest !== null) oldest = oldest === undefined ? row.oldest : Math.min(oldest, row.oldest);
    }
    return { items, bytes, oldestEnqueuedAt: oldest, batchesInFlight: this.#q.batchCount.get()?.n ?? 0 };
  }
}
