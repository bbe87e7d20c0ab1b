import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { createApiKey, createOrganization } from "@custos/backend";
import { loadMigrations, migrate, migrationsDir } from "@custos/db";
import postgres from "postgres";
import { embeddedUrl, openDatabase } from "../database.ts";
import { readEnv } from "../env.ts";
import { createLogger } from "../log.ts";

/**
 * Runs `work` against the server's database: DATABASE_URL, else the embedded cluster of the
 * data dir — the running one if custos-server is up, else started just for this command.
 */
async function withDatabase<T>(work: (sql: postgres.Sql) => Promise<T>): Promise<T> {
  const env = readEnv();
  const log = createLogger("error");
  const running = !env.DATABASE_URL && existsSync(join(resolve(env.CUSTOS_DATA_DIR), "pg", "postmaster.pid"));
  const db = running
    ? { url: embeddedUrl(env.CUSTOS_DATA_DIR) as string, stop: async () => undefined }
    : await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.CUSTOS_DATA_DIR, log });
  const sql = postgres(db.url, { max: 2, onnotice: () => undefined });
  try {
    await migrate(sql, loadMigrations(migrationsDir));
    return await work(sql);
  } finally {
    await sql.end({ timeout: 5 });
    await db.stop();
  }
}

export async function createOrgCommand(options: {
  name: string;
  requireApproval?: boolean;
  retentionDays?: number;
}) {
  const org = await withDatabase((sql) =>
    createOrganization({
      ctx: { sql },
      input: {
        name: options.name,
        require_server_approval: options.requireApproval ?? false,
        ...(options.retentionDays !== undefined ? { raw_retention_days: options.retentionDays } : {}),
      },
    }),
  );
  process.stdout.write(`${org.id}\n`);
}

export async function createKeyCommand(options: { org: string; scope: string; name?: string }) {
  const key = await withDatabase((sql) =>
    createApiKey({
      ctx: { sql },
      input: {
        org_id: options.org,
        scope: options.scope as "agent" | "read",
        ...(options.name ? { name: options.name } : {}),
      },
    }),
  );
  // the key itself goes to stdout (for scripts); the reminder to stderr
  process.stdout.write(`${key.key}\n`);
  process.stderr.write(
    `API key ${key.prefix}… (${key.scope}) created. It is shown only now; store it safely.\n`,
  );
}
