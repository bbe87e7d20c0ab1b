import { loadMigrations, MigrationError, migrate, migrationsDir } from "@custos/db";
import postgres from "postgres";
import { afterEach, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../src/index.ts";

const open: postgres.Sql[] = [];
async function emptyDb() {
  const sql = postgres(await createEmptyDatabase(inject("pgAdminUrl")), {
    max: 2,
    onnotice: () => undefined,
  });
  open.push(sql);
  return sql;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.end()));
});

describe("migration runner", () => {
  it("applies every migration on an empty database and records them like the Supabase CLI", async () => {
    const sql = await emptyDb();
    const migrations = loadMigrations(migrationsDir);
    const result = await migrate(sql, migrations);
    expect(result.applied).toEqual(migrations.map((m) => m.file));
    const rows = await sql<{ version: string; name: string; statements: string[] }[]>`
      select version, name, statements from supabase_migrations.schema_migrations order by version`;
    expect(rows.map((r) => r.version)).toEqual(migrations.map((m) => m.version));
    expect(rows[0]?.name).toBe("supabase_compat");
    expect(rows[0]?.statements.join("")).toContain("auth.uid()");
    const [tables] = await sql`select count(*)::int as n from pg_tables where schemaname = 'public'`;
    expect(tables?.n).toBeGreaterThan(10);
  });

  it("leaves the rollup bucket functions inlinable: no SET clause, and the planner inlines them", async () => {
    const sql = await emptyDb();
    await migrate(sql, loadMigrations(migrationsDir));
    const fns = await sql<{ proname: string; proconfig: string[] | null }[]>`
      select proname, proconfig from pg_proc
      where pronamespace = 'private'::regnamespace and proname like 'bucket\\_%' order by proname`;
    expect(fns.map((f) => [f.proname, f.proconfig])).toEqual([
      ["bucket_1h", null],
      ["bucket_1m", null],
      ["bucket_5m", null],
    ]);
    // an inlined call shows date_bin in the plan instead of the function
    const plan = await sql.unsafe(
      "explain (verbose, costs off) select private.bucket_5m(now() - make_interval(secs => g)) from generate_series(1, 3) g",
    );
    const text = plan.map((row) => String(Object.values(row)[0])).join("\n");
    expect(text).toContain("date_bin");
    expect(text).not.toContain("bucket_5m");
  });

  it("is a no-op the second time", async () => {
    const sql = await emptyDb();
    const migrations = loadMigrations(migrationsDir);
    await migrate(sql, migrations);
    const again = await migrate(sql, migrations);
    expect(again.applied).toEqual([]);
    expect(again.skipped).toHaveLength(migrations.length);
  });

  it("rolls back a failing migration whole and names the file and the Postgres error", async () => {
    const sql = await emptyDb();
    const good = {
      version: "20000101000000",
      name: "good",
      file: "20000101000000_good.sql",
      sql: "create table t_good (x int);",
    };
    const bad = {
      version: "20000101000001",
      name: "bad",
      file: "20000101000001_bad.sql",
      sql: "create table t_partial (x int); select * from no_such_table;",
    };
    const error = await migrate(sql, [good, bad]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).message).toContain("20000101000001_bad.sql");
    expect((error as MigrationError).message).toContain('relation "no_such_table" does not exist');
    const [partial] =
      await sql`select to_regclass('public.t_partial') as t, to_regclass('public.t_good') as g`;
    expect(partial?.t).toBeNull();
    expect(partial?.g).toBe("t_good");
    const versions = await sql`select version from supabase_migrations.schema_migrations`;
    expect(versions.map((r) => r.version)).toEqual(["20000101000000"]);
  });

  it("refuses a migration file whose name has no timestamp", () => {
    expect(() => loadMigrations(new URL("./fixtures/badly-named/", import.meta.url).pathname)).toThrow(
      /not named YYYYMMDDHHMMSS_name\.sql/,
    );
  });
});
