/**
 * The statistics query and the pure interpretation of its one row. No I/O: the runner in
 * index.ts executes STATS_SQL and hands the row to interpretStats().
 */
import type { CheckStatus, PostgresCustomQuery } from "@custos/protocol";
import type { Sample } from "../types.ts";

/**
 * One row of server statistics. Casts keep every number a JS number (postgres.js returns int8
 * and numeric as strings). Counts are cluster-wide over client backends; the agent's own session
 * counts as a used connection but not as an active query.
 */
export const STATS_SQL = `
select
  current_setting('max_connections')::int as max_connections,
  count(*) filter (where backend_type = 'client backend')::int as connections_used,
  count(*) filter (where backend_type = 'client backend' and state = 'active'
                   and pid <> pg_backend_pid())::int as active,
  count(*) filter (where backend_type = 'client backend'
                   and state in ('idle in transaction', 'idle in transaction (aborted)'))::int as idle_in_transaction,
  coalesce(max(extract(epoch from clock_timestamp() - query_start))
           filter (where backend_type = 'client backend' and state = 'active' and pid <> pg_backend_pid()),
           0)::float8 as longest_query_seconds,
  coalesce(max(extract(epoch from clock_timestamp() - xact_start))
           filter (where backend_type = 'client backend' and pid <> pg_backend_pid()),
           0)::float8 as longest_transaction_seconds,
  pg_is_in_recovery() as in_recovery,
  (case
     when not pg_is_in_recovery() then null
     when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
     else extract(epoch from clock_timestamp() - pg_last_xact_replay_timestamp())
   end)::float8 as replication_lag_seconds,
  current_database() as database,
  pg_database_size(current_database())::float8 as database_size_bytes,
  current_setting('server_version') as server_version,
  ((select rolsuper from pg_roles where rolname = current_user)
   or pg_has_role('pg_read_all_stats', 'member')) as sees_all_sessions
from pg_stat_activity`;

/** Every database that accepts connections (needs CONNECT or pg_read_all_stats, in pg_monitor). */
export const ALL_SIZES_SQL = `
select datname as database, pg_database_size(datname)::float8 as size_bytes
from pg_database where datallowconn order by datname`;

export interface StatsRow {
  max_connections: number;
  connections_used: number;
  active: number;
  idle_in_transaction: number;
  longest_query_seconds: number;
  longest_transaction_seconds: number;
  in_recovery: boolean;
  /** null on a primary; 0 on a replica that has replayed everything it received. */
  replication_lag_seconds: number | null;
  database: string;
  database_size_bytes: number;
  server_version: string;
  sees_all_sessions: boolean;
}

export interface Thresholds {
  max_connections_warn_percent: number;
  replication_lag_warn_seconds?: number;
  long_query_warn_seconds?: number;
}

export interface Interpretation {
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

/**
 * Removes the connection string, its password and any `scheme://user:password@` or
 * `password=...` it can find from a message.
 */
export function redactSecrets(message: string, connection: string): string {
  let text = message;
  const secrets = new Set<string>();
  secrets.add(connection);
  try {
    const url = new URL(connection);
    if (url.password) {
      secrets.add(url.password);
      secrets.add(decodeURIComponent(url.password));
    }
  } catch {
    const keyword = /password\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/i.exec(connection);
    if (keyword?.[1]) secrets.add(keyword[1].replace(/^'|'$/g, ""));
  }
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length >= 3) text = text.split(secret).join("***");
  }
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/gi, "$1***@")
    .replace(/(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)/gi, "$1***");
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
