#!/usr/bin/env node
// The README's two commands land here. This file must run on Node 20 with only npm present:
// it installs a supported Node LTS and pnpm from the npm registry into .tools/, installs the
// workspace with them (native addons built against that Node's headers), then runs the task
// on that Node. No globals, nothing installed by hand.
//
// Every command that runs custos-server (start, server) runs it from the repository root, so the
// default data directory is the README's ./.custos for all of them; a relative CUSTOS_DATA_DIR is
// taken relative to the directory npm was run from (INIT_CWD).
// CUSTOS_SKIP_SETUP=1 is for tests only: the tools, the workspace and the builds are there
// already, so skip checking them (a test must not run pnpm install in a shared checkout).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tools = join(root, ".tools");
const NODE_VERSION = "24.21.0";
const PNPM_VERSION = "10.34.9";
const arch = process.arch === "arm64" ? "arm64" : "x64";
const nodePkg = join(tools, "node_modules", `node-linux-${arch}`);
const nodeBin = join(nodePkg, "bin");
const pnpmBin = join(tools, "node_modules", "pnpm", "bin", "pnpm.cjs");
// the variables this script itself acts on (see the header); children get the whole environment
const { CUSTOS_DATA_DIR, CUSTOS_SKIP_SETUP, INIT_CWD } = process.env;

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: "inherit", cwd: root, ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function must(status, what) {
  if (status !== 0) {
    console.error(`custos: ${what} failed (exit ${status})`);
    process.exit(status);
  }
}

function ensureTools() {
  const stamp = join(tools, "versions.json");
  const want = JSON.stringify({ node: NODE_VERSION, pnpm: PNPM_VERSION, arch });
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === want) return;
  if (process.platform !== "linux") {
    console.error(
      "custos: the bootstrap installs Node for Linux only; on other systems use Node 24 and pnpm directly.",
    );
    process.exit(1);
  }
  mkdirSync(tools, { recursive: true });
  writeFileSync(join(tools, "package.json"), '{ "private": true }\n');
  must(
    run(
      "npm",
      [
        "install",
        "--prefix",
        tools,
        "--no-audit",
        "--no-fund",
        "--no-package-lock",
        `node-linux-${arch}@${NODE_VERSION}`,
        `pnpm@${PNPM_VERSION}`,
      ],
      { stdio: ["ignore", process.stderr, "inherit"] },
    ),
    "installing Node and pnpm into .tools",
  );
  writeFileSync(stamp, want);
}

/** Environment in which every child runs on the pinned Node LTS. */
function toolEnv() {
  return {
    ...process.env,
    PATH: `${nodeBin}:${join(tools, "node_modules", ".bin")}:${join(root, "node_modules", ".bin")}:${process.env.PATH}`,
    // node-gyp builds native addons (better-sqlite3) against the pinned Node's bundled headers.
    npm_config_nodedir: nodePkg,
    NEXT_TELEMETRY_DISABLED: "1",
    TURBO_TELEMETRY_DISABLED: "1",
    DO_NOT_TRACK: "1",
  };
}

/** toolEnv() for custos-server: CUSTOS_DATA_DIR made absolute against where npm was run. */
function serverEnv() {
  const env = toolEnv();
  if (CUSTOS_DATA_DIR && !isAbsolute(CUSTOS_DATA_DIR)) {
    env.CUSTOS_DATA_DIR = resolve(INIT_CWD ?? process.cwd(), CUSTOS_DATA_DIR);
  }
  return env;
}

/** custos-server's CLI on the pinned Node with its V8 flags, from the repository root (see the header). */
function server(args) {
  const flags = JSON.parse(readFileSync(join(root, "apps", "server", "node-flags.json"), "utf8"));
  return run(join(nodeBin, "node"), [...flags, join(root, "apps", "server", "src", "cli.ts"), ...args], {
    env: serverEnv(),
  });
}

function pnpm(args) {
  return run(join(nodeBin, "node"), [pnpmBin, ...args], { env: toolEnv() });
}

/** Like pnpm(), with its output on stderr so stdout stays clean. */
function quietPnpm(args) {
  return run(join(nodeBin, "node"), [pnpmBin, ...args], {
    env: toolEnv(),
    stdio: ["ignore", process.stderr, "inherit"],
  });
}

function installWorkspace() {
  // progress goes to stderr: stdout stays clean for commands whose output scripts read
  const status = run(join(nodeBin, "node"), [pnpmBin, "install", "--frozen-lockfile", "--prefer-offline"], {
    env: toolEnv(),
    stdio: ["ignore", process.stderr, "inherit"],
  });
  must(status, "pnpm install");
}

/** Before this change `npm start` kept its data in apps/server/.custos: say where it went. */
function noticeOldDataDir() {
  const old = join(root, "apps", "server", ".custos");
  if (CUSTOS_DATA_DIR || !existsSync(old) || existsSync(join(root, ".custos"))) return;
  console.error(
    "custos: the data directory is ./.custos now (the README's); apps/server/.custos holds an earlier " +
      "`npm start`'s data: stop the server and `mv apps/server/.custos .custos` to keep it.",
  );
}

const [task = "start", ...rest] = process.argv.slice(2);
const skipSetup = CUSTOS_SKIP_SETUP === "1";
if (!skipSetup) {
  ensureTools();
  installWorkspace();
}
switch (task) {
  case "setup":
    break;
  case "start":
    if (!skipSetup) {
      // the dashboard served by custos-server; turbo skips it when nothing changed
      must(
        quietPnpm(["exec", "turbo", "run", "build", "--filter=@custos/web", "--output-logs=errors-only"]),
        "building the dashboard",
      );
      // not through turbo, whose errors-only output would hide the one warning line about an
      // other-architecture binary that could not be built (skipped itself when up to date)
      must(quietPnpm(["--silent", "--filter", "@custos/agent", "build:binary"]), "building the agent binary");
    }
    noticeOldDataDir();
    process.exit(server(["start", ...rest]));
    break;
  case "test":
    must(run("bash", [join(root, "scripts", "test-prereqs.sh")], { env: toolEnv() }), "test prerequisites");
    process.exit(pnpm(["run", "test:all", ...rest]));
    break;
  case "server":
    noticeOldDataDir();
    process.exit(server(rest));
    break;
  case "bench":
    process.exit(pnpm(["--filter", "@custos/bench", "run", ...(rest.length ? rest : ["all"])]));
    break;
  case "pnpm":
    process.exit(pnpm(rest));
    break;
  default:
    console.error(`custos: unknown task "${task}" (use start, test, setup, server, bench, pnpm)`);
    process.exit(2);
}
