/**
 * The cloud's install command, end to end on loopback: the dashboard's export with install.sh and
 * the agent binaries published into it by scripts/publish-agent-downloads.mjs, served by a plain
 * static HTTP server (node:http) on one port; the API on another. The command is the one the API
 * answers when a key is created in the cloud configuration, pasted into a real bash as root
 * (without sudo), and installs below a temporary CUSTOS_INSTALL_ROOT with --no-start.
 *
 * The API: custos-server has no setting for an agent URL other than its own (CUSTOS_PUBLIC_URL is
 * both), so it cannot answer the cloud's command itself. The key is created through the backend's
 * app configured as supabase/functions/api/index.ts configures it in the cloud (agentUrl =
 * SUPABASE_URL, here custos-server's URL; dashboardUrl = CUSTOS_PUBLIC_URL, here the static
 * host), on custos-server's database and verifying custos-server's user tokens (its JWKS, as the
 * function verifies Supabase Auth's). The agent then registers with the real custos-server.
 */
import { spawnSync } from "node:child_process";
import { createReadStream, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";
import { createApp } from "@custos/backend";
import { type CustosServerHandle, startCustosServer } from "@custos/testkit";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  AGENT_BINARY,
  AGENT_DIST,
  buildAgentBinary,
  REPO,
  sha256File,
  withAccountFiles,
} from "./helpers/agent-binary.ts";
import { runToEnd } from "./helpers/run.ts";
import { tempDirsRemovedAfterAll } from "./helpers/temp-dirs.ts";

const PASSWORD = "correct horse battery staple";

let server: CustosServerHandle;
let sql: postgres.Sql;
let site: string;
let staticHost: Server;
let staticUrl: string;
const requested: string[] = [];
const tempDir = tempDirsRemovedAfterAll();

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".sh": "text/x-shellscript; charset=utf-8",
  ".sha256": "text/plain; charset=utf-8",
};

/** Files of `root` as they are, like any static host: no templating, no routes. */
function serveStatic(root: string): Server {
  return createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    requested.push(`${req.method} ${path}`);
    const file = normalize(join(root, path === "/" ? "index.html" : path));
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    res.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "content-length": String(statSync(file).size),
    });
    if (req.method === "HEAD") res.end();
    else createReadStream(file).pipe(res);
  });
}

beforeAll(async () => {
  await buildAgentBinary();
  server = await startCustosServer({ adminUrl: inject("pgAdminUrl"), env: { CUSTOS_SCHEDULER: "off" } });
  sql = postgres(server.databaseUrl, { max: 2, onnotice: () => undefined });

  // the static host, with a stand-in for the dashboard's export (the publish script needs index.html)
  site = tempDir("custos-cloud-site-");
  writeFileSync(join(site, "index.html"), "<!doctype html><title>Custos</title>\n");
  staticHost = serveStatic(site);
  await new Promise<void>((resolve) => staticHost.listen(0, "127.0.0.1", resolve));
  staticUrl = `http://127.0.0.1:${(staticHost.address() as AddressInfo).port}`;
}, 660_000);

afterAll(async () => {
  await sql?.end({ timeout: 5 });
  await server?.close();
  await new Promise<void>((resolve) => (staticHost ? staticHost.close(() => resolve()) : resolve()));
});

/** A user of custos-server and their personal organization. */
async function signUp(): Promise<{ token: string; orgId: string }> {
  const email = `cloud${Date.now()}@example.com`;
  const signup = await fetch(`${server.url}/auth/v1/signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  expect(signup.status).toBeLessThan(300);
  const session = (await (
    await fetch(`${server.url}/auth/v1/token?grant_type=password`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password: PASSWORD }),
    })
  ).json()) as { access_token: string };
  const me = (await (
    await fetch(`${server.url}/functions/v1/api/v1/me`, {
      headers: { authorization: `Bearer ${session.access_token}` },
    })
  ).json()) as { orgs: { id: string }[] };
  return { token: session.access_token, orgId: me.orgs[0]?.id as string };
}

describe("the cloud install command", () => {
  it("from the API, run in bash as root without sudo, fetches install.sh and the agent from the static host and registers with the API", async () => {
    // 1. publish install.sh and the binaries with the "dashboard"
    const published = spawnSync(
      process.execPath,
      [
        join(REPO, "scripts", "publish-agent-downloads.mjs"),
        `--api-url=${server.url}`,
        `--dashboard-url=${staticUrl}`,
        `--out=${site}`,
        `--dist=${AGENT_DIST}`,
      ],
      { encoding: "utf8" },
    );
    expect(published.status, published.stderr).toBe(0);

    // 2. a key created in the cloud configuration: the API's answer carries the command
    const { token, orgId } = await signUp();
    const cloudSql = postgres(server.databaseUrl, { max: 2, onnotice: () => undefined });
    let created: { key: string; install_command: string };
    try {
      const cloud = createApp({
        sql: cloudSql,
        log: { info: () => undefined, warn: () => undefined, error: () => undefined },
        config: { agentUrl: server.url, dashboardUrl: staticUrl },
        jwks: { jwksUrl: `${server.url}/auth/v1/.well-known/jwks.json` },
      });
      const res = await cloud.request(`/api/v1/orgs/${orgId}/api-keys`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ name: "cloud" }),
      });
      expect(res.status).toBe(201);
      created = (await res.json()) as typeof created;
    } finally {
      await cloudSql.end({ timeout: 5 });
    }
    const command = created.install_command;
    expect(command).toBe(
      `curl -fsSL ${staticUrl}/install.sh | $([ "$(id -u)" -eq 0 ] || echo sudo) bash -s -- --api-key=${created.key} --url ${server.url} --downloads ${staticUrl}/downloads`,
    );

    // 3. pasted into bash as root, with a sudo that must not be called first on PATH
    const root = withAccountFiles(tempDir("custos-cloud-root-"));
    const noSudo = tempDir("custos-cloud-bin-");
    writeFileSync(join(noSudo, "sudo"), '#!/bin/sh\necho "sudo was called: $*" >&2\nexit 97\n', {
      mode: 0o755,
    });
    const run = await runToEnd("bash", ["-c", `${command} --server-name=cloud-host --no-start`], {
      env: {
        ...process.env,
        CUSTOS_INSTALL_ROOT: root,
        PATH: `${noSudo}:${process.env.PATH ?? "/usr/bin:/bin"}`,
      },
    });
    expect(run.stderr).toBe("");
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain(`downloading ${AGENT_BINARY} from ${staticUrl}/downloads/`);

    // the script and the agent came from the static host
    expect(requested).toEqual(
      expect.arrayContaining([
        "GET /install.sh",
        `GET /downloads/${AGENT_BINARY}.sha256`,
        `GET /downloads/${AGENT_BINARY}`,
      ]),
    );
    const binary = join(root, "usr/local/bin/custos-agent");
    expect(statSync(binary).mode & 0o777).toBe(0o755);
    expect(sha256File(binary)).toBe(sha256File(join(AGENT_DIST, AGENT_BINARY)));

    // the agent talks to the API
    const config = readFileSync(join(root, "etc/custos/agent.yaml"), "utf8");
    expect(config).toContain(`url: "${server.url}"`);
    expect(config).toContain(`api_key: "${created.key}"`);

    // and registered there: a server of the key's organization in the API's database
    const servers = await sql<{ name: string }[]>`select name from public.servers where org_id = ${orgId}`;
    expect(servers.map((s) => s.name)).toEqual(["cloud-host"]);
  }, 180_000);
});
