import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { freePort } from "./ports.ts";
import { createTestDatabase, type PostgresCluster, startPostgres } from "./postgres.ts";

const run = promisify(execFile);
const CLI = fileURLToPath(new URL("../../../apps/server/src/cli.ts", import.meta.url));
/** The V8 flags custos-server runs with everywhere (apps/server/node-flags.json). */
const NODE_FLAGS = JSON.parse(
  readFileSync(fileURLToPath(new URL("../../../apps/server/node-flags.json", import.meta.url)), "utf8"),
) as string[];

export interface CustosServerHandle {
  /** Base URL: agents call `${url}/functions/v1/api/agent/...`. */
  url: string;
  port: number;
  databaseUrl: string;
  /** Everything the server printed (JSON log lines), for assertions and debugging. */
  output(): string;
  createOrg(name: string, options?: { requireApproval?: boolean }): Promise<string>;
  createKey(orgId: string, scope: "agent" | "read"): Promise<string>;
  /** SIGTERM and wait for a clean exit. */
  stop(): Promise<number | null>;
  /** Start again on the same port and database. */
  start(): Promise<void>;
  /** SIGKILL, no cleanup. */
  kill(): Promise<void>;
  /** Stop the server and, if this handle started one, its PostgreSQL. */
  close(): Promise<void>;
}

/**
 * A real custos-server process (the same CLI users run) on a fresh migrated database, on
 * loopback. Pass `adminUrl` to share a cluster (e.g. vitest's inject("pgAdminUrl")); otherwise
 * an embedded PostgreSQL is started for this handle.
 */
export async function startCustosServer(
  options: {
    adminUrl?: string;
    env?: Record<string, string>;
    /**
     * Use this database as it is (e.g. an empty one, to test first start) instead of a migrated
     * copy; "" with `env.CUSTOS_DATA_DIR` runs the server's own embedded PostgreSQL.
     */
    databaseUrl?: string;
  } = {},
): Promise<CustosServerHandle> {
  let cluster: PostgresCluster | undefined;
  let databaseUrl = options.databaseUrl;
  if (databaseUrl === undefined) {
    let adminUrl = options.adminUrl;
    if (!adminUrl) {
      cluster = await startPostgres();
      const { prepareTemplate } = await import("./postgres.ts");
      await prepareTemplate(cluster);
      adminUrl = cluster.adminUrl;
    }
    databaseUrl = await createTestDatabase(adminUrl, "srv");
  }
  const port = await freePort();
  // Its own data directory (the auth signing key is kept there), removed on close; the default
  // `.custos` in the test's working directory would carry one run's key into the next.
  const dataDir =
    options.env?.CUSTOS_DATA_DIR === undefined ? mkdtempSync(join(tmpdir(), "custos-srv-data-")) : undefined;
  const env = {
    ...process.env,
    ...(dataDir ? { CUSTOS_DATA_DIR: dataDir } : {}),
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOST: "127.0.0.1",
    CUSTOS_LOG: "info",
    CUSTOS_API_KEY_CACHE_SECONDS: "1",
    // Tests sign up many users on one server; the self-hosted default (invite-only) would refuse
    // all but the first. Tests of the sign-up policy pass CUSTOS_SIGNUPS in `env` themselves.
    CUSTOS_SIGNUPS: "open",
    ...options.env,
  };
  let child: ChildProcess | undefined;
  let out = "";

  async function start() {
    const proc = spawn(process.execPath, [...NODE_FLAGS, CLI, "start"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = proc;
    proc.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    proc.stderr?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    // 60 s: a first start on an empty database applies every migration
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`custos-server exited with ${proc.exitCode}:\n${out}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    proc.kill("SIGKILL");
    throw new Error(`custos-server did not become healthy in 60 s:\n${out}`);
  }

  function waitExit(proc: ChildProcess): Promise<number | null> {
    if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(proc.exitCode);
    return new Promise((resolve) => proc.once("exit", (code) => resolve(code)));
  }

  async function admin(args: string[]): Promise<string> {
    const { stdout } = await run(process.execPath, [CLI, "admin", ...args], { env });
    return stdout.trim();
  }

  await start();
  const handle: CustosServerHandle = {
    url: `http://127.0.0.1:${port}`,
    port,
    databaseUrl,
    output: () => out,
    createOrg: (name, o = {}) =>
      admin(["create-org", "--name", name, ...(o.requireApproval ? ["--require-approval"] : [])]),
    createKey: (orgId, scope) => admin(["create-key", "--org", orgId, "--scope", scope]),
    async stop() {
      if (!child) return null;
      const proc = child;
      child = undefined;
      proc.kill("SIGTERM");
      return waitExit(proc);
    },
    start,
    async kill() {
      if (!child) return;
      const proc = child;
      child = undefined;
      proc.kill("SIGKILL");
      await waitExit(proc);
    },
    async close() {
      await handle.stop();
      await cluster?.stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}
