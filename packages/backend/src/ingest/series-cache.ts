import type { Sql } from "postgres";
import { setBounded } from "../bounded-map.ts";
import type { MetricSeriesRow } from "../db/rows.ts";

/** Canonical form of a label set: keys sorted, so {a,b} and {b,a} are one series. */
export function canonicalLabels(labels: Record<string, string> | undefined): string {
  if (!labels) return "{}";
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return "{}";
  return JSON.stringify(Object.fromEntries(keys.map((k) => [k, labels[k]])));
}

/**
 * (server, metric name, labels) -> metric_series.id. A server's series set is small and stable,
 * so after the first batch every lookup is a map hit and ingest is one INSERT.
 */
export class SeriesCache {
  readonly #ids = new Map<string, number>();
  readonly #max: number;
  /**
   * 250,000 entries of ~150 bytes (key string and Map slot) is ~40 MB: 1,000 servers with 250
   * series each. Beyond that the oldest entries go and their next batch looks them up again.
   */
  constructor(maxEntries = 250_000) {
    this.#max = maxEntries;
  }

  async resolve(
    sql: Sql,
    orgId: string,
    serverId: string,
    keys: { name: string; labels: string }[],
  ): Promise<number[]> {
    const ids: (number | undefined)[] = keys.map((k) => this.#ids.get(cacheKey(serverId, k.name, k.labels)));
    const missing = new Map<string, { name: string; labels: string }>();
    keys.forEach((k, i) => {
      if (ids[i] === undefined) missing.set(cacheKey(serverId, k.name, k.labels), k);
    });
    if (missing.size > 0) {
      const names = [...missing.values()].map((m) => m.name);
      const labels = [...missing.values()].map((m) => m.labels);
      // insert what is new, then read all of them (do nothing + select avoids dead tuples)
      await sql`
        insert into public.metric_series (org_id, server_id, name, labels)
        select ${orgId}, ${serverId}, n, l::jsonb from unnest(${names}::text[], ${labels}::text[]) as t(n, l)
        on conflict (server_id, name, labels) do nothing`;
      const rows = await sql<(Pick<MetricSeriesRow, "id" | "name"> & { labels: Record<string, string> })[]>`
        select s.id, s.name, s.labels from public.metric_series s
        join unnest(${names}::text[], ${labels}::text[]) as t(n, l) on s.name = t.n and s.labels = t.l::jsonb
        where s.server_id = ${serverId}`;
      const found = new Map(
        rows.map((row) => [cacheKey(serverId, row.name, canonicalLabels(row.labels)), row.id]),
      );
      keys.forEach((k, i) => {
        if (ids[i] === undefined) ids[i] = found.get(cacheKey(serverId, k.name, k.labels));
      });
      for (const [key, id] of found) setBounded(this.#ids, key, id, this.#max);
    }
    return ids.map((id) => {
      if (id === undefined) throw new Error("metric series could not be resolved");
      return id;
    });
  }

  /** Whether resolving these keys would have to look up (and maybe create) series. */
  hasMissing(serverId: string, keys: { name: string; labels: string }[]): boolean {
    return keys.some((k) => !this.#ids.has(cacheKey(serverId, k.name, k.labels)));
  }

  forgetServer(serverId: string): void {
    for (const key of this.#ids.keys()) if (key.startsWith(`${serverId}\u0000`)) this.#ids.delete(key);
  }
}

function cacheKey(serverId: string, name: string, labels: string): string {
  return `${serverId}\u0000${name}\u0000${labels}`;
}
