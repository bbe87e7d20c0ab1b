/**
 * The metrics behind a server's headline values (the servers overview, the server page, the first
 * charts): the system plugin sends them under these names, the rollup refresh keeps the newest
 * value of each in metric_latest and server_vitals, the API reads those, the dashboard draws them.
 * SQL cannot import this: private.refresh_rollups (supabase/migrations/20261122000900_rollups.sql)
 * spells the names out, and packages/backend/test/dashboard/rollups.test.ts compares them with
 * these. Plain strings, no zod, so the browser bundle stays small.
 */
export const OVERVIEW_METRICS = {
  cpu: "cpu.percent",
  memory: "memory.used_percent",
  /** One series per mount; the overview shows the fullest. */
  disk: "disk.used_percent",
  load1: "load.1",
} as const;

/** The names in the order of the rollup refresh's `latest_names`. */
export const OVERVIEW_METRIC_NAMES = [
  OVERVIEW_METRICS.cpu,
  OVERVIEW_METRICS.memory,
  OVERVIEW_METRICS.disk,
  OVERVIEW_METRICS.load1,
] as const;
