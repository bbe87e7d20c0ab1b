/** Options of the `postgres` monitor (the agent plugin apps/agent/src/plugins/postgres/; its README has a sample). */
import { z } from "zod";

const MonitorSuffix = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/, "use letters, digits and _ . -");

export const PostgresCustomQuery = z.strictObject({
  /** Shown as the sub-check `<monitor>:<name>` and as the `query` label of the sample. */
  name: MonitorSuffix.default("custom"),
  /** Runs in a read-only transaction; the first column of the first row must be a number. */
  sql: z.string().min(1),
  warn: z.number().optional(),
  crit: z.number().optional(),
  /** `above` (default): a larger value is worse. `below`: a smaller value is worse. */
  direction: z.enum(["above", "below"]).default("above"),
});
export type PostgresCustomQuery = z.output<typeof PostgresCustomQuery>;

export const PostgresMonitorOptions = z.strictObject({
  /** postgres:// URL, usually `${PG_URL}` so the password stays out of the file. */
  connection: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "connection must be a postgres:// or postgresql:// URL"),
  /** Connections used above this share of max_connections make the check degraded. */
  max_connections_warn_percent: z.number().gt(0).max(100).default(80),
  /** Replicas: degraded when replay lags more than this (unset: report only). */
  replication_lag_warn_seconds: z.number().positive().optional(),
  /** Degraded when a query has been running longer than this (unset: report only). */
  long_query_warn_seconds: z.number().positive().optional(),
  /** `current`: size of the connected database; `all`: every database that accepts connections. */
  database_sizes: z.enum(["current", "all"]).default("current"),
  custom_query: PostgresCustomQuery.optional(),
});
export type PostgresMonitorOptions = z.output<typeof PostgresMonitorOptions>;
