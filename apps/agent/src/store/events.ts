/** One-off events reported by plugins (reboot detected, outage ended, ...), kept 7 days. */
import type { SqliteDatabase } from "./sqlite.ts";

export interface StoredEvent {
  ts: number;
  monitor: string;
  kind: string;
  message: string;
  data: Record<string, unknown> | null;
}

const KEEP_MS = 7 * 86_400_000;

export class Events {
  readonly #insert;
  readonly #recent;
  readonly #prune;

  constructor(db: SqliteDatabase) {
    this.#insert = db.prepare<[number, string, string, string, string | null]>(
      "insert into events (ts, monitor, kind, message, data) values (?, ?, ?, ?, ?)",
    );
    this.#recent = db.prepare<
      [number],
      { ts: number; monitor: string; kind: string; message: string; data: string | null }
    >("select ts, monitor, kind, message, data from events order by id desc limit ?");
    this.#prune = db.prepare<[number]>("delete from events where ts < ?");
  }

  add(event: StoredEvent): void {
    this.#insert.run(
      event.ts,
      event.monitor,
      event.kind,
      event.message,
      event.data ? JSON.stringify(event.data) : null,
    );
  }

  recent(limit: number): StoredEvent[] {
    return this.#recent.all(limit).map((row) => ({ ...row, data: row.data ? JSON.parse(row.data) : null }));
  }

  prune(now: number): void {
    this.#prune.run(now - KEEP_MS);
  }
}
