/**
 * The container images (containers/, docs/containers.md), built and run for real with podman:
 * containers/build.sh builds both FROM scratch, custos-server runs in its container (host
 * network, a free port, a temporary directory as its /data volume, its embedded PostgreSQL as
 * the image's non-root user), an organization and an agent key are made with `podman exec …
 * custos-server admin`, and the agent's container, configured only by CUSTOS_API_KEY and
 * CUSTOS_URL, with the host's /proc and /sys mounted read-only, registers; its first heartbeat
 * and system metrics are then read from the server's own database.
 *
 * Needs podman and runc, as root (Debian: apt-get install podman runc; scripts/test-prereqs.sh
 * installs them): skipped, saying so, without them. Podman runs with the recipe that works on
 * these machines: runc, vfs storage, cgroupfs, host network, and a containers.conf with
 * `default_ulimits = []`. The images are kept under their test tags and reused: build.sh
 * rebuilds one only when its inputs changed (and removes the one it replaces); the containers
 * and directories are removed after the run.
 */
import { execFile, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { freePort } from "@custos/testkit";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const execFileAsync = promisify(execFile);
const REPO = fileURLToPath(new URL("../../../", import.meta.url));
const ARCH = process.arch === "arm64" ? "arm64" : "x64";
const AGENT_IMAGE = "localhost/custos-agent:test";
const SERVER_IMAGE = "localhost/custos-server:test";
/** The user both images run as (containers/build.sh). */
const IMAGE_UID = 10001;
/** podman's global options of the recipe; vfs is also build.sh's default storage driver. */
const PODMAN = ["--runtime", "runc", "--storage-driver=vfs", "--cgroup-manager=cgroupfs"];

function missing(): string | undefined {
  if (process.platform !== "linux") return "container images are built on Linux only";
  for (const tool of ["podman", "runc"]) {
    if (spawnSync(tool, ["--version"], { stdio: "ignore" }).status !== 0) {
      return `${tool} is not installed (Debian: apt-get install podman runc; scripts/test-prereqs.sh installs them as root)`;
    }
  }
  if (process.getuid?.() !== 0) return "the podman recipe used here runs as root (rootful podman)";
  return undefined;
}
const SKIP = missing();

const suffix = randomBytes(4).toString("hex");
const serverName = `custos-test-server-${suffix}`;
const agentName = `custos-test-agent-${suffix}`;
const dirs: string[] = [];
let podmanEnv: NodeJS.ProcessEnv;
let dataDir: string;
let port: number;
let orgId: string;
let apiKey: string;
let sql: postgres.Sql | undefined;
let buildSeconds = 0;

async function podman(args: string[], options: { env?: NodeJS.ProcessEnv; timeout?: number } = {}) {
  const { stdout } = await execFileAsync("podman", [...PODMAN, ...args], {
    env: { ...podmanEnv, ...options.env },
    timeout: options.timeout ?? 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout.trim();
}

/** Everything a container printed, for failure messages. */
async function logs(name: string): Promise<string> {
  const r = spawnSync("podman", [...PODMAN, "logs", name], {
    env: podmanEnv,
    encoding: "utf8",
    timeout: 20_000,
  });
  return `${r.stdout ?? ""}${r.stderr ?? ""}`.slice(-4000);
}

/** A directory the image's user owns, mounted as a volume. */
function volumeDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  chownSync(dir, IMAGE_UID, IMAGE_UID);
  return dir;
}

async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
  onTimeout: () => Promise<string>,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${what} within ${timeoutMs / 1000} s:\n${await onTimeout()}`);
}

async function running(name: string): Promise<boolean> {
  return (await podman(["inspect", "--format", "{{.State.Running}}", name]).catch(() => "false")) === "true";
}

beforeAll(async () => {
  if (SKIP) return;
  const work = mkdtempSync(join(tmpdir(), "custos-podman-"));
  dirs.push(work);
  const conf = join(work, "containers.conf");
  // podman's default ulimits cannot be set in this sandbox's containers
  writeFileSync(conf, "[containers]\ndefault_ulimits = []\n");
  podmanEnv = { ...process.env, CONTAINERS_CONF: conf };

  const started = Date.now();
  await execFileAsync("bash", [join(REPO, "containers", "build.sh"), "--if-missing", "agent", "server"], {
    env: {
      ...podmanEnv,
      // this Node (24) first on PATH: build.sh copies it into the server image
      PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ""}`,
      CUSTOS_AGENT_IMAGE: AGENT_IMAGE,
      CUSTOS_SERVER_IMAGE: SERVER_IMAGE,
    },
    timeout: 900_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  buildSeconds = Math.round((Date.now() - started) / 1000);

  dataDir = volumeDir("custos-container-data-");
  port = await freePort();
  await podman(
    ["run", "-d", "--name", serverName, "--network=host"].concat([
      "-e",
      `PORT=${port}`,
      "-e",
      "HOST=127.0.0.1",
      "-v",
      `${dataDir}:/data`,
      SERVER_IMAGE,
    ]),
  );
  // a first start initialises the cluster and applies every migration
  await waitFor(
    "custos-server in its container did not answer /healthz",
    120_000,
    async () => {
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return true;
      if (!(await running(serverName)))
        throw new Error(`custos-server's container stopped:\n${await logs(serverName)}`);
      return undefined;
    },
    () => logs(serverName),
  );
  orgId = await podman(["exec", serverName, "custos-server", "admin", "create-org", "--name", "Containers"]);
  apiKey = await podman([
    "exec",
    serverName,
    "custos-server",
    "admin",
    "create-key",
    "--org",
    orgId,
    "--scope",
    "agent",
  ]);

  const state = JSON.parse(readFileSync(join(dataDir, "embedded-postgres.json"), "utf8")) as {
    password: string;
    port: number;
  };
  sql = postgres(
    `postgres://postgres:${encodeURIComponent(state.password)}@127.0.0.1:${state.port}/postgres`,
    {
      max: 1,
      onnotice: () => undefined,
    },
  );
}, 1_080_000);

afterAll(async () => {
  await sql?.end({ timeout: 5 });
  if (!SKIP) {
    spawnSync("podman", [...PODMAN, "rm", "-f", "-t", "5", agentName, serverName], {
      env: podmanEnv,
      stdio: "ignore",
      timeout: 60_000,
    });
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}, 90_000);

describe("container images", () => {
  it("are one layer each, FROM scratch, running as the custos user", async (context) => {
    if (SKIP) return context.skip(SKIP);
    for (const image of [AGENT_IMAGE, SERVER_IMAGE]) {
      const [layers, user, size] = (
        await podman([
          "image",
          "inspect",
          "--format",
          "{{len .RootFS.Layers}} {{.Config.User}} {{.Size}}",
          image,
        ])
      ).split(" ");
      expect({ image, layers, user }).toEqual({ image, layers: "1", user: `${IMAGE_UID}:${IMAGE_UID}` });
      // the sizes docs/containers.md reports (agent ~120 MB, server ~290 MB), with room to grow
      expect(Number(size)).toBeLessThan(image === AGENT_IMAGE ? 160e6 : 400e6);
      console.info(`${image}: ${(Number(size) / 1e6).toFixed(1)} MB (build.sh took ${buildSeconds} s)`);
    }
  });

  it("custos-server serves the API, the dashboard and the agent downloads on one port", async (context) => {
    if (SKIP) return context.skip(SKIP);
    const base = `http://127.0.0.1:${port}`;
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const sum = await fetch(`${base}/downloads/custos-agent-linux-${ARCH}.sha256`);
    expect(sum.status).toBe(200);
    expect(await sum.text()).toBe(
      readFileSync(join(REPO, "apps", "agent", "dist", `custos-agent-linux-${ARCH}.sha256`), "utf8"),
    );
    expect(await (await fetch(`${base}/install.sh`)).text()).toContain(`DEFAULT_URL='${base}'`);
  });

  it("the agent names the variables it needs when they are missing", async (context) => {
    if (SKIP) return context.skip(SKIP);
    const run = await execFileAsync("podman", [...PODMAN, "run", "--rm", "--network=host", AGENT_IMAGE], {
      env: podmanEnv,
      timeout: 60_000,
    }).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code?: number; stderr?: string }) => ({ code: error.code, stderr: error.stderr ?? "" }),
    );
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("api_key: environment variable CUSTOS_API_KEY is not set");
    expect(run.stderr).toContain("url: environment variable CUSTOS_URL is not set");
  });

  it("the agent, configured by CUSTOS_API_KEY and CUSTOS_URL, sends its first heartbeat and metrics", async (context) => {
    if (SKIP) return context.skip(SKIP);
    const db = sql as postgres.Sql;
    const buffer = volumeDir("custos-container-buffer-");
    await podman(
      ["run", "-d", "--name", agentName, "--network=host"]
        .concat(["-e", "CUSTOS_API_KEY", "-e", `CUSTOS_URL=http://127.0.0.1:${port}`])
        .concat(["-v", "/proc:/host/proc:ro", "-v", "/sys:/host/sys:ro", "-v", `${buffer}:/var/lib/custos`])
        .concat([AGENT_IMAGE]),
      // the key reaches the container from podman's environment, not its command line
      { env: { CUSTOS_API_KEY: apiKey } },
    );
    const agentLogs = () => logs(agentName);
    const server = await waitFor(
      "no heartbeat from the agent's container",
      90_000,
      async () => {
        const [row] = await db<{ name: string; last_heartbeat_at: Date | null }[]>`
          select name, last_heartbeat_at from public.servers where org_id = ${orgId}`;
        if (row?.last_heartbeat_at) return row;
        if (!(await running(agentName)))
          throw new Error(`the agent's container stopped:\n${await agentLogs()}`);
        return undefined;
      },
      agentLogs,
    );
    // --network=host: the container's hostname is the host's, and so the server's name
    expect(server.name).toBe(hostname());
    // the first push follows the first collection (metrics_push_interval 30 s at most)
    const names = await waitFor(
      "no system metrics from the agent's container",
      90_000,
      async () => {
        const rows = await db<{ name: string }[]>`
          select distinct m.name from public.metric_samples s
            join public.metric_series m on m.id = s.series_id
           where m.org_id = ${orgId}`;
        const found = rows.map((r) => r.name);
        return found.includes("memory.used_percent") && found.includes("uptime.seconds") ? found : undefined;
      },
      agentLogs,
    );
    expect(names).toEqual(
      expect.arrayContaining(["memory.used_percent", "load.1", "disk.used_percent", "uptime.seconds"]),
    );
    // the buffer is on the volume, owned by the image's user
    expect(readFileSync(join(buffer, "agent.db")).subarray(0, 15).toString()).toBe("SQLite format 3");
  }, 200_000);
});
