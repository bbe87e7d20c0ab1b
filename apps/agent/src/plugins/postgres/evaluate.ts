/**
 * Pure interpretation of the statistics row and the custom query's rows (data -> verdict): the
 * samples and the check status against the thresholds. No I/O: the runner in index.ts executes
 * the SQL of sql.ts and hands the rows in here.
 */
import type { CheckStatus, PostgresCustomQuery } from "@custos/protocol";
import type { Sample } from "../types.ts";
import type { StatsRow } from "./sql.ts";

export interface Thresholds {
  max_connections_warn_percent: number;
  replication_lag_warn_seconds?: number;
  long_query_warn_seconds?: number;
}

interface Interpretation {
  samples: Sample[];
  status: CheckStatus;
  message: string;
}

export function interpretStats(row: StatsRow, thresholds: Thresholds): Interpretation {
  const usedPercent =
    row.max_connections > 0 ? round2((row.connections_used / row.max_connections) * 100) : 0;
  const samples: Sample[] = [
    { name: "postgres.up", value: 1 },
    { name: "postgres.connections.used", value: row.connections_used },
    { name: "postgres.connections.max", value: row.max_connections },
    { name: "postgres.connections.used_percent", value: usedPercent },
    { name: "postgres.sessions.active", value: row.active },
    { name: "postgres.sessions.idle_in_transaction", value: row.idle_in_transaction },
    { name: "postgres.longest_query_seconds", value: round2(row.longest_query_seconds) },
    { name: "postgres.longest_transaction_seconds", value: round2(row.longest_transaction_seconds) },
    { name: "postgres.is_replica", value: row.in_recovery ? 1 : 0 },
    {
      name: "postgres.database.size_bytes",
      value: row.database_size_bytes,
      labels: { database: row.database },
    },
  ];
  if (row.in_recovery && row.replication_lag_seconds !== null) {
    samples.push({ name: "postgres.replication_lag_seconds", value: round2(row.replication_lag_seconds) });
  }

  const problems: string[] = [];
  if (usedPercent > thresholds.max_connections_warn_percent) {
    problems.push(
      `connections ${row.connections_used}/${row.max_connections} (${usedPercent}%) above ${thresholds.max_connections_warn_percent}%`,
    );
  }
  const lagLimit = thresholds.replication_lag_warn_seconds;
  if (row.in_recovery && lagLimit !== undefined) {
    if (row.replication_lag_seconds === null) problems.push("replica has not replayed any transaction yet");
    else if (row.replication_lag_seconds > lagLimit) {
      problems.push(`replication lag ${Math.round(row.replication_lag_seconds)}s above ${lagLimit}s`);
    }
  }
  const queryLimit = thresholds.long_query_warn_seconds;
  if (queryLimit !== undefined && row.longest_query_seconds > queryLimit) {
    problems.push(`a query has run ${Math.round(row.longest_query_seconds)}s (limit ${queryLimit}s)`);
  }

  const role = row.in_recovery ? "replica" : "primary";
  const summary = [
    `PostgreSQL ${row.server_version} ${role}`,
    `connections ${row.connections_used}/${row.max_connections}`,
    `${row.active} active`,
    `${row.idle_in_transaction} idle in transaction`,
  ];
  if (row.in_recovery && row.replication_lag_seconds !== null) {
    summary.push(`lag ${round2(row.replication_lag_seconds)}s`);
  }
  if (!row.sees_all_sessions) summary.push("role lacks pg_monitor: other users' sessions are not counted");
  return problems.length > 0
    ? { samples, status: "degraded", message: problems.join("; ") }
    : { samples, status: "ok", message: summary.join(", ") };
}

/** The first column of the first row as a number, or why it is not one. */
export function customValue(rows: readonly Record<string, unknown>[]): number | { error: string } {
  const first = rows[0];
  if (!first) return { error: "the query returned no rows" };
  const [value] = Object.values(first);
  if (typeof value === "bigint") return Number(value);
  const number =
    typeof value === "number"
      ? value
      : typeof value === "string" && value.trim() !== ""
        ? Number(value)
        : Number.NaN;
  if (!Number.isFinite(number))
    return { error: `the first column is not a number (${value === null ? "null" : typeof value})` };
  return number;
}

export function evaluateCustom(
  value: number,
  query: Pick<PostgresCustomQuery, "warn" | "crit" | "direction">,
): CheckStatus {
  const worse = (limit: number | undefined) =>
    limit !== undefined && (query.direction === "below" ? value < limit : value > limit);
  if (worse(query.crit)) return "down";
  if (worse(query.warn)) return "degraded";
  return "ok";
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
