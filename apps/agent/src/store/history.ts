/** Per-minute averages of every series for the local dashboard's 24 h charts. */
import type { SqliteDatabase } from "./sqlite.ts";

const HISTORY_BUCKET_MS = 60_000;
export const HISTORY_KEEP_MS = 86_400_000;

interface HistoryPoint {
  bucket: number;
  value: number;
}

export class History {
  readonly #add;
  readonly #series;
  readonly #points;
  readonly #prune;

  constructor(db: SqliteDatabase) {
    this.#add = db.prepare<[string, number, number]>(
      `insert into history (series, bucket, sum, count) values (?, ?, ?, 1)
       on conflict (series, bucket) do update set sum = sum + excluded.sum, count = count + 1`,
    );
    this.#series = db.prepare<[number], { series: string }>(
      "select distinct series from history where bucket >= ? order by series",
    );
    this.#points = db.prepare<[string, number], { bucket: number; value: number }>(
      "select bucket, sum / count as value from history where series = ? and bucket >= ? order by bucket",
    );
    this.#prune = db.prepare<[number]>("delete from history where bucket < ?");
  }

  add(series: string, ts: number, value: number): void {
    this.#add.run(series, ts - (ts % HISTORY_BUCKET_MS), value);
  }

  seriesSince(since: number): string[] {
    return this.#series.all(since).map((row) => row.series);
  }

  points(series: string, since: number): HistoryPoint[] {
    return this.#points.all(series, since);
  }

  prune(now: number): void {
    this.#prune.run(now - HISTORY_KEEP_MS);
  }
}

/** `cpu_percent{core="0",host="a"}`: a series key with labels sorted. */
export function seriesKey(name: string, labels?: Record<string, string>): string {
  if (!labels) return name;
  const keys = Object.keys(labels).sort();
  if (keys.length === 0) return name;
  return `${name}{${keys.map((key) => `${key}=${JSON.stringify(labels[key])}`).join(",")}}`;
}
