/**
 * Batches the backend refused for good, set aside from the outbox so they stop blocking their
 * kind. Each keeps the items as sent and the backend's answer (status, error code,
 * message, field) for a person to inspect with `custos-agent status` or sqlite3; they are never
 * resent. The table is bounded (newest 1,000, 7 days, 16 MB of items: a refused metrics batch
 * can be 4 MB), the per-kind totals in kv are not, so the counts survive the pruning.
 */
import { KV, type Kv } from "./kv.ts";
import { OUTBOX_KINDS, type OutboxKind } from "./outbox.ts";
import type { SqliteDatabase } from "./sqlite.ts";

/** What the backend answered, from its JSON error when it sent one. */
export interface Refusal {
  status: number;
  code: string | null;
  message: string;
  field: string | null;
}

interface RejectedBatch extends Refusal {
  batchId: string;
  kind: OutboxKind;
  items: number;
  rejectedAt: number;
}

interface RejectedKindSummary {
  /** Batches and items set aside since the state database was created. */
  batches: number;
  items: number;
  /** Batches still kept for inspection. */
  kept: number;
  last: RejectedBatch | undefined;
}

export const REJECTED_KEEP = { batches: 1_000, maxAgeMs: 7 * 86_400_000, bytes: 16_000_000 };

type Row = {
  batch_id: string;
  kind: OutboxKind;
  item_count: number;
  status: number;
  code: string | null;
  message: string;
  field: string | null;
  rejected_at: number;
};

export class RejectedBatches {
  readonly #db: SqliteDatabase;
  readonly #kv: Kv;
  /** False on a state database an older agent wrote, opened read-only by `status`. */
  readonly #present: boolean;

  constructor(db: SqliteDatabase, kv: Kv) {
    this.#db = db;
    this.#kv = kv;
    this.#present =
      db.prepare("select 1 from sqlite_master where type = 'table' and name = 'rejected'").get() !==
      undefined;
  }

  /** Sets a batch aside. Call inside the transaction that removes it from the outbox. */
  add(
    batch: { batchId: string; kind: OutboxKind; payloads: readonly string[] },
    refusal: Refusal,
    now: number,
  ) {
    const items = `[${batch.payloads.join(",")}]`;
    this.#db
      .prepare(
        `insert into rejected (batch_id, kind, item_count, items, bytes, status, code, message, field, rejected_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        batch.batchId,
        batch.kind,
        batch.payloads.length,
        items,
        Buffer.byteLength(items),
        refusal.status,
        refusal.code,
        refusal.message,
        refusal.field,
        now,
      );
    const count = batch.payloads.length;
    this.#kv.add(`${KV.rejectedBatchesPrefix}.${batch.kind}`, 1);
    this.#kv.add(`${KV.rejectedItemsPrefix}.${batch.kind}`, count);
    this.#kv.add(KV.rejectedItems, count);
    this.#kv.add(KV.rejectedUnreported, count);
    this.prune(now);
  }

  /** Keeps the newest batches within the bounds; returns how many were deleted. */
  prune(now: number): number {
    if (!this.#present) return 0;
    return this.#db.transaction(() => {
      let deleted = this.#db
        .prepare("delete from rejected where rejected_at < ?")
        .run(now - REJECTED_KEEP.maxAgeMs).changes;
      deleted += this.#db
        .prepare(
          "delete from rejected where id <= (select id from rejected order by id desc limit 1 offset ?)",
        )
        .run(REJECTED_KEEP.batches).changes;
      const total = this.#db
        .prepare<[], { bytes: number | null }>("select sum(bytes) as bytes from rejected")
        .get();
      if ((total?.bytes ?? 0) <= REJECTED_KEEP.bytes) return deleted;
      // the newest batch stays whatever its size: it is the one a person is looking for
      let bytes = 0;
      const sizes = this.#db
        .prepare<[], { id: number; bytes: number }>("select id, bytes from rejected order by id desc")
        .all();
      for (const [index, row] of sizes.entries()) {
        bytes += row.bytes;
        if (index > 0 && bytes > REJECTED_KEEP.bytes) {
          deleted += this.#db.prepare("delete from rejected where id <= ?").run(row.id).changes;
          break;
        }
      }
      return deleted;
    })();
  }

  /** Newest first, without the items. */
  recent(limit: number, kind?: OutboxKind): RejectedBatch[] {
    if (!this.#present) return [];
    const rows = kind
      ? this.#db
          .prepare<[string, number], Row>("select * from rejected where kind = ? order by id desc limit ?")
          .all(kind, limit)
      : this.#db.prepare<[number], Row>("select * from rejected order by id desc limit ?").all(limit);
    return rows.map(view);
  }

  /** The items of a kept batch as sent (a JSON array), for inspection. */
  items(batchId: string): string | undefined {
    if (!this.#present) return undefined;
    return this.#db
      .prepare<[string], { items: string }>("select items from rejected where batch_id = ?")
      .get(batchId)?.items;
  }

  summary(): Record<OutboxKind, RejectedKindSummary> {
    const kept = new Map<string, number>();
    if (this.#present) {
      const rows = this.#db
        .prepare<[], { kind: string; n: number }>("select kind, count(*) as n from rejected group by kind")
        .all();
      for (const row of rows) kept.set(row.kind, row.n);
    }
    const summary = {} as Record<OutboxKind, RejectedKindSummary>;
    for (const kind of OUTBOX_KINDS) {
      summary[kind] = {
        batches: this.#kv.getNumber(`${KV.rejectedBatchesPrefix}.${kind}`) ?? 0,
        items: this.#kv.getNumber(`${KV.rejectedItemsPrefix}.${kind}`) ?? 0,
        kept: kept.get(kind) ?? 0,
        last: this.recent(1, kind)[0],
      };
    }
    return summary;
  }
}

function view(row: Row): RejectedBatch {
  return {
    batchId: row.batch_id,
    kind: row.kind,
    items: row.item_count,
    status: row.status,
    code: row.code,
    message: row.message,
    field: row.field,
    rejectedAt: row.rejected_at,
  };
}
