import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  AppError,
  createApiKey,
  createOrganization,
  listPlans,
  readPlanUsage,
  setOrganizationPlan,
} from "@custos/backend";
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `admin set-plan --org <id or exact name> --plan <plan id>`: puts an organization on a plan
 * (docs/plans.md). Nothing is deleted: usage above the new limits stays and keeps working, and
 * the command says which limits it exceeds. An unknown or ambiguous organization, or an unknown
 * plan, is named.
 */
export async function setPlanCommand(options: { org: string; plan: string }) {
  const org = options.org.trim();
  const planId = options.plan.trim();
  if (!org)
    throw new AppError("VALIDATION", "--org: give an organization id or its exact name", { field: "org" });
  if (!/^[a-z][a-z0-9_-]{0,39}$/.test(planId)) {
    throw new AppError(
      "VALIDATION",
      `--plan: "${options.plan}" is not a plan id (see \`custos-server admin plans\`)`,
      {
        field: "plan",
      },
    );
  }
  const result = await withDatabase(async (sql) => {
    const matches = await sql<{ id: string; name: string }[]>`
      select id, name from public.organizations
      where ${UUID.test(org) ? sql`id = ${org}::uuid` : sql`name = ${org}`}
      order by created_at limit 3`;
    if (matches.length === 0)
      throw new AppError("NOT_FOUND", `--org: no organization with the id or name "${org}"`, {
        field: "org",
      });
    if (matches.length > 1) {
      throw new AppError(
        "CONFLICT",
        `--org: ${matches.length === 3 ? "several" : "two"} organizations are named "${org}" (${matches.map((m) => m.id).join(", ")}): give the id`,
        { field: "org" },
      );
    }
    const target = matches[0] as { id: string; name: string };
    const [plan] = await sql`select id from public.plans where id = ${planId}`;
    if (!plan) {
      const known = (await listPlans({ ctx: { sql } })).map((p) => p.id).join(", ");
      throw new AppError("NOT_FOUND", `--plan: no plan "${planId}" (plans: ${known})`, { field: "plan" });
    }
    const set = await setOrganizationPlan({ ctx: { sql }, input: { org_id: target.id, plan_id: planId } });
    return { set, usage: await readPlanUsage(sql, target.id) };
  });
  const { set, usage } = result;
  process.stdout.write(
    set.changed
      ? `${set.org_name} (${set.org_id}): plan ${set.previous_plan_id} -> ${set.plan_id}\n`
      : `${set.org_name} (${set.org_id}) is already on plan ${set.plan_id}\n`,
  );
  const over = [usage.servers, usage.members, usage.probes, ...usage.channels].filter(
    (l) => l.state === "over_limit",
  );
  for (const limit of over) {
    process.stderr.write(
      `over ${limit.field}: ${limit.used} in use, the plan allows ${limit.limit}; nothing is deleted, new ones are refused until usage is under it\n`,
    );
  }
}

/** `admin plans`: every plan with its limits ("-" = no limit) and how many organizations use it. */
export async function plansCommand(options: { json?: boolean }) {
  const plans = await withDatabase((sql) => listPlans({ ctx: { sql } }));
  if (options.json) {
    process.stdout.write(`${JSON.stringify(plans, null, 2)}\n`);
    return;
  }
  const limit = (n: number | null) => (n === null ? "-" : String(n));
  const rows = [
    [
      "ID",
      "NAME",
      "DEFAULT",
      "SERVERS",
      "MEMBERS",
      "PROBES",
      "CHANNELS",
      "RETENTION raw/1m/5m/1h (days)",
      "ORGS",
    ],
    ...plans.map((p) => [
      p.id,
      p.name,
      p.is_default ? "yes" : "",
      limit(p.max_servers),
      limit(p.max_members),
      limit(p.max_probes),
      Object.keys(p.channel_limits).length === 0
        ? "-"
        : Object.entries(p.channel_limits)
            .map(([kind, n]) => `${kind}:${n}`)
            .join(","),
      `${p.retention_raw_days}/${p.retention_1m_days}/${p.retention_5m_days}/${p.retention_1h_days}`,
      String(p.organizations),
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  for (const row of rows) {
    process.stdout.write(
      `${row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd()}\n`,
    );
  }
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
