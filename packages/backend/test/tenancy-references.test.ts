import { randomUUID } from "node:crypto";
import type { TransactionSql } from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asCaller, createOrganization } from "../src/index.ts";
import { setup } from "./harness.ts";
import { seedOrg } from "./tenancy-seed.ts";

/**
 * A signed-in user writing as `authenticated` (what the Data API lets anyone run in the cloud)
 * can never make a row of their organization point at another organization's object.
 *
 * The references are read from the catalog, not listed here: every foreign-key column of every
 * table in `public`, plus every column that looks like a reference (`*_id`, `*_ids`, `uuid[]`).
 * For each, user A (owner of org A) tries to insert and to update a row of A naming org B's
 * object; each attempt must be refused (23503 by a composite foreign key or the id-array
 * trigger, 42501 by a grant or an RLS policy). Where A may write the column at all, the same
 * write naming A's own object must succeed, so a refusal is about the reference and nothing
 * else. A table added later that references without the organization fails here.
 * Decision record: docs/decisions/0018-tenancy-in-the-schema.md.
 */
let h: Awaited<ReturnType<typeof setup>>;
const users = { a: randomUUID(), b: randomUUID() };
const orgs = { a: "", b: "" };

/**
 * Columns that look like references but have no foreign key: which table they point to. A new
 * one fails the test until it is named here (and enforced).
 */
const TARGET_BY_NAME: Record<string, string> = {
  org_id: "organizations",
  server_id: "servers",
  monitor_id: "monitors",
  monitor_ids: "monitors",
  server_ids: "servers",
  channel_id: "channels",
  channel_ids: "channels",
  escalation_channel_ids: "channels",
  incident_id: "incidents",
  series_id: "metric_series",
};

/** Columns named like references that are not references, each with the reason. */
const NOT_REFERENCES: Record<string, string> = {
  // the agent's idempotency key for one batch: chosen by the agent, it names no row
  "ingest_batches.batch_id": "agent-chosen idempotency key",
};

/**
 * References that may cross organizations on purpose. None today: references to auth.users
 * (members, authors of invitations, keys and maintenance) are tested like the others, with user B
 * as the foreign object, because a user writing as themselves may only ever name themselves.
 */
const ORG_INDEPENDENT: Record<string, string> = {};

interface Reference {
  table: string;
  column: string;
  type: string;
  array: boolean;
  target: { schema: string; table: string; column: string };
}

interface Table {
  name: string;
  columns: string[];
  /** `generated always as identity`: nobody writes those */
  identity: string[];
  pk: string[];
}

beforeAll(async () => {
  h = await setup();
  orgs.a = (await createOrganization({ ctx: { sql: h.sql }, input: { name: "A" } })).id;
  orgs.b = (await createOrganization({ ctx: { sql: h.sql }, input: { name: "B" } })).id;
  await seedOrg(h, orgs.a, users.a, "a@example.com");
  await seedOrg(h, orgs.b, users.b, "b@example.com");
  // different plans, so organizations.plan_id has a "B's object" to name
  await h.sql`update organizations set plan_id = 'free' where id = ${orgs.a}`;
  await h.sql`update organizations set plan_id = 'pro' where id = ${orgs.b}`;
});
afterAll(() => h.close());

async function tables(): Promise<Table[]> {
  return h.sql<Table[]>`
    select c.relname as name,
           array(select a.attname::text from pg_attribute a
                 where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped order by a.attnum) as columns,
           array(select a.attname::text from pg_attribute a
                 where a.attrelid = c.oid and a.attnum > 0 and a.attidentity = 'a') as identity,
           array(select a.attname::text from pg_index i
                 join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any (i.indkey)
                 where i.indrelid = c.oid and i.indisprimary) as pk
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
    order by 1`;
}

/** Every reference in `public`, from foreign keys and from column names and types. */
async function references(): Promise<{ refs: Reference[]; unexplained: string[] }> {
  const fks = await h.sql<
    { table: string; column: string; schema: string; target: string; target_column: string }[]
  >`
    select c.conrelid::regclass::text as table, a.attname::text as column,
           tn.nspname::text as schema, t.relname::text as target, ta.attname::text as target_column
    from pg_constraint c
    cross join lateral unnest(c.conkey, c.confkey) as k(col, fcol)
    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.col
    join pg_class t on t.oid = c.confrelid
    join pg_namespace tn on tn.oid = t.relnamespace
    join pg_attribute ta on ta.attrelid = c.confrelid and ta.attnum = k.fcol
    where c.contype = 'f' and c.connamespace = 'public'::regnamespace
      -- in a composite (org_id, x_id) key, org_id is the organization itself, tested on its own
      -- through its single-column key to organizations
      and not (a.attname = 'org_id' and cardinality(c.conkey) > 1)`;
  const columns = await h.sql<{ table: string; column: string; type: string; array: boolean }[]>`
    select c.relname::text as table, a.attname::text as column,
           format_type(a.atttypid, a.atttypmod) as type, t.typcategory = 'A' as array
    from pg_attribute a
    join pg_class c on c.oid = a.attrelid
    join pg_type t on t.oid = a.atttypid
    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
      and a.attnum > 0 and not a.attisdropped`;
  const typeOf = new Map(columns.map((c) => [`${c.table}.${c.column}`, c]));
  const refs: Reference[] = [];
  const seen = new Set<string>();
  for (const fk of fks) {
    const key = `${fk.table}.${fk.column}`;
    const col = typeOf.get(key);
    if (!col) throw new Error(`no column ${key}`);
    seen.add(key);
    refs.push({
      table: fk.table,
      column: fk.column,
      type: col.type,
      array: col.array,
      target: { schema: fk.schema, table: fk.target, column: fk.target_column },
    });
  }
  const unexplained: string[] = [];
  for (const col of columns) {
    const key = `${col.table}.${col.column}`;
    const looksLikeReference = /_ids?$/.test(col.column) || col.type === "uuid[]";
    if (!looksLikeReference || seen.has(key) || key in NOT_REFERENCES) continue;
    const target = TARGET_BY_NAME[col.column];
    if (!target) {
      unexplained.push(`${key} (${col.type}) looks like a reference: name its table in TARGET_BY_NAME`);
      continue;
    }
    refs.push({ ...col, target: { schema: "public", table: target, column: "id" } });
  }
  return { refs: refs.filter((r) => !(`${r.table}.${r.column}` in ORG_INDEPENDENT)), unexplained };
}

/** An object of `org` in the referenced table (user A or B for auth.users). */
async function objectOf(ref: Reference, who: "a" | "b"): Promise<string | number | undefined> {
  const { schema, table, column } = ref.target;
  if (schema === "auth" && table === "users") return users[who];
  if (schema === "public" && table === "organizations") return orgs[who];
  // plans are global: an organization's "own" plan is the one it is on
  if (schema === "public" && table === "plans") {
    const [row] = await h.sql`select plan_id from public.organizations where id = ${orgs[who]}`;
    return row?.plan_id as string | undefined;
  }
  if (schema !== "public") throw new Error(`${ref.table}.${ref.column} references ${schema}.${table}`);
  const [row] = await h.sql.unsafe(
    `select ${column} as id from public.${table} where org_id = $1 order by 1 limit 1`,
    [orgs[who]],
  );
  return row?.id as string | number | undefined;
}

function orgFilter(table: Table, org: string): string {
  if (table.name === "organizations") return `id = '${org}'`;
  if (table.columns.includes("org_id")) return `org_id = '${org}'`;
  throw new Error(`public.${table.name} is writable by authenticated but has no org_id`);
}

class Rollback extends Error {
  readonly outcome: string | null;
  constructor(outcome: string | null) {
    super("rollback");
    this.outcome = outcome;
  }
}

/**
 * Runs `attempt` as user A inside a transaction that is always rolled back, after `prepare` ran
 * with service access in the same transaction. Returns the error code, or null if it succeeded
 * (then `affected` must be 1 for an update to count).
 */
async function tryAsA(
  prepare: (tx: TransactionSql) => Promise<unknown>,
  attempt: (tx: TransactionSql) => Promise<{ count: number }>,
): Promise<{ code: string | null; count: number }> {
  let count = 0;
  try {
    await h.sql.begin(async (tx) => {
      await prepare(tx);
      await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: users.a, role: "authenticated" })}, true),
                      set_config('role', 'authenticated', true)`;
      const code = await tx
        .savepoint(async (sp) => {
          count = (await attempt(sp)).count;
        })
        .then(
          () => null,
          (error: { code?: string; message?: string }) => error.code ?? `no code: ${error.message}`,
        );
      throw new Rollback(code);
    });
  } catch (error) {
    if (error instanceof Rollback) return { code: error.outcome, count };
    throw error;
  }
  throw new Error("unreachable");
}

const REFUSED = new Set(["23503", "42501"]);

describe("references between organizations", () => {
  it("finds every reference in the catalog, each explained", async () => {
    const { refs, unexplained } = await references();
    expect(unexplained).toEqual([]);
    // the ones this issue named, so a broken catalog query cannot pass by finding nothing
    const names = refs.map((r) => `${r.table}.${r.column}`);
    for (const expected of [
      "monitors.server_id",
      "incidents.server_id",
      "incidents.monitor_id",
      "alert_rules.channel_ids",
      "alert_rules.escalation_channel_ids",
      "maintenance_windows.server_id",
      "maintenance_windows.monitor_id",
      "status_pages.monitor_ids",
      "memberships.user_id",
      "check_results.monitor_id",
    ]) {
      expect(names).toContain(expected);
    }
  });

  it("refuses user A every insert and update naming organization B's object, in every referencing column", async () => {
    const { refs } = await references();
    const byName = new Map((await tables()).map((t) => [t.name, t]));
    const problems: string[] = [];
    const enforced: string[] = [];
    for (const ref of refs) {
      const table = byName.get(ref.table) as Table;
      const foreign = await objectOf(ref, "b");
      const own = await objectOf(ref, "a");
      if (foreign === undefined || own === undefined) {
        problems.push(
          `${ref.table}.${ref.column}: no ${ref.target.table} row to name; add one to tenancy-seed.ts`,
        );
        continue;
      }
      const value = (id: string | number) => (ref.array ? [id] : id);
      for (const op of ["insert", "update"] as const) {
        const [priv] = await h.sql<{ allowed: boolean }[]>`
          select has_column_privilege('authenticated', ${`public.${ref.table}`}, ${ref.column}, ${op}) as allowed`;
        const label = `${op} ${ref.table}.${ref.column} -> ${ref.target.table}`;
        if (!priv?.allowed) {
          // not writable as authenticated at all: the statement itself is refused
          const { code } = await tryAsA(
            async () => undefined,
            (tx) =>
              op === "insert"
                ? tx.unsafe(
                    `insert into public.${ref.table} (${ref.column})
                     select ${ref.column} from jsonb_populate_record(null::public.${ref.table}, $1::jsonb)`,
                    [{ [ref.column]: value(foreign) } as never],
                  )
                : tx.unsafe(
                    `update public.${ref.table}
                     set ${ref.column} = (select ${ref.column} from jsonb_populate_record(null::public.${ref.table}, $1::jsonb))
                     where false`,
                    [{ [ref.column]: value(foreign) } as never],
                  ),
          );
          if (code === "42501") enforced.push(`${label}: no privilege`);
          else problems.push(`${label}: expected no privilege (42501), got ${code ?? "success"}`);
          continue;
        }
        // writable: take a row of A, and write it again naming B's object (and, as the control, A's)
        if (table.pk.length === 0) {
          problems.push(`${label}: writable by authenticated but public.${ref.table} has no primary key`);
          continue;
        }
        const rows = await h.sql.unsafe(
          `select to_jsonb(t) as row from public.${ref.table} t where ${orgFilter(table, orgs.a)}
           order by (${ref.column} is null), ctid limit 5`,
        );
        if (rows.length === 0) {
          problems.push(
            `${label}: no row of organization A in public.${ref.table}; add one to tenancy-seed.ts`,
          );
          continue;
        }
        const insertable = (
          await h.sql<{ name: string }[]>`
            select a.attname::text as name from pg_attribute a
            where a.attrelid = ${`public.${ref.table}`}::regclass and a.attnum > 0 and not a.attisdropped
              and a.attidentity <> 'a' and a.attgenerated = ''
              and has_column_privilege('authenticated', a.attrelid, a.attname, 'insert')`
        ).map((c) => c.name);
        const pkMatch = table.pk
          .map((c) => `${c} = (select ${c} from jsonb_populate_record(null::public.${ref.table}, $2::jsonb))`)
          .join(" and ");
        const write = (original: Record<string, unknown>, id: string | number) =>
          tryAsA(
            async (tx) => {
              // make room: the row is written again (insert), and a unique reference column
              // (channel_secrets.channel_id) must not collide with the row already naming it
              if (op === "insert") {
                await tx.unsafe(
                  `delete from public.${ref.table} where ${table.pk.map((c) => `${c} = (select ${c} from jsonb_populate_record(null::public.${ref.table}, $1::jsonb))`).join(" and ")}`,
                  [original as never],
                );
              }
              if (op === "insert" && !ref.array) {
                await tx.unsafe(`delete from public.${ref.table} where ${ref.column} = $1`, [String(id)]);
              }
            },
            (tx) => {
              const next = { ...original, [ref.column]: value(id) } as never;
              return op === "insert"
                ? tx.unsafe(
                    `insert into public.${ref.table} (${insertable.join(", ")})
                     select ${insertable.join(", ")} from jsonb_populate_record(null::public.${ref.table}, $1::jsonb)`,
                    [next],
                  )
                : tx.unsafe(
                    `update public.${ref.table}
                     set ${ref.column} = (select ${ref.column} from jsonb_populate_record(null::public.${ref.table}, $1::jsonb))
                     where ${pkMatch}`,
                    [next, original as never],
                  );
            },
          );
        // the control: the same write naming A's own object works for one of A's rows (a row
        // the dashboard could not have written, e.g. an agent monitor, may fail for other reasons)
        let original: Record<string, unknown> | undefined;
        let controlOutcome = "";
        for (const candidate of rows) {
          const control = await write(candidate.row as Record<string, unknown>, own);
          if (control.code === null && control.count === 1) {
            original = candidate.row as Record<string, unknown>;
            break;
          }
          controlOutcome = control.code ?? `${control.count} rows`;
        }
        if (!original) {
          problems.push(
            `${label}: naming A's own object should work and did not (${controlOutcome}), so a refusal would prove nothing`,
          );
          continue;
        }
        const attack = await write(original, foreign);
        if (attack.code && REFUSED.has(attack.code)) {
          enforced.push(`${label}: ${attack.code === "23503" ? "foreign key / trigger" : "grant or policy"}`);
        } else {
          problems.push(
            `${label}: naming B's object was ${attack.code ? `refused with ${attack.code}` : "ACCEPTED"}`,
          );
        }
      }
    }
    expect(problems).toEqual([]);
    expect(enforced.length).toBeGreaterThan(40);
  });
});

/**
 * Columns the engine owns (state machine, heartbeats, the outbox, ingest and rollups): no
 * `authenticated` insert or update, per column. "*" is every column of the table.
 */
const ENGINE_OWNED: Record<string, string[] | "*"> = {
  incidents: "*",
  notification_outbox: "*",
  check_results: "*",
  agent_alerts: "*",
  ingest_batches: "*",
  metric_series: "*",
  metric_samples: "*",
  metric_rollups_1m: "*",
  metric_rollups_5m: "*",
  metric_rollups_1h: "*",
  metric_latest: "*",
  server_vitals: "*",
  check_rollups_1h: "*",
  servers: [
    "org_id",
    "hostname",
    "identity_key",
    "agent_version",
    "os",
    "arch",
    "status",
    "last_heartbeat_at",
    "clock_skew_ms",
    "dropped_samples_total",
    "rejected_items_total",
    "data_loss_reported_at",
    "registered_with_key",
    "created_at",
  ],
  monitors: [
    "server_id",
    "last_status",
    "last_checked_at",
    "state",
    "consecutive_failures",
    "consecutive_successes",
    "failing_since",
    "recent_changes",
    "flapping_notified_at",
    "created_at",
  ],
  memberships: ["org_id", "user_id", "created_at"],
  invitations: ["accepted_at", "expires_at", "created_at"],
  api_keys: ["last_used_at", "created_at"],
  organizations: ["id", "plan_id", "created_at"],
  // plans are the operator's (admin set-plan, the billing hook): members only read them
  plans: "*",
};

describe("engine-owned columns", () => {
  it("cannot be inserted or updated by a signed-in user, not even in their own organization", async () => {
    const byName = new Map((await tables()).map((t) => [t.name, t]));
    const writable: string[] = [];
    for (const [name, cols] of Object.entries(ENGINE_OWNED)) {
      const table = byName.get(name);
      if (!table) throw new Error(`ENGINE_OWNED names public.${name}, which does not exist`);
      const columns = cols === "*" ? table.columns.filter((c) => !table.identity.includes(c)) : cols;
      for (const column of columns) {
        for (const op of ["insert", "update"] as const) {
          const { code } = await tryAsA(
            async () => undefined,
            (tx) =>
              op === "insert"
                ? tx.unsafe(
                    `insert into public.${name} (${column}) select (null::public.${name}).${column} where false`,
                  )
                : tx.unsafe(`update public.${name} set ${column} = ${column} where false`),
          );
          if (code !== "42501") writable.push(`${op} ${name}.${column}: ${code ?? "allowed"}`);
        }
      }
    }
    expect(writable).toEqual([]);
  });

  it("lets a member acknowledge an open incident only through the function, which records the caller", async () => {
    const [incident] = await h.sql<{ id: string }[]>`
      select id from incidents where org_id = ${orgs.a} and status = 'open' limit 1`;
    const [foreignIncident] = await h.sql<{ id: string }[]>`
      select id from incidents where org_id = ${orgs.b} and status = 'open' limit 1`;
    const result = await asCaller(h.sql, { sub: users.a, role: "authenticated" }, async (tx) => {
      const [mine] = await tx`select private.acknowledge_incident(${incident?.id as string}) as ok`;
      const [again] = await tx`select private.acknowledge_incident(${incident?.id as string}) as ok`;
      const [theirs] = await tx`select private.acknowledge_incident(${foreignIncident?.id as string}) as ok`;
      return { mine: mine?.ok, again: again?.ok, theirs: theirs?.ok };
    });
    expect(result).toEqual({ mine: true, again: false, theirs: false });
    const [after] = await h.sql`
      select (select acknowledged_by from incidents where id = ${incident?.id as string}) as mine,
             (select status::text from incidents where id = ${foreignIncident?.id as string}) as theirs`;
    expect(after).toEqual({ mine: users.a, theirs: "open" });
  });
});

describe("the API roles' privileges", () => {
  it("let no signed-in or anonymous user truncate a table or touch a sequence in public", async () => {
    const rows = await h.sql<{ name: string }[]>`
      select c.relname || ' (' || r.role || ')' as name
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      cross join (values ('anon'), ('authenticated')) r (role)
      where n.nspname = 'public'
        and ((c.relkind in ('r', 'p') and has_table_privilege(r.role, c.oid, 'truncate, references, trigger'))
             or (c.relkind = 'S' and has_sequence_privilege(r.role, c.oid, 'usage, select, update')))`;
    expect(rows.map((r) => r.name)).toEqual([]);
    const { code } = await tryAsA(
      async () => undefined,
      (tx) => tx.unsafe("truncate public.organizations cascade"),
    );
    expect(code).toBe("42501");
  });

  it("give a new table in public no privileges for the API roles until a migration grants them", async () => {
    const granted = await h.sql
      .begin(async (tx) => {
        await tx`create table public.tenancy_probe_table (id uuid primary key)`;
        const [row] = await tx`
        select has_table_privilege('authenticated', 'public.tenancy_probe_table', 'select, insert, update, delete') as authenticated,
               has_table_privilege('anon', 'public.tenancy_probe_table', 'select, insert, update, delete') as anon`;
        throw new Rollback(JSON.stringify(row));
      })
      .catch((error) =>
        error instanceof Rollback ? JSON.parse(error.outcome as string) : Promise.reject(error),
      );
    expect(granted).toEqual({ authenticated: false, anon: false });
  });
});

describe("memberships", () => {
  it("refuses an owner inserting a membership that names another user", async () => {
    const stranger = randomUUID();
    await h.sql`insert into auth.users (id, email) values (${stranger}, 'stranger@example.com')`;
    const { code } = await tryAsA(
      async () => undefined,
      (tx) =>
        tx`insert into public.memberships (org_id, user_id, role) values (${orgs.a}, ${stranger}, 'member')`,
    );
    expect(code).toBe("42501");
    const [row] = await h.sql`
      select count(*)::int as n from memberships where org_id = ${orgs.a} and user_id = ${stranger}`;
    expect(row?.n).toBe(0);
  });

  it("refuses an admin making themselves owner", async () => {
    const admin = randomUUID();
    await h.sql`insert into auth.users (id, email) values (${admin}, 'admin@example.com')`;
    await h.sql`insert into memberships (org_id, user_id, role) values (${orgs.a}, ${admin}, 'admin')`;
    const code = await asCaller(
      h.sql,
      { sub: admin, role: "authenticated" },
      (tx) =>
        tx`update public.memberships set role = 'owner' where org_id = ${orgs.a} and user_id = ${admin}`,
    ).then(
      () => null,
      (error: { code?: string }) => error.code,
    );
    expect(code).toBe("42501");
    const [row] =
      await h.sql`select role::text from memberships where org_id = ${orgs.a} and user_id = ${admin}`;
    expect(row?.role).toBe("admin");
  });
});

describe("api keys", () => {
  it("stay revoked: a member cannot clear revoked_at to bring a key back", async () => {
    const [key] = await h.sql<{ id: string }[]>`
      update api_keys set revoked_at = now() where org_id = ${orgs.a} and revoked_at is null
      and id = (select id from api_keys where org_id = ${orgs.a} order by id limit 1) returning id`;
    const { code } = await tryAsA(
      async () => undefined,
      (tx) => tx`update public.api_keys set revoked_at = null where id = ${key?.id as string}`,
    );
    expect(code).toBe("23514");
    const [row] =
      await h.sql`select revoked_at is not null as revoked from api_keys where id = ${key?.id as string}`;
    expect(row?.revoked).toBe(true);
  });
});
