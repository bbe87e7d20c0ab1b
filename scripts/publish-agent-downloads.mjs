#!/usr/bin/env node
// Publishes the agent installer with the static dashboard (the cloud: Supabase). Plain Node 24
// (it imports packages/protocol/src/install.ts, TypeScript Node runs as is), no dependencies.
//
//   pnpm --filter @custos/agent build:binary        # apps/agent/dist/custos-agent-linux-*
//   NEXT_PUBLIC_SUPABASE_URL=… NEXT_PUBLIC_SUPABASE_ANON_KEY=… pnpm --filter @custos/web build
//   node scripts/publish-agent-downloads.mjs --api-url https://<ref>.supabase.co --dashboard-url https://custos.example.com
//
// Writes into the dashboard's export (apps/web/out):
//   install.sh            the repository's install.sh with DEFAULT_URL = the API (agents register
//                         with the Supabase project) and DEFAULT_DOWNLOADS = <dashboard url>/downloads
//   downloads/custos-agent-linux-{x64,arm64}[.sha256]   copied from apps/agent/dist
// so the install command the dashboard shows (`curl -fsSL <dashboard url>/install.sh | … --url
// <api url> --downloads <dashboard url>/downloads`) finds both on the static host.
// docs/deploy-supabase.md step 8, docs/decisions/0028-cloud-installer-on-the-static-host.md.
//
// Exit 0: written. Exit 1: something to build first (the host architecture's binary, the
// dashboard). Exit 2: a bad or missing argument. Nothing is written unless everything checks out.
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  createReadStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { INSTALL_URL } from "../packages/protocol/src/install.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const ARCHES = ["x64", "arm64"];
/** The lines of install.sh filled in here (custos-server fills only the first). */
const URL_LINE = "DEFAULT_URL='__CUSTOS_URL__'";
const DOWNLOADS_LINE = "DEFAULT_DOWNLOADS='__CUSTOS_DOWNLOADS__'";
const BUILD_BINARY = "pnpm --filter @custos/agent build:binary";

const USAGE = `Usage: node scripts/publish-agent-downloads.mjs [options]

Puts install.sh and the agent binaries into the static dashboard's export, so the install command
the cloud dashboard shows works. Run after \`pnpm --filter @custos/web build\`.

Options:
  --api-url=URL        where agents register: the Supabase project URL, https://<ref>.supabase.co
                       (default: NEXT_PUBLIC_SUPABASE_URL)
  --dashboard-url=URL  where the dashboard (and so install.sh) is hosted, CUSTOS_PUBLIC_URL
                       (default: CUSTOS_PUBLIC_URL)
  --out=DIR            the dashboard's export (default: apps/web/out)
  --dist=DIR           the agent binaries (default: apps/agent/dist)
  -h, --help           this text
`;

class Failure extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}
const usageError = (message) => new Failure(`${message}\n\n${USAGE}`, 2);

/** `--name=value` and `--name value`; every option at most once. */
export function parseArgs(argv) {
  const names = ["--api-url", "--dashboard-url", "--out", "--dist"];
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-h" || arg === "--help") return { help: true };
    const eq = arg.indexOf("=");
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (!names.includes(name)) throw usageError(`unknown option: ${arg}`);
    let value;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith("--")) throw usageError(`${name} needs a value`);
      i++;
    }
    if (value === "") throw usageError(`${name} needs a value`);
    const key = name.slice(2);
    if (key in options) throw usageError(`${name} given twice`);
    options[key] = value;
  }
  return options;
}

/** A URL install.sh accepts (its url_ok, INSTALL_URL), without a trailing slash. */
function checkUrl(flag, envName, value, example) {
  if (value === undefined || value === "") {
    throw usageError(`${flag} is required (or set ${envName}): ${example}`);
  }
  const url = value.replace(/\/+$/, "");
  if (!INSTALL_URL.test(url)) {
    throw usageError(
      `${flag}: expected a plain http(s) URL such as ${example} (letters, digits and . _ ~ % / - only), not ${JSON.stringify(value)}`,
    );
  }
  return url;
}

async function sha256(path) {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk);
  return hash.digest("hex");
}

/** The binary and its .sha256, checked against each other; undefined when the binary is missing. */
async function binary(dist, arch) {
  const name = `custos-agent-linux-${arch}`;
  const path = join(dist, name);
  if (!existsSync(path)) return undefined;
  const rebuild = `rebuild it: ${BUILD_BINARY} --arch ${arch}`;
  if (!statSync(path).isFile()) throw new Failure(`${path} is not a file; ${rebuild}`, 1);
  const sumPath = `${path}.sha256`;
  if (!existsSync(sumPath)) throw new Failure(`${sumPath} is missing; ${rebuild}`, 1);
  const expected = readFileSync(sumPath, "utf8").split(/\s/)[0] ?? "";
  if (!/^[0-9a-f]{64}$/.test(expected)) throw new Failure(`${sumPath} holds no SHA-256 sum; ${rebuild}`, 1);
  if ((await sha256(path)) !== expected) {
    throw new Failure(`${sumPath} does not match ${name} (install.sh would refuse it); ${rebuild}`, 1);
  }
  return { name, path, sumPath };
}

/** Writes next to the destination, then renames: a reader never sees half a file. */
function put(destination, write) {
  const temp = join(dirname(destination), `.${Date.now()}.${process.pid}.tmp`);
  try {
    write(temp);
    chmodSync(temp, 0o644);
    renameSync(temp, destination);
  } finally {
    rmSync(temp, { force: true });
  }
}

/**
 * Checks everything, then writes install.sh and downloads/ into `out`. Returns what it wrote and
 * the warnings; throws a Failure (with its exit code) before writing anything.
 */
export async function publish({ argv = [], env = {}, log = () => undefined } = {}) {
  const options = parseArgs(argv);
  if (options.help) return { help: true };
  const apiUrl = checkUrl(
    "--api-url",
    "NEXT_PUBLIC_SUPABASE_URL",
    options["api-url"] ?? env.NEXT_PUBLIC_SUPABASE_URL,
    "https://<ref>.supabase.co",
  );
  if (/\/functions\/v1(\/|$)/.test(apiUrl)) {
    throw usageError(
      `--api-url: the project URL (https://<ref>.supabase.co), without /functions/v1/api: agents add that themselves`,
    );
  }
  const dashboardUrl = checkUrl(
    "--dashboard-url",
    "CUSTOS_PUBLIC_URL",
    options["dashboard-url"] ?? env.CUSTOS_PUBLIC_URL,
    "https://custos.example.com",
  );
  const out = resolve(options.out ?? join(ROOT, "apps", "web", "out"));
  const dist = resolve(options.dist ?? join(ROOT, "apps", "agent", "dist"));

  if (!existsSync(join(out, "index.html"))) {
    throw new Failure(
      `--out: ${out} holds no dashboard (no index.html); build it first: pnpm --filter @custos/web build`,
      1,
    );
  }
  const script = readFileSync(join(ROOT, "install.sh"), "utf8");
  for (const line of [URL_LINE, DOWNLOADS_LINE]) {
    if (!script.includes(line)) throw new Failure(`install.sh has no line ${line} to fill in`, 1);
  }

  const host = process.arch === "arm64" ? "arm64" : "x64";
  const warnings = [];
  const found = [];
  for (const arch of [host, ...ARCHES.filter((a) => a !== host)]) {
    const built = await binary(dist, arch);
    if (built) found.push(built);
    else if (arch === host) {
      throw new Failure(
        `custos-agent-linux-${arch} (the agent for this machine's architecture) is not built in ${dist}. ` +
          `Build it in the repository with \`. ./.tools-env.sh && ${BUILD_BINARY}\` (or \`${BUILD_BINARY} --arch ${arch}\`), then run this again.`,
        1,
      );
    } else {
      warnings.push(
        `custos-agent-linux-${arch} is not built, so ${arch === "arm64" ? "aarch64" : "x86_64"} servers cannot install from this host; ` +
          `build it with \`${BUILD_BINARY} --arch ${arch}\` and publish again`,
      );
    }
  }

  // ---- everything checked: write ----
  const downloads = join(out, "downloads");
  mkdirSync(downloads, { recursive: true });
  for (const { name, path, sumPath } of found) {
    put(join(downloads, name), (temp) => copyFileSync(path, temp));
    put(join(downloads, `${name}.sha256`), (temp) => copyFileSync(sumPath, temp));
  }
  // an architecture published earlier but not built now would be an older agent: drop it
  for (const arch of ARCHES) {
    const name = `custos-agent-linux-${arch}`;
    if (found.some((f) => f.name === name)) continue;
    for (const stale of [name, `${name}.sha256`]) rmSync(join(downloads, stale), { force: true });
  }
  const filled = script
    .replace(URL_LINE, `DEFAULT_URL='${apiUrl}'`)
    .replace(DOWNLOADS_LINE, `DEFAULT_DOWNLOADS='${dashboardUrl}/downloads'`);
  put(join(out, "install.sh"), (temp) => writeFileSync(temp, filled));

  const shown = (p) => relative(process.cwd(), p) || p;
  log(
    `wrote ${shown(join(out, "install.sh"))} (agents register with ${apiUrl}, download from ${dashboardUrl}/downloads)`,
  );
  for (const { name } of found) log(`copied ${name} and ${name}.sha256 to ${shown(downloads)}/`);
  log(
    `upload the contents of ${shown(out)} to ${dashboardUrl}; check: curl -fsSI ${dashboardUrl}/install.sh ${dashboardUrl}/downloads/${found[0]?.name}.sha256`,
  );
  return { apiUrl, dashboardUrl, out, published: found.map((f) => f.name), warnings };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const result = await publish({
      argv: process.argv.slice(2),
      env: process.env,
      log: (line) => console.log(`publish-agent-downloads: ${line}`),
    });
    if (result.help) process.stdout.write(USAGE);
    for (const warning of result.warnings ?? [])
      console.error(`publish-agent-downloads: warning: ${warning}`);
  } catch (error) {
    if (!(error instanceof Failure)) throw error;
    console.error(`publish-agent-downloads: ${error.message}`);
    process.exit(error.code);
  }
}
