import type { Sql, TransactionSql } from "postgres";
import type { IngestBatchesRow } from "../db/rows.ts";
import { AppError } from "../errors.ts";

/** What a batch carries: the kinds ingest_batches' check allows. */
export type BatchKind = IngestBatchesRow["kind"];

/**
 * Whether this batch id was already stored for this server. A replay of the same kind is true
 * (acknowledged, nothing written); a batch id first used by another kind is 409 CONFLICT, because
 * answering `stored: false` would make the agent drop data that was never stored. Called before
 * anything is created for a batch (series, monitors), so a replay with other content creates
 * nothing, and again after an insert found the id taken by a concurrent request.
 */
export async function batchSeen(
  sql: Sql | TransactionSql,
  serverId: string,
  batchId: string,
  kind: BatchKind,
): Promise<boolean> {
  const [row] = await sql<Pick<IngestBatchesRow, "kind">[]>`
    select kind from public.ingest_batches where server_id = ${serverId} and batch_id = ${batchId}`;
  if (!row) return false;
  if (row.kind !== kind) {
    throw new AppError(
      "CONFLICT",
      `batch_id ${batchId} was already used for a ${row.kind} batch of this server; every batch needs its own id`,
      { field: "batch_id" },
    );
  }
  return true;
}
