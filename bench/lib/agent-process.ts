/**
 * The agent under benchmark as a child process: started in its own directory with a minimal
 * environment and its output in agent.log, stopped by SIGTERM (at most 10 s) in the cleanup.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startCustosServer } from "@custos/testkit";
import postgres from "postgres";

export interface BenchAgent {
  child: ChildProcess;
  pid: number;
  /** Throws with the log's tail when the agent has exited. */
  assertAlive(): void;
  logTail(): string;
  stop(): Promise<void>;
}

export function spawnAgent(command: string, args: string[], dir: string): BenchAgent {
  const log = join(dir, "agent.log");
  const child = spawn(command, args, {
    cwd: dir,
    env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", HOME: dir, CUSTOS_LOG_LEVEL: "warn" },
    stdio: ["ignore", openSync(log, "a"), openSync(log, "a")],
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  if (!child.pid) throw new Error("agent did not start");
  const logTail = () => readFileSync(log, "utf8").slice(-2000);
  return {
    child,
    pid: child.pid,
    logTail,
    assertAlive() {
      if (child.exitCode !== null) throw new Error(`agent exited with ${child.exitCode}:\n${logTail()}`);
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    },
  };
}

/** A custos-server with one organization and agent key for the agent to push to. */
export async function agentBackend(orgName: string, cleanup: (() => unknown)[]) {
  const server = await startCustosServer({ env: { CUSTOS_LOG: "warn" } });
  cleanup.unshift(() => server.close());
  const sql = postgres(server.databaseUrl, { max: 1, onnotice: () => undefined });
  cleanup.unshift(() => sql.end({ timeout: 5 }));
  const pgVersion = (await sql<{ v: string }[]>`select current_setting('server_version') as v`)[0]?.v ?? "?";
  const key = await server.createKey(await server.createOrg(orgName), "agent");
  return { server, sql, pgVersion, key };
}
