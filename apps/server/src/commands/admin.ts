import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { AppError, createApiKey, createOrganization } from "@custos/backend";
import { loadMigrations, migrate, migrationsDir } from "@custos/db";
import postgres from "postgres";
import {
  AuthError,
  assertAcceptablePassword,
  createRecoveryToken,
  Email,
  hashPassword,
  RECOVERY_TTL_SECONDS,
  setPassword,
} from "../auth/index.ts";
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

export async function createKeyCommand(options: {
  org: string;
  scope: string;
  name?: string;
  maxServers?: number;
  enrollUntil?: string;
}) {
  // the limits of a fleet key (decision 0032), checked by the same schema as the dashboard's
  const key = await withDatabase((sql) =>
    createApiKey({
      ctx: { sql },
      input: {
        org_id: options.org,
        scope: options.scope as "agent" | "read",
        ...(options.name ? { name: options.name } : {}),
        ...(options.maxServers !== undefined ? { max_servers: options.maxServers } : {}),
        ...(options.enrollUntil !== undefined ? { enroll_until: options.enrollUntil } : {}),
      },
    }),
  );
  // the key itself goes to stdout (for scripts); the reminder to stderr
  process.stdout.write(`${key.key}\n`);
  process.stderr.write(
    `API key ${key.prefix}… (${key.scope}) created. It is shown only now; store it safely.\n`,
  );
}

/**
 * `admin reset-password --email E`: prints a one-time link to the dashboard's reset page (valid
 * RECOVERY_TTL_SECONDS, single use, only its hash stored). With `--password-stdin` it sets the
 * password read from standard input instead — never from a flag, whose value any local user can
 * read in `ps`. Either way the user's sessions end when the new password is set.
 */
export async function resetPasswordCommand(options: { email: string; passwordStdin?: boolean }) {
  const parsed = Email.safeParse(options.email);
  if (!parsed.success) {
    throw new AppError("VALIDATION", `--email: ${parsed.error.issues[0]?.message ?? "invalid"}`, {
      field: "email",
    });
  }
  const email = parsed.data;
  const password = options.passwordStdin ? await readPasswordFromStdin() : undefined;
  const env = readEnv();
  const notFound = () =>
    new AppError("NOT_FOUND", `--email: no account with the email ${email}`, { field: "email" });

  if (password !== undefined) {
    const passwordHash = await hashPassword(password);
    const ended = await withDatabase(async (sql) => {
      const [user] = await sql<{ id: string }[]>`
        select id from auth.users where email = ${email} and is_anonymous = false`;
      if (!user) throw notFound();
      return sql.begin(async (tx) => {
        await setPassword(tx, { userId: user.id, passwordHash, at: new Date() });
        return (await tx`delete from auth.sessions where user_id = ${user.id}`).count;
      });
    });
    process.stderr.write(`Password set for ${email}; ${ended} session(s) signed out.\n`);
    return;
  }

  const created = await withDatabase((sql) => createRecoveryToken(sql, { email, at: new Date() }));
  if (!created) throw notFound();
  // the dashboard is served by this server: its public URL, else where it listens locally
  const base = env.CUSTOS_PUBLIC_URL ?? `http://localhost:${env.PORT}`;
  // the token in the fragment never reaches server or proxy logs (as invitation links)
  process.stdout.write(`${base}/reset-password#token=${created.token}\n`);
  process.stderr.write(
    `One-time link for ${email}, valid until ${created.expiresAt.toISOString()} ` +
      `(${RECOVERY_TTL_SECONDS / 60} minutes). Setting the new password signs out the user's other sessions.\n`,
  );
}

/** The whole of standard input minus one trailing newline (`echo pw |`, `printf pw |`, a file). */
async function readPasswordFromStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new AppError("VALIDATION", '--password-stdin: pipe the password in, e.g. `printf %s "$PW" | …`', {
      field: "password",
    });
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
  if (!password) {
    throw new AppError("VALIDATION", "--password-stdin: standard input was empty", { field: "password" });
  }
  try {
    assertAcceptablePassword(password);
  } catch (error) {
    if (error instanceof AuthError) {
      throw new AppError("VALIDATION", `--password-stdin: ${error.message}`, { field: "password" });
    }
    throw error;
  }
  return password;
}
