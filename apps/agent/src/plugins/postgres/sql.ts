/** The statistics queries the postgres plugin runs, and the row the main one returns. */

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
