import { execFileSync, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import {
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { join, resolve } from "node:path";
import type { Logger } from "@custos/backend";
import type { PostgresInstall, RunAs } from "./postgres-process.ts";

/**
 * PostgreSQL refuses to run as root, so as root custos-server runs it as the `postgres` OS user,
 * which cannot pass a 0700 ancestor (/root, a mktemp -d data dir). Whatever that user cannot
 * reach is kept under /var/lib/custos-server instead: the PostgreSQL binaries as a copy, the
 * cluster as `<hash of the data dir>/pg` with `<data dir>/pg` a symlink to it (the record of
 * where it is). docs/decisions/0016-embedded-postgres-as-root.md
 */
export const ROOT_BASE = "/var/lib/custos-server";

const WHAT_TO_DO =
  "set CUSTOS_DATA_DIR to a directory the `postgres` OS user can reach (every parent searchable by others, e.g. /var/lib/custos), or run custos-server as a non-root user";

/** The `postgres` OS user, created (as a system user) when it does not exist. */
export function postgresUser(): RunAs {
  const lookup = () => {
    const uid = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
    const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
    return uid.status === 0 && gid.status === 0
      ? { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) }
      : undefined;
  };
  const found = lookup();
  if (found) return found;
  try {
    execFileSync(
      "useradd",
      [
        "--system",
        "--user-group",
        "--no-create-home",
        "--home-dir",
        "/nonexistent",
        "--shell",
        "/usr/sbin/nologin",
        "postgres",
      ],
      // useradd lives in sbin, which a minimal PATH (cron, `env -i`, some containers) leaves out
      {
        stdio: ["ignore", "ignore", "pipe"],
        env: { ...process.env, PATH: `${process.env.PATH ?? "/usr/bin:/bin"}:/usr/sbin:/sbin` },
      },
    );
  } catch (error) {
    throw new Error(
      `PostgreSQL refuses to run as root and creating a \`postgres\` OS user to run it failed (${String(error)}): create one, or run custos-server as a non-root user`,
    );
  }
  const created = lookup();
  if (!created) throw new Error("useradd postgres succeeded but `id postgres` does not find the user");
  return created;
}

/** Whether `user` can search `path` and every directory above it (the kernel decides, not a guess). */
export function canReach(user: RunAs, path: string): boolean {
  const result = spawnSync("test", ["-x", path], { uid: user.uid, gid: user.gid, stdio: "ignore" });
  return result.status === 0;
}

/** The installation itself when `user` can run it, else a copy under `base` (made once per version). */
export function reachableInstall(
  install: PostgresInstall,
  user: RunAs,
  log: Logger,
  base = ROOT_BASE,
): PostgresInstall {
  if (canReach(user, join(install.dir, "bin", "postgres"))) return install;
  const dir = join(base, `postgresql-${install.version}-${process.platform}-${process.arch}`);
  if (!existsSync(join(dir, "bin", "postgres"))) {
    const temp = `${dir}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    try {
      mkdirSync(base, { recursive: true, mode: 0o755 });
      // verbatimSymlinks: the libraries' relative version symlinks stay relative to the copy
      cpSync(install.dir, temp, { recursive: true, verbatimSymlinks: true });
      renameSync(temp, dir);
    } catch (error) {
      rmSync(temp, { recursive: true, force: true });
      // another process may have won the rename
      if (!existsSync(join(dir, "bin", "postgres"))) {
        throw new Error(
          `the \`postgres\` OS user cannot reach ${install.dir} and copying it to ${dir} failed (${String(error)}): ${WHAT_TO_DO}`,
        );
      }
    }
    log.info("copied the PostgreSQL binaries where the postgres OS user can run them", {
      from: install.dir,
      to: dir,
    });
  }
  if (!canReach(user, join(dir, "bin", "postgres"))) {
    throw new Error(
      `the \`postgres\` OS user cannot reach ${install.dir} nor its copy ${dir}: ${WHAT_TO_DO}`,
    );
  }
  return { ...install, dir };
}

/**
 * The cluster directory of `dataDir` for PostgreSQL running as `user`: `<dataDir>/pg` when that
 * user can reach it (an existing cluster there is always kept), else a directory under `base`
 * that `<dataDir>/pg` then points to.
 */
export function reachableClusterDir(dataDir: string, user: RunAs, log: Logger, base = ROOT_BASE): string {
  const link = join(dataDir, "pg");
  const entry = lstatSync(link, { throwIfNoEntry: false });
  if (entry?.isSymbolicLink()) {
    const target = resolve(dataDir, readlinkSync(link));
    if (!canReach(user, target)) {
      throw new Error(
        `the \`postgres\` OS user cannot reach the cluster ${target} that ${link} points to: ${WHAT_TO_DO}`,
      );
    }
    return target;
  }
  if (canReach(user, dataDir)) return link;
  if (entry?.isDirectory()) {
    if (existsSync(join(link, "PG_VERSION"))) {
      throw new Error(
        `the \`postgres\` OS user cannot reach the cluster ${link} (a parent directory is not searchable by others): make them searchable (chmod o+x), or ${WHAT_TO_DO}`,
      );
    }
    // an empty directory left by a failed first start: nothing to keep
    rmdirSync(link);
  }
  const id = createHash("sha256").update(realpathSync(dataDir)).digest("hex").slice(0, 16);
  const home = join(base, id);
  const target = join(home, "pg");
  try {
    mkdirSync(home, { recursive: true, mode: 0o755 });
    mkdirSync(target, { recursive: true, mode: 0o700 });
    chownSync(target, user.uid, user.gid);
  } catch (error) {
    throw new Error(
      `the \`postgres\` OS user cannot reach ${dataDir} and ${target} could not be made (${String(error)}): ${WHAT_TO_DO}`,
    );
  }
  if (!canReach(user, target))
    throw new Error(`the \`postgres\` OS user cannot reach ${dataDir} nor ${target}: ${WHAT_TO_DO}`);
  symlinkSync(target, link);
  log.info(
    "embedded PostgreSQL cluster kept outside the data dir: the postgres OS user (PostgreSQL refuses root) cannot reach the data dir",
    {
      cluster: target,
      link,
    },
  );
  return target;
}
