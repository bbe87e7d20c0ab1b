import type { Sql } from "postgres";

export interface StorageReport {
  samples: number;
  series: number;
  batches: number;
  /** all partitions of metric_samples: heap (+fsm/vm) and indexes */
  samplesHeapBytes: number;
  samplesIndexBytes: number;
  seriesBytes: number;
  batchesBytes: number;
  perSampleSamplesOnly: number;
  perSampleAllIn: number;
  /** heap only, excluding the BRIN index and the free-space/visibility maps */
  perSampleHeapMain: number;
}

/**
 * Bytes on disk per stored sample, indexes included, after VACUUM ANALYZE and a CHECKPOINT.
 * "samples only": every partition of metric_samples; "all in": plus metric_series and
 * ingest_batches (the per-batch idempotency rows), each pg_total_relation_size.
 */
export async function measureStorage(sql: Sql): Promise<StorageReport> {
  await sql`vacuum (analyze) public.metric_samples, public.metric_series, public.ingest_batches`;
  await sql`checkpoint`;
  const [row] = await sql<
    {
      samples: string;
      series: string;
      batches: string;
      heap: string;
      heap_main: string;
      idx: string;
      series_bytes: string;
      batches_bytes: string;
    }[]
  >`
    with parts as (
      select relid from pg_partition_tree('public.metric_samples') where isleaf
    )
    select
      (select count(*) from public.metric_samples) as samples,
      (select count(*) from public.metric_series) as series,
      (select count(*) from public.ingest_batches) as batches,
      (select coalesce(sum(pg_table_size(relid)), 0) from parts) as heap,
      (select coalesce(sum(pg_relation_size(relid)), 0) from parts) as heap_main,
      (select coalesce(sum(pg_indexes_size(relid)), 0) from parts) as idx,
      pg_total_relation_size('public.metric_series') as series_bytes,
      pg_total_relation_size('public.ingest_batches') as batches_bytes`;
  if (!row) throw new Error("storage query returned nothing");
  const samples = Number(row.samples);
  const heap = Number(row.heap);
  const idx = Number(row.idx);
  const seriesBytes = Number(row.series_bytes);
  const batchesBytes = Number(row.batches_bytes);
  return {
    samples,
    series: Number(row.series),
    batches: Number(row.batches),
    samplesHeapBytes: heap,
    samplesIndexBytes: idx,
    seriesBytes,
    batchesBytes,
    perSampleSamplesOnly: (heap + idx) / samples,
    perSampleAllIn: (heap + idx + seriesBytes + batchesBytes) / samples,
    perSampleHeapMain: Number(row.heap_main) / samples,
  };
}

/** pg_stat_statements, when the cluster preloads it: per-statement server-side time. */
export class StatementStats {
  readonly #sql: Sql;
  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async install(): Promise<void> {
    await this.#sql`create extension if not exists pg_stat_statements`;
  }

  async reset(): Promise<void> {
    await this.#sql`select pg_stat_statements_reset()`;
  }

  async top(
    limit = 6,
  ): Promise<{ query: string; calls: number; totalMs: number; meanMs: number; rows: number }[]> {
    const rows = await this.#sql<
      { query: string; calls: string; total: number; mean: number; rows: string }[]
    >`
      select regexp_replace(query, '\\s+', ' ', 'g') as query, calls, total_exec_time as total,
             mean_exec_time as mean, rows
      from pg_stat_statements
      where query not ilike '%pg_stat_activity%' and query not ilike '%pg_stat_statements%'
      order by total_exec_time desc limit ${limit}`;
    return rows.map((r) => ({
      query: r.query,
      calls: Number(r.calls),
      totalMs: r.total,
      meanMs: r.mean,
      rows: Number(r.rows),
    }));
  }
}
