/**
 * Loads better-sqlite3's native addon from inside the single executable. A SEA's `require` sees
 * only built-in modules and `dlopen` needs a file, so the addon (embedded as the asset
 * `better_sqlite3.node`) is written once to a content-addressed file in a private directory,
 * verified, and loaded with `process.dlopen`. docs/decisions/0011-agent-single-executable.md
 *
 * The addon's sha256 is fixed at build time (the asset `better_sqlite3.node.sha256`): a start
 * that finds the file already there (the usual case) checks its name, size, owner and mode and
 * reads neither the file nor the embedded copy; the bytes are hashed only when the file is
 * written. Hashing both at every start kept ~2.7 MiB more resident (decision 0030).
 */
import { createHash } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { getRawAsset } from "node:sea";

/** An addon embedded by the build script: the asset, `<asset>.sha256` beside it (hex), the file name's prefix. */
export interface EmbeddedAddon {
  asset: string;
  prefix: string;
  /** For the error message: "the embedded <what> addon". */
  what: string;
}

export const SQLITE_ADDON: EmbeddedAddon = {
  asset: "better_sqlite3.node",
  prefix: "better_sqlite3-",
  what: "SQLite",
};
/** Optional (sea/pageout.c): built only where the build found a C compiler. */
export const PAGEOUT_ADDON: EmbeddedAddon = { asset: "pageout.node", prefix: "pageout-", what: "page-out" };

export interface LoadedAddon {
  /** The module object better-sqlite3 accepts as `nativeBinding`. */
  binding: object;
  /** The file it was loaded from. */
  file: string;
}

/**
 * Where the addon file may go, most preferred first: the service's state directory (systemd
 * sets STATE_DIRECTORY for `StateDirectory=custos`; writable under ProtectSystem=strict), then a
 * per-user directory in the temporary directory, then one in the home directory (for a /tmp
 * mounted noexec). Read here rather than in src/env.ts because this runs before the app starts.
 */
export function candidateDirs(env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  const dirs: string[] = [];
  const state = env.STATE_DIRECTORY?.split(":")[0];
  if (state) dirs.push(join(state, "native"));
  const uid = typeof process.getuid === "function" ? process.getuid() : 0;
  dirs.push(join(tmpdir(), `custos-agent-${uid}`));
  const home = env.HOME ?? homedir();
  if (home) dirs.push(join(home, ".cache", "custos-agent"));
  return [...new Set(dirs)];
}

/** Whether the executable carries the addon's asset. */
export function hasEmbeddedAddon(addon: EmbeddedAddon): boolean {
  try {
    getRawAsset(addon.asset);
    return true;
  } catch {
    return false;
  }
}

/** Extracts (when needed), verifies and loads the embedded addon. Throws naming every place tried. */
export function loadEmbeddedAddon(
  dirs: readonly string[] = candidateDirs(),
  addon: EmbeddedAddon = SQLITE_ADDON,
): LoadedAddon {
  // a view of the asset in the executable's mapping: no copy, and no page is read until written out
  const bytes = new Uint8Array(getRawAsset(addon.asset));
  const digest = embeddedDigest(addon.asset);
  const name = `${addon.prefix}${digest.slice(0, 24)}.node`;
  const failures: string[] = [];
  for (const dir of dirs) {
    try {
      const file = materialize(dir, name, bytes, digest);
      const module = { exports: {} as object };
      process.dlopen(module, file);
      removeStale(dir, name, addon.prefix);
      return { binding: module.exports, file };
    } catch (error) {
      failures.push(`${dir}: ${(error as Error).message}`);
    }
  }
  throw new Error(`cannot load the embedded ${addon.what} addon (${failures.join("; ")})`);
}

/**
 * A stand-in binding for when loading failed: commands that never open the state database
 * (version, check) still work, and the first database open reports why it cannot.
 */
export function failingBinding(error: Error): object {
  return new Proxy(
    {},
    {
      get() {
        throw error;
      },
    },
  );
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** The addon's sha256 as the build computed it (an older build without it: hashed here). */
function embeddedDigest(asset: string): string {
  try {
    const digest = Buffer.from(getRawAsset(`${asset}.sha256`))
      .toString("latin1")
      .trim();
    if (/^[0-9a-f]{64}$/.test(digest)) return digest;
  } catch {
    // no such asset
  }
  return sha256(new Uint8Array(getRawAsset(asset)));
}

/**
 * The addon file in `dir`: one already there is used when its name (the digest), size, owner and
 * mode are right; otherwise the embedded bytes are checked against the digest and written
 * atomically, and the written file is checked again.
 */
function materialize(dir: string, name: string, bytes: Uint8Array, digest: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  assertPrivate(dir);
  const file = join(dir, name);
  if (isTrusted(file, bytes.byteLength)) return file;
  if (sha256(bytes) !== digest) throw new Error("the embedded addon does not match its build-time digest");
  const temp = join(dir, `.${name}.${process.pid}.tmp`);
  const fd = openSync(temp, "w", 0o644);
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
  if (sha256(readFileSync(file)) !== digest) throw new Error(`${file} changed while it was written`);
  return file;
}

/** A regular file (not a link) of the expected size, owned by this user or root, writable by no one else. */
function isTrusted(file: string, size: number): boolean {
  try {
    const info = lstatSync(file);
    const uid = typeof process.getuid === "function" ? process.getuid() : 0;
    return (
      info.isFile() && info.size === size && (info.uid === uid || info.uid === 0) && (info.mode & 0o022) === 0
    );
  } catch {
    return false;
  }
}

/**
 * Nobody but this user (or root) may be able to swap the file between the check and dlopen:
 * the directory must be a real directory owned by us or root and not writable by group/others.
 */
function assertPrivate(dir: string): void {
  const info = lstatSync(dir);
  const uid = typeof process.getuid === "function" ? process.getuid() : 0;
  if (!info.isDirectory()) throw new Error("not a directory");
  if (info.uid !== uid && info.uid !== 0) throw new Error(`owned by uid ${info.uid}, not by this user`);
  if ((info.mode & 0o022) !== 0) throw new Error("writable by group or others");
}

/** Addon files of other versions (left by an upgrade) are removed once this one loaded. */
function removeStale(dir: string, keep: string, prefix: string): void {
  try {
    for (const entry of readdirSync(dir)) {
      if (entry !== keep && entry.startsWith(prefix) && entry.endsWith(".node")) unlinkSync(join(dir, entry));
    }
  } catch {
    // best effort: a leftover file costs only disk space
  }
}
