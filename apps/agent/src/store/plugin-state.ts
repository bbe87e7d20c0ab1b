/**
 * ctx.state of each monitor: small JSON values a plugin keeps across restarts. Reads come from
 * memory; writes are staged during a collection and committed with its samples, so counters
 * and the data derived from them never disagree after a crash.
 */
import type { SqliteDatabase } from "./sqlite.ts";

export class PluginStates {
  readonly #cache = new Map<string, Map<string, unknown>>();
  readonly #upsert;
  readonly #load;

  constructor(db: SqliteDatabase) {
    this.#upsert = db.prepare<[string, string, string]>(
      "insert into plugin_state (monitor, key, value) values (?, ?, ?) on conflict (monitor, key) do update set value = excluded.value",
    );
    this.#load = db.prepare<[string], { key: string; value: string }>(
      "select key, value from plugin_state where monitor = ?",
    );
  }

  #entries(monitor: string): Map<string, unknown> {
    let entries = this.#cache.get(monitor);
    if (!entries) {
      entries = new Map();
      for (const row of this.#load.all(monitor)) entries.set(row.key, JSON.parse(row.value));
      this.#cache.set(monitor, entries);
    }
    return entries;
  }

  get<T>(monitor: string, key: string): T | undefined {
    return this.#entries(monitor).get(key) as T | undefined;
  }

  /** Writes staged values (call inside the collection's transaction). */
  commit(monitor: string, staged: ReadonlyMap<string, unknown>): void {
    const entries = this.#entries(monitor);
    for (const [key, value] of staged) {
      const json = JSON.stringify(value ?? null);
      this.#upsert.run(monitor, key, json);
      entries.set(key, JSON.parse(json));
    }
  }
}
