/**
 * The one-line installer against a real custos-server on loopback: the script and the agent
 * binary come from the server's /install.sh and /downloads/, install.sh installs below a
 * temporary CUSTOS_INSTALL_ROOT (so the machine running the tests is never changed), and the
 * installed agent registers with the server. systemd is not running here: the unit is checked by
 * its contents and by `systemctl --root` having enabled it.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { type CustosServerHandle, startCustosServer } from "@custos/testkit";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { downloadRoutes, templateInstallScript } from "../src/downloads.ts";
import {
  AGENT_BINARY,
  AGENT_DIST,
  buildAgentBinary,
  downloadsServer,
  REPO,
  sha256File,
  withAccountFiles,
} from "./helpers/agent-binary.ts";
import { type Run, runToEnd } from "./helpers/run.ts";
import { tempDirsRemovedAfterAll } from "./helpers/temp-dirs.ts";

const INSTALL_SH = join(REPO, "install.sh");

let server: CustosServerHandle;
let sql: postgres.Sql;
let orgId: string;
let apiKey: string;
const tempDir = tempDirsRemovedAfterAll();

/** An empty system root with the account files useradd --prefix works on. */
function makeRoot(): string {
  return withAccountFiles(tempDir("custos-install-"));
}

/** Every path below root, for "nothing was installed" comparisons. */
function listing(root: string, dir = ""): string[] {
  return readdirSync(join(root, dir)).flatMap((entry) => {
    const path = join(dir, entry);
    return lstatSync(join(root, path)).isDirectory() ? [`${path}/`, ...listing(root, path)] : [path];
  });
}

/** bash install.sh ARGS, or the script text on stdin (`curl … | bash -s -- ARGS`). */
function install(
  root: string,
  args: string[],
  options: { script?: string; env?: Record<string, string> } = {},
): Promise<Run> {
  const bashArgs = options.script === undefined ? [INSTALL_SH, ...args] : ["-s", "--", ...args];
  return runToEnd("bash", bashArgs, {
    env: { ...process.env, CUSTOS_INSTALL_ROOT: root, ...options.env },
    stdin: options.script ?? "",
  });
}

function passwdEntry(root: string): string[] | undefined {
  const line = readFileSync(join(root, "etc", "passwd"), "utf8")
    .split("\n")
    .find((l) => l.startsWith("custos:"));
  return line?.split(":");
}

async function serversOfOrg() {
  return sql<{ id: string; name: string; last_heartbeat_at: Date | null }[]>`
    select id, name, last_heartbeat_at from public.servers where org_id = ${orgId}`;
}

beforeAll(async () => {
  await buildAgentBinary();
  server = await startCustosServer({ adminUrl: inject("pgAdminUrl") });
  orgId = await server.createOrg("Installed");
  apiKey = await server.createKey(orgId, "agent");
  sql = postgres(server.databaseUrl, { max: 2, onnotice: () => undefined });
}, 660_000);

afterAll(async () => {
  await sql?.end({ timeout: 5 });
  await server?.close();
});

// Each install runs bash, curl, useradd and the agent itself: 5-10 s here, and over 60 s seen on
// a machine loaded by other suites. The limit is a hang guard, not a speed goal.
describe("install.sh", { timeout: 180_000 }, () => {
  it("is shellcheck-clean", () => {
    const result = spawnSync("shellcheck", [INSTALL_SH], { encoding: "utf8" });
    if (result.error) {
      throw new Error(
        `shellcheck is not installed (${result.error.message}): apt-get install shellcheck — scripts/test-prereqs.sh installs it`,
      );
    }
    expect(`${result.stdout}${result.stderr}`).toBe("");
    expect(result.status).toBe(0);
  });

  it("is served at /install.sh with this server's URL as the default --url", async () => {
    const res = await fetch(`${server.url}/install.sh`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/x-shellscript; charset=utf-8");
    const body = await res.text();
    expect(Number(res.headers.get("content-length"))).toBe(Buffer.byteLength(body));
    expect(body).toContain(`DEFAULT_URL='${server.url}'`);
    // only the assignment is templated; the script still knows what "not templated" looks like
    expect(body).toContain('"$DEFAULT_URL" != "__CUSTOS_URL__"');
    // self-hosted, the binaries come from this server's /downloads/: that line stays as it is
    expect(body).toContain("DEFAULT_DOWNLOADS='__CUSTOS_DOWNLOADS__'");
    const etag = res.headers.get("etag") ?? "";
    expect((await fetch(`${server.url}/install.sh`, { headers: { "if-none-match": etag } })).status).toBe(
      304,
    );
  });

  it("never templates a Host header into the script", async () => {
    const hostile = await new Promise<string>((resolve, reject) => {
      const req = request(
        { host: "127.0.0.1", port: server.port, path: "/install.sh", headers: { host: "x$(id)'y" } },
        (res) => {
          let text = "";
          res.on("data", (d: Buffer) => {
            text += d.toString();
          });
          res.on("end", () => resolve(text));
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(hostile).not.toContain("$(id)");
    expect(templateInstallScript("DEFAULT_URL='__CUSTOS_URL__'\n", "http://a'b")).toBe(
      "DEFAULT_URL='__CUSTOS_URL__'\n",
    );
    expect(
      templateInstallScript("DEFAULT_URL='__CUSTOS_URL__'\n", "https://mon.example.com:8443/custos/"),
    ).toBe("DEFAULT_URL='https://mon.example.com:8443/custos'\n");
  });

  it("serves the binary and its sha256 from /downloads/, and nothing else", async () => {
    const sum = await fetch(`${server.url}/downloads/${AGENT_BINARY}.sha256`);
    expect(sum.status).toBe(200);
    expect(await sum.text()).toBe(readFileSync(join(AGENT_DIST, `${AGENT_BINARY}.sha256`), "utf8"));

    const get = await fetch(`${server.url}/downloads/${AGENT_BINARY}`);
    expect(get.headers.get("content-type")).toBe("application/octet-stream");
    expect(Number(get.headers.get("content-length"))).toBe(statSync(join(AGENT_DIST, AGENT_BINARY)).size);
    const bytes = new Uint8Array(await get.arrayBuffer());
    expect(createHash("sha256").update(bytes).digest("hex")).toBe(sha256File(join(AGENT_DIST, AGENT_BINARY)));

    const head = await fetch(`${server.url}/downloads/${AGENT_BINARY}`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get("content-length"))).toBe(statSync(join(AGENT_DIST, AGENT_BINARY)).size);
    const etag = head.headers.get("etag") ?? "";
    expect(etag).not.toBe("");
    expect(
      (await fetch(`${server.url}/downloads/${AGENT_BINARY}`, { headers: { "if-none-match": etag } })).status,
    ).toBe(304);

    for (const path of [
      "/downloads/..%2Fpackage.json",
      "/downloads/%2E%2E%2F%2E%2E%2Fpackage.json",
      `/downloads/${AGENT_BINARY}.sha256.bak`,
      "/downloads/custos-agent-linux-riscv64",
      "/downloads/sea",
    ]) {
      expect((await fetch(`${server.url}${path}`)).status, path).toBe(404);
    }
  });

  it("answers 404 with how to build when the binary has not been built", async () => {
    const empty = tempDir("custos-downloads-");
    const res = await downloadRoutes({ dir: empty }).request(`/downloads/${AGENT_BINARY}`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("pnpm --filter @custos/agent build:binary");
  });

  it("installs from `curl …/install.sh | bash -s -- --api-key=KEY --no-start`, registers, and hardens the unit", async () => {
    const root = makeRoot();
    const script = await (await fetch(`${server.url}/install.sh`)).text();
    const run = await install(root, [`--api-key=${apiKey}`, "--server-name=installed-host", "--no-start"], {
      script,
    });
    expect(run.stderr).toBe("");
    expect(run.code, run.stdout).toBe(0);

    // the custos system user: no login shell, home is the state directory (not created by useradd)
    const user = passwdEntry(root);
    expect(user?.[5]).toBe("/var/lib/custos");
    expect(user?.[6]).toMatch(/nologin$|\/false$/);
    const [uid, gid] = [Number(user?.[2]), Number(user?.[3])];

    const binary = join(root, "usr/local/bin/custos-agent");
    expect(statSync(binary).mode & 0o777).toBe(0o755);
    expect(sha256File(binary)).toBe(sha256File(join(AGENT_DIST, AGENT_BINARY)));

    const configPath = join(root, "etc/custos/agent.yaml");
    const config = statSync(configPath);
    expect(config.mode & 0o777).toBe(0o600);
    expect([config.uid, config.gid]).toEqual([uid, gid]);
    const text = readFileSync(configPath, "utf8");
    expect(text).toContain(`api_key: "${apiKey}"`);
    expect(text).toContain(`url: "${server.url}"`);
    expect(text).toContain('server_name: "installed-host"');
    expect(text).toMatch(/monitors:\n {2}- type: system\n/);
    expect(text).toContain("path: /var/lib/custos/agent.db");

    const state = join(root, "var/lib/custos");
    expect(statSync(state).mode & 0o777).toBe(0o700);
    expect(statSync(join(state, "agent.db")).uid).toBe(uid);

    const unit = readFileSync(join(root, "etc/systemd/system/custos-agent.service"), "utf8");
    for (const directive of [
      "User=custos",
      "ExecStart=/usr/local/bin/custos-agent run --config /etc/custos/agent.yaml",
      "Restart=always",
      "RestartSec=5",
      "StateDirectory=custos",
      "NoNewPrivileges=yes",
      "ProtectSystem=strict",
      "ProtectHome=read-only",
      "PrivateTmp=yes",
      "PrivateDevices=yes",
      "ProtectKernelTunables=yes",
      "ProtectKernelModules=yes",
      "ProtectControlGroups=yes",
      "CapabilityBoundingSet=",
      "SystemCallFilter=@system-service",
      "WantedBy=multi-user.target",
    ]) {
      expect(unit).toMatch(new RegExp(`^${directive.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"));
    }
    expect(unit).not.toMatch(/^MemoryDenyWriteExecute=yes/m);
    // systemd's own parser knows every directive, and rates the sandbox "OK" (exposure <= 3.0)
    const unitCopy = join(root, "custos-agent.service");
    writeFileSync(unitCopy, unit.replace("ExecStart=/usr/local/bin/", `ExecStart=${root}/usr/local/bin/`));
    const verify = spawnSync("systemd-analyze", ["verify", unitCopy], { encoding: "utf8" });
    if (verify.error)
      throw new Error(`systemd-analyze is not installed (${verify.error.message}): apt-get install systemd`);
    expect(`${verify.stdout}${verify.stderr}`).toBe("");
    const security = spawnSync(
      "systemd-analyze",
      ["security", "--offline=true", "--threshold=30", unitCopy],
      {
        encoding: "utf8",
      },
    );
    expect(security.stdout).toMatch(/Overall exposure level for custos-agent\.service: [0-2]\.\d OK/);
    expect(security.status).toBe(0);
    if (spawnSync("systemctl", ["--version"]).status === 0) {
      const wants = join(root, "etc/systemd/system/multi-user.target.wants/custos-agent.service");
      expect(readlinkSync(wants)).toBe("/etc/systemd/system/custos-agent.service");
    }

    // registered with the server: one servers row, and the state database knows its id
    const servers = await serversOfOrg();
    expect(servers.map((s) => s.name)).toEqual(["installed-host"]);
    const probe = join(root, "probe.yaml");
    writeFileSync(probe, text.replace("path: /var/lib/custos/agent.db", `path: ${join(state, "agent.db")}`));
    // the agent unpacks its SQLite addon below TMPDIR: keep that inside the test's root too
    const agentEnv = { PATH: "/usr/bin:/bin", TMPDIR: join(root, "tmp") };
    const status = spawnSync(binary, ["status", "--json", "--config", probe], {
      encoding: "utf8",
      env: agentEnv,
    });
    expect(status.status, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).server.id).toBe(servers[0]?.id);

    // the installed agent, as the unit starts it, gets its first heartbeat acknowledged
    const agent = spawn(binary, ["run", "--config", probe], {
      stdio: "ignore",
      env: agentEnv,
    });
    try {
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && !(await serversOfOrg())[0]?.last_heartbeat_at) {
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      agent.kill("SIGTERM");
    }
    expect((await serversOfOrg())[0]?.last_heartbeat_at).toBeInstanceOf(Date);
    await new Promise((resolve) => agent.once("exit", resolve));
  });

  it("aborts on a checksum mismatch and installs nothing", async () => {
    const tampered = tempDir("custos-tampered-");
    writeFileSync(join(tampered, AGENT_BINARY), readFileSync(join(AGENT_DIST, AGENT_BINARY)));
    writeFileSync(join(tampered, `${AGENT_BINARY}.sha256`), `${"0".repeat(64)}  ${AGENT_BINARY}\n`);
    const { url, server: srv } = await downloadsServer(tampered);
    try {
      const root = makeRoot();
      const before = listing(root);
      const run = await install(root, [`--api-key=${apiKey}`, `--url=${url}`, "--no-start"]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`SHA-256 mismatch for ${AGENT_BINARY}`);
      expect(run.stderr).toContain("nothing was installed");
      expect(listing(root)).toEqual(before);
      expect(readFileSync(join(root, "etc/passwd"), "utf8")).not.toContain("custos");
    } finally {
      srv.close();
    }
  });

  it("runs nothing from a download cut short (everything happens in main, called on the last line)", async () => {
    const root = makeRoot();
    const before = listing(root);
    const script = await (await fetch(`${server.url}/install.sh`)).text();
    const cut = script.slice(0, script.lastIndexOf('main "$@"'));
    const run = await install(root, [`--api-key=${apiKey}`, "--no-start"], { script: cut });
    expect(run).toEqual({ code: 0, stdout: "", stderr: "" });
    expect(listing(root)).toEqual(before);
  });

  it("upgrades in place when run again: keeps the config unless new values are given", async () => {
    const root = makeRoot();
    const first = await install(root, [`--api-key=${apiKey}`, `--url=${server.url}`, "--no-start"]);
    expect(first.code, first.stderr).toBe(0);
    const configPath = join(root, "etc/custos/agent.yaml");
    const binary = join(root, "usr/local/bin/custos-agent");
    writeFileSync(configPath, `${readFileSync(configPath, "utf8")}# edited by the admin\n`);
    const inode = statSync(binary).ino;
    const edited = readFileSync(configPath, "utf8");

    const again = await install(root, ["--no-start"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("kept /etc/custos/agent.yaml");
    expect(readFileSync(configPath, "utf8")).toBe(edited);
    expect(statSync(binary).ino).not.toBe(inode); // replaced by a rename, not rewritten in place
    expect(sha256File(binary)).toBe(sha256File(join(AGENT_DIST, AGENT_BINARY)));
    expect(readFileSync(join(root, "etc/passwd"), "utf8").match(/^custos:/gm)).toHaveLength(1);

    const newKey = await server.createKey(orgId, "agent");
    const rekeyed = await install(root, [`--api-key=${newKey}`, "--no-start"]);
    expect(rekeyed.code, rekeyed.stderr).toBe(0);
    const text = readFileSync(configPath, "utf8");
    expect(text).toContain(`api_key: "${newKey}"`);
    expect(text).not.toContain(apiKey);
    expect(text).toContain("# edited by the admin");
    expect(statSync(configPath).mode & 0o777).toBe(0o600);
    // the same machine registers as the same server
    expect((await serversOfOrg()).length).toBe(1);
  });

  it("--uninstall removes the binary, the unit and the user; --purge also the config and state", async () => {
    const root = makeRoot();
    // the form the dashboard shows: `--api-key=KEY --url URL`
    expect((await install(root, [`--api-key=${apiKey}`, "--url", server.url, "--no-start"])).code).toBe(0);
    const removed = await install(root, ["--uninstall"]);
    expect(removed.code, removed.stderr).toBe(0);
    for (const path of [
      "usr/local/bin/custos-agent",
      "etc/systemd/system/custos-agent.service",
      "etc/systemd/system/multi-user.target.wants/custos-agent.service",
    ]) {
      expect(existsSync(join(root, path)), path).toBe(false);
    }
    expect(passwdEntry(root)).toBeUndefined();
    expect(readFileSync(join(root, "etc/group"), "utf8")).not.toMatch(/^custos:/m);
    expect(existsSync(join(root, "etc/custos/agent.yaml"))).toBe(true);
    expect(existsSync(join(root, "var/lib/custos/agent.db"))).toBe(true);

    const purged = await install(root, ["--uninstall", "--purge"]);
    expect(purged.code, purged.stderr).toBe(0);
    expect(existsSync(join(root, "etc/custos"))).toBe(false);
    expect(existsSync(join(root, "var/lib/custos"))).toBe(false);
  });

  it("refuses bad or missing options with a usage error and changes nothing", async () => {
    const root = makeRoot();
    const before = listing(root);
    for (const [args, message] of [
      [["--api-key"], "--api-key needs a value"],
      [["--api-key", "--no-start"], "--api-key needs a value"],
      [["--bogus"], "unknown option: --bogus"],
      [["--purge"], "--purge goes with --uninstall"],
      [["--uninstall", `--api-key=${apiKey}`], "--uninstall takes no other options"],
      [[`--url=${server.url}`, "--no-start"], "--api-key is required"],
      [["--api-key=short"], "--api-key: expected"],
      [[`--api-key=${apiKey}`, "--url=ftp://example.com"], "--url: expected"],
      [[`--api-key=${apiKey}`, "--url=http://example.com\nid"], "--url: expected"],
      [[`--api-key=${apiKey}\nurl: http://evil.example`], "--api-key: expected"],
      [[`--api-key=${apiKey}`, "--server-name=web-1\nurl: http://evil.example"], "--server-name: use"],
      [[`--api-key=${apiKey}`, "--wait=soon"], "--wait: expected"],
      [[`--api-key=${apiKey}`], "--url is required"],
    ] as const) {
      const run = await install(root, [...args]);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr, args.join(" ")).toContain(message);
    }
    expect(listing(root)).toEqual(before);
  });

  it("refuses a malformed or hostile --downloads with a usage error naming --downloads, and runs nothing", async () => {
    const root = makeRoot();
    const before = listing(root);
    const marker = join(root, "pwned");
    for (const value of [
      "ftp://example.com/downloads",
      "example.com/downloads",
      `http://x/$(touch ${marker})`,
      `http://x/\`touch ${marker}\``,
      "http://a'b/downloads",
      "http://x/a b",
      "http://x/downloads;id",
      "http://x/downloads?x=1",
      "http://user@x/downloads",
      "http://x/downloads\nid",
    ]) {
      for (const args of [[`--downloads=${value}`], ["--downloads", value]]) {
        const run = await install(root, [
          `--api-key=${apiKey}`,
          `--url=${server.url}`,
          ...args,
          "--no-start",
        ]);
        expect(run.code, value).toBe(2);
        expect(run.stderr, value).toContain("custos: --downloads: expected http(s)://host[:port][/path]");
        expect(run.stdout, value).toBe("");
      }
    }
    for (const [args, message] of [
      [["--downloads"], "--downloads needs a value"],
      [["--downloads", "--no-start"], "--downloads needs a value"],
      [["--uninstall", "--downloads=http://x/downloads"], "--uninstall takes no other options"],
    ] as const) {
      const run = await install(root, [...args]);
      expect(run.code, args.join(" ")).toBe(2);
      expect(run.stderr, args.join(" ")).toContain(message);
    }
    expect(existsSync(marker)).toBe(false);
    expect(listing(root)).toEqual(before);
  });

  // install.sh on the real root, with /etc, /usr/local, /var/lib and /tmp replaced by private
  // copies in a mount namespace: the paths a real installation takes without CUSTOS_INSTALL_ROOT
  // (useradd and chown by name, no systemd running), then the agent run as the custos user
  const canUnshare = spawnSync("unshare", ["-m", "true"]).status === 0;
  it.skipIf(!canUnshare)(
    "installs on / where systemd is not running, says how to run the agent, and custos can run it",
    async () => {
      const org = await server.createOrg("Namespace");
      const key = await server.createKey(org, "agent");
      const sandbox = tempDir("custos-ns-");
      const script = `
set -eu
export PATH="$PATH:/usr/sbin:/sbin"
# never let these bind mounts reach the host's mount table (a shared / would propagate them)
mount --make-rprivate /
S=${sandbox}
mkdir -p "$S/usr-local" "$S/var-lib" "$S/tmp"
cp -a /etc "$S/etc"
mount --bind "$S/etc" /etc
mount --bind "$S/usr-local" /usr/local
mount --bind "$S/var-lib" /var/lib
mount --bind "$S/tmp" /tmp
curl -sSL ${server.url}/install.sh | bash -s -- --api-key=${key}
echo "== installed"
stat -c '%U:%G %a %n' /etc/custos/agent.yaml /var/lib/custos /var/lib/custos/agent.db
runuser -u custos -- /usr/local/bin/custos-agent run --config /etc/custos/agent.yaml &
agent=$!
for _ in $(seq 1 100); do
  if runuser -u custos -- /usr/local/bin/custos-agent status --json --config /etc/custos/agent.yaml |
    grep -Eq '"last_heartbeat_at": *"'; then echo "== heartbeat"; break; fi
  sleep 0.2
done
kill -TERM "$agent"
wait "$agent" || true
`;
      const run = spawnSync("unshare", ["--mount", "--propagation", "private", "bash", "-c", script], {
        encoding: "utf8",
        timeout: 120_000,
      });
      expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
      expect(run.stdout).toContain("created the custos system user");
      expect(run.stdout).toContain("systemd is not running on this system, so the agent was not started");
      expect(run.stdout).toContain(
        "runuser -u custos -- /usr/local/bin/custos-agent run --config /etc/custos/agent.yaml",
      );
      expect(run.stdout).toContain("custos:custos 600 /etc/custos/agent.yaml");
      expect(run.stdout).toContain("custos:custos 700 /var/lib/custos\n");
      expect(run.stdout).toContain("custos:custos 644 /var/lib/custos/agent.db");
      expect(run.stdout).toContain("== heartbeat");
      const [row] = await sql<{ last_heartbeat_at: Date | null }[]>`
        select last_heartbeat_at from public.servers where org_id = ${org}`;
      expect(row?.last_heartbeat_at).toBeInstanceOf(Date);
      // nothing outside the namespace changed
      expect(readFileSync("/etc/passwd", "utf8")).not.toMatch(/^custos:/m);
      expect(existsSync("/etc/custos/agent.yaml")).toBe(false);
    },
  );

  it("names the architecture it does not support", async () => {
    const root = makeRoot();
    const fakeBin = join(root, "fake-bin");
    mkdirSync(fakeBin);
    writeFileSync(
      join(fakeBin, "uname"),
      '#!/bin/sh\nif [ "$1" = -m ]; then echo riscv64; else echo Linux; fi\n',
    );
    chmodSync(join(fakeBin, "uname"), 0o755);
    const run = await install(root, [`--api-key=${apiKey}`, `--url=${server.url}`], {
      env: { PATH: `${fakeBin}:${process.env.PATH ?? ""}` },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("unsupported architecture riscv64");
  });
});
