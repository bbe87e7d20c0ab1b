import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Sql } from "postgres";

export interface Migration {
  /** The timestamp prefix, e.g. "20261122000100": the key the Supabase CLI records. */
  version: string;
  /** The rest of the file name without ".sql", e.g. "supabase_compat". */
  name: string;
  file: string;
  sql: string;
}

const FILE_RE = /^(\d{14})_(.+)\.sql$/;

/** Reads supabase/migrations in version order; a file not named <14 digits>_<name>.sql is an error. */
export function loadMigrations(dir: string): Migration[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort();
  return files.map((file) => {
    const match = FILE_RE.exec(file);
    if (!match) throw new Error(`migration file ${file} is not named YYYYMMDDHHMMSS_name.sql`);
    const [, version = "", name = ""] = match;
    return { version, name, file, sql: readFileSync(join(dir, file), "utf8") };
  });
}

export class MigrationError extends Error {
  readonly file: string;
  readonly pgMessage: string;
  constructor(file: string, pgMessage: string) {
    super(`migration ${file} failed: ${pgMessage}`);
    this.name = "MigrationError";
    this.file = file;
    this.pgMessage = pgMessage;
  }
}

// The same table the Supabase CLI creates (pkg/migration/history.go), so `supabase db push`
// later sees these versions as applied.
const HISTORY_DDL = `
  create schema if not exists supabase_migrations;
  create table if not exists supabase_migrations.schema_migrations (version text not null primary key);
  alter table supabase_migrations.schema_migrations add column if not exists statements text[];
  alter table supabase_migrations.schema_migrations add column if not exists name text;
`;

export interface MigrateResult {
  applied: string[];
  skipped: string[];
}

/**
 * Applies pending migrations in order, each in its own transaction together with its history
 * row, so a failure rolls the file back entirely and leaves earlier files applied. An advisory
 * lock serialises two processes starting on one database.
 */
export async function migrate(sql: Sql, migrations: Migration[]): Promise<MigrateResult> {
  const result: MigrateResult = { applied: [], skipped: [] };
  await sql.unsafe(HISTORY_DDL);
  await sql.reserve().then(async (conn) => {
    try {
      await conn`select pg_advisory_lock(hashtext('custos:migrate'))`;
      const rows = await conn<
        { version: string }[]
      >`select version from supabase_migrations.schema_migrations`;
      const done = new Set(rows.map((r) => r.version));
      for (const m of migrations) {
        if (done.has(m.version)) {
          result.skipped.push(m.file);
          continue;
        }
        try {
          await conn.unsafe("begin");
          await conn.unsafe(m.sql);
          await conn`
            insert into supabase_migrations.schema_migrations (version, name, statements)
            values (${m.version}, ${m.name}, ${[m.sql]})`;
          await conn.unsafe("commit");
        } catch (error) {
          await conn.unsafe("rollback").catch(() => undefined);
          throw new MigrationError(m.file, error instanceof Error ? error.message : String(error));
        }
        result.applied.push(m.file);
      }
    } finally {
      await conn`select pg_advisory_unlock(hashtext('custos:migrate'))`.catch(() => undefined);
      conn.release();
    }
  });
  return result;
}
