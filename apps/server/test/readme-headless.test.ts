/**
 * The README's headless set-up, run as written against custos-server started the way `npm start`
 * starts it (scripts/custos.mjs, CUSTOS_SKIP_SETUP=1: the workspace is installed and built
 * already). The key it prints must be accepted by that running server: the admin commands and
 * the server use one database. The data dir is given as a path relative to the repository, where
 * both commands are run from, so a server resolving it against another directory (as `npm start`
 * once did from apps/server/) would fail this test. scripts/first-hour.sh does the slow rest
 * (fresh clone, first build, default data dir).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "@custos/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runToEnd } from "./helpers/run.ts";

const REPO = fileURLToPath(new URL("../../../", import.meta.url));

/** The sh block after "Headless set-up" in README.md, as written there. */
function headlessBlock(): string {
  const readme = readFileSync(join(REPO, "README.md"), "utf8");
  const block = /Headless set-up.*?```sh\n(.*?)```/s.exec(readme)?.[1];
  if (!block) throw new Error("README.md has no ```sh block after 'Headless set-up'");
  return block;
}

// 0755: this test is about which directory is used, not about root and 0700 (see
// embedded-database-root.test.ts)
const dataDir = mkdtempSync(join(tmpdir(), "custos-readme-"));
chmodSync(dataDir, 0o755);
const relativeDataDir = relative(REPO, dataDir);
let port: number;
let server: ChildProcess;
let output = "";

function env(): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = {
    ...process.env,
    CUSTOS_SKIP_SETUP: "1",
    CUSTOS_DATA_DIR: relativeDataDir,
    PORT: String(port),
    HOST: "127.0.0.1",
    CUSTOS_SCHEDULER: "off",
    CUSTOS_LOG: "warn",
  };
  delete e.DATABASE_URL;
  return e;
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });
}

beforeAll(async () => {
  port = await freePort();
  // npm start, from the repository; its own process group, so one signal stops npm, custos.mjs,
  // custos-server and PostgreSQL together
  server = spawn("npm", ["start"], {
    cwd: REPO,
    env: env(),
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  server.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`npm start exited with ${server.exitCode}:\n${output}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`npm start did not answer /healthz in 120 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}, 180_000);

afterAll(async () => {
  if (server?.pid && server.exitCode === null) {
    process.kill(-server.pid, "SIGTERM");
    await exited(server);
  }
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe("the README's headless set-up", () => {
  it("makes an agent key that the server `npm start` runs accepts (one database for both)", async () => {
    // the block's only change: this server's port instead of 8080
    const block = headlessBlock().replaceAll("localhost:8080", `localhost:${port}`);
    const run = await runToEnd("bash", ["-euo", "pipefail", "-c", block], { cwd: REPO, env: env() });
    expect(run.code, run.stderr).toBe(0);
    const [key, health] = run.stdout.trim().split("\n");
    expect(health).toBe('{"ok":true}');

    const res = await fetch(`http://127.0.0.1:${port}/functions/v1/api/agent/register`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({
        hostname: "readme-host",
        server_name: "readme-host",
        agent_version: "0.1.0",
        os: "linux",
        arch: "x64",
      }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ server_id: expect.any(String) });

    // the relative data dir was taken from where npm ran (the repository), for both commands
    expect(existsSync(join(dataDir, "embedded-postgres.json"))).toBe(true);
    expect(existsSync(join(REPO, "apps", "server", relativeDataDir))).toBe(false);
  }, 120_000);
});
