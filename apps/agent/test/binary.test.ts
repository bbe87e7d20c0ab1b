/**
 * The single executable (sea/build.ts) on its own: copied into an empty directory, run with a
 * PATH that holds no `node` and no node_modules anywhere above it. SQLite must work through the
 * embedded native addon, and the whole daemon must run against a backend on loopback.
 */
import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AGENT_VERSION } from "../src/version.ts";
import { waitFor } from "./helpers/agent-files.ts";
import { type FakeBackend, startFakeBackend } from "./helpers/fake-backend.ts";

const execFileAsync = promisify(execFile);
const AGENT_DIR = fileURLToPath(new URL("..", import.meta.url));
const ARCH = process.arch === "arm64" ? "arm64" : "x64";
const BUILT = join(AGENT_DIR, "dist", `custos-agent-linux-${ARCH}`);

let dir: string;
let binary: string;
let env: Record<string, string>;
let backend: FakeBackend;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function agent(args: string[], extraEnv: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    execFile(
      binary,
      args,
      { cwd: dir, env: { ...env, ...extraEnv }, timeout: 60_000 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") return reject(error);
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
  });
}

function writeConfig(name: string, yaml: string): string {
  const path = join(dir, name);
  writeFileSync(path, yaml, { mode: 0o600 });
  return path;
}

beforeAll(async () => {
  // one build per run (skipped by the script itself when its inputs did not change)
  await execFileAsync(process.execPath, [join(AGENT_DIR, "sea", "build.ts")], {
    cwd: AGENT_DIR,
    timeout: 600_000,
  });
  dir = mkdtempSync(join(tmpdir(), "custos-binary-"));
  mkdirSync(join(dir, "tmp"), { mode: 0o700 });
  binary = join(dir, "custos-agent");
  copyFileSync(BUILT, binary);
  chmodSync(binary, 0o755);
  // PATH is the binary's own directory only, TMPDIR and HOME are inside it
  env = { PATH: dir, HOME: dir, TMPDIR: join(dir, "tmp"), CUSTOS_LOG_LEVEL: "warn" };
  backend = await startFakeBackend();
}, 660_000);

afterAll(async () => {
  await backend?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("custos-agent single executable", () => {
  it("is run where no node and no node_modules can be found", () => {
    for (const entry of env.PATH?.split(":") ?? []) expect(existsSync(join(entry, "node"))).toBe(false);
    for (let d = dir; d !== dirname(d); d = dirname(d))
      expect(existsSync(join(d, "node_modules"))).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(["custos-agent", "tmp"]);
  });

  it("ships a sha256sum-format checksum that matches the binary", () => {
    const sum = readFileSync(`${BUILT}.sha256`, "utf8");
    const digest = createHash("sha256").update(readFileSync(BUILT)).digest("hex");
    expect(sum).toBe(`${digest}  custos-agent-linux-${ARCH}\n`);
  });

  it("prints its version, built on the pinned Node", async () => {
    const result = await agent(["version"]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toBe(`custos-agent ${AGENT_VERSION} (node ${process.version}, linux-${ARCH})\n`);
  });

  it("runs the system plugin once with `check`", async () => {
    const config = writeConfig(
      "check.yaml",
      "api_key: test\nurl: http://127.0.0.1:1\nmonitors:\n  - type: system\nbuffer: { path: ./check-state.db }\n",
    );
    const result = await agent(["check", "--config", config, "--json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const [system] = JSON.parse(result.stdout) as {
      monitor: string;
      checks: { status: string }[];
      samples: { name: string }[];
    }[];
    expect(system?.monitor).toBe("system");
    expect(system?.checks[0]?.status).toBe("ok");
    expect(system?.samples.map((s) => s.name)).toContain("memory.used_percent");
  });

  it("opens the SQLite state database through the embedded addon (register, then status)", async () => {
    const state = join(dir, "state", "agent.db");
    const config = writeConfig(
      "agent.yaml",
      `api_key: ${backend.apiKey}\nurl: ${backend.url}\nserver_name: binary-test\nmonitors:\n  - type: system\nbuffer: { path: ${state} }\n`,
    );
    const registered = await agent([
      "register",
      "--url",
      backend.url,
      "--api-key",
      backend.apiKey,
      "--config",
      config,
    ]);
    expect(registered.stderr).toBe("");
    expect(registered.stdout).toContain(`registered as server ${backend.serverId}`);
    expect(registered.code).toBe(0);
    expect(statSync(state).isFile()).toBe(true);

    const status = await agent(["status", "--json", "--config", config]);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      server: { id: backend.serverId, name: "binary-test" },
    });

    // the addon was written once, content-addressed, into a private directory under TMPDIR
    const addonDir = join(env.TMPDIR ?? "", `custos-agent-${process.getuid?.() ?? 0}`);
    const files = readdirSync(addonDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^better_sqlite3-[0-9a-f]{24}\.node$/);
    expect(statSync(addonDir).mode & 0o077).toBe(0);
  });

  it("runs as the daemon: heartbeats and pushed samples reach the backend, SIGTERM exits 0", async () => {
    const config = writeConfig(
      "run.yaml",
      `api_key: ${backend.apiKey}\nurl: ${backend.url}\nheartbeat_interval: 1s\nmetrics_push_interval: 1s\n` +
        "monitors:\n  - type: system\n    check_interval: 1s\nbuffer: { path: ./run-state.db }\n",
    );
    const child = spawn(binary, ["run", "--config", config], {
      cwd: dir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      output += d.toString();
    });
    try {
      await waitFor(() => backend.heartbeats.length > 0, 20_000, "a heartbeat");
      await waitFor(
        () => backend.samples.some((s) => s.name === "memory.used_percent"),
        20_000,
        "system samples",
      );
    } finally {
      child.kill("SIGTERM");
    }
    const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
    expect(code, output).toBe(0);
    const status = await agent(["status", "--json", "--config", config]);
    expect(JSON.parse(status.stdout).last_heartbeat_at).toMatch(/^\d{4}-/);
  });

  it("runs on six threads at most while it pushes (one V8 helper, two libuv workers), its code cache accepted", async () => {
    const config = writeConfig(
      "threads.yaml",
      `api_key: ${backend.apiKey}\nurl: ${backend.url}\nheartbeat_interval: 1s\nmetrics_push_interval: 1s\n` +
        "monitors:\n  - type: system\n    check_interval: 1s\nbuffer: { path: ./threads-state.db }\n",
    );
    const child = spawn(binary, ["run", "--config", config], {
      cwd: dir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    for (const stream of [child.stdout, child.stderr])
      stream.on("data", (d: Buffer) => (output += d.toString()));
    const pushed = backend.requests.length;
    try {
      // gzip bodies and file reads have run on the thread pool by the time metrics arrive
      await waitFor(
        () => backend.requests.slice(pushed).some((r) => r.endpoint === "metrics" && r.status === 200),
        20_000,
        "a metrics push",
      );
      expect(readdirSync(`/proc/${child.pid}/task`).length).toBeLessThanOrEqual(6);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await new Promise((resolve) => child.once("exit", resolve)), output).toBe(0);
    expect(output).not.toContain("Code cache data rejected");
  });

  it("rewrites an addon file of the wrong size found under its name (a write cut short)", async () => {
    const stamp = JSON.parse(
      readFileSync(join(AGENT_DIR, "dist", "sea", `custos-agent-linux-${ARCH}.stamp.json`), "utf8"),
    ) as { inputs: { addon: string } };
    const addonDir = join(dir, "short-tmp", `custos-agent-${process.getuid?.() ?? 0}`);
    mkdirSync(addonDir, { recursive: true, mode: 0o700 });
    const file = join(addonDir, `better_sqlite3-${stamp.inputs.addon.slice(0, 24)}.node`);
    writeFileSync(file, "truncated", { mode: 0o644 });
    const config = writeConfig(
      "short.yaml",
      "api_key: test\nurl: http://127.0.0.1:1\nmonitors:\n  - type: system\nbuffer: { path: ./short.db }\n",
    );
    const result = await agent(["status", "--config", config], { TMPDIR: join(dir, "short-tmp") });
    expect(result.stderr).not.toContain("cannot load the embedded SQLite addon");
    expect(createHash("sha256").update(readFileSync(file)).digest("hex")).toBe(stamp.inputs.addon);
  });

  it("refuses a bad config naming the file, the line and the key, and exits 78", async () => {
    const config = writeConfig(
      "bad.yaml",
      "api_key: test\nurl: http://127.0.0.1:1\nmonitors:\n  - type: system\n    check_intervall: 10s\n",
    );
    const result = await agent(["check", "--config", config]);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain(`${config}:5:`);
    expect(result.stderr).toContain("check_intervall");
  });

  it("still runs commands without a database when the addon cannot be written, and says why on open", async () => {
    const blocked = join(dir, "not-a-dir");
    writeFileSync(blocked, "");
    const broken = { TMPDIR: blocked, HOME: blocked };
    expect((await agent(["version"], broken)).code).toBe(0);
    const config = writeConfig(
      "broken.yaml",
      "api_key: test\nurl: http://127.0.0.1:1\nmonitors:\n  - type: system\nbuffer: { path: ./broken.db }\n",
    );
    const status = await agent(["status", "--config", config], broken);
    expect(status.code).not.toBe(0);
    const registered = await agent(
      ["register", "--url", "http://127.0.0.1:1", "--api-key", "k", "--config", config],
      broken,
    );
    expect(registered.code).toBe(73);
    expect(registered.stderr).toContain("cannot load the embedded SQLite addon");
  });
});
