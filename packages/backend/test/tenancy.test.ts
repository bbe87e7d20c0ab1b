import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asCaller, createOrganization } from "../src/index.ts";
import { setup } from "./harness.ts";
import { seedOrg } from "./tenancy-seed.ts";

/**
 * Tenant isolation, over EVERY table in `public` (partitions included), so a table added later
 * without RLS or without a way to tell its organization fails here.
 */
let h: Awaited<ReturnType<typeof setup>>;
const users = { a: randomUUID(), b: randomUUID() };
const orgs = { a: "", b: "" };

beforeAll(async () => {
  h = await setup();
  orgs.a = (await createOrganization({ ctx: { sql: h.sql }, input: { name: "A" } })).id;
  orgs.b = (await createOrganization({ ctx: { sql: h.sql }, input: { name: "B" } })).id;
  await seedOrg(h, orgs.a, users.a, "a@example.com");
  await seedOrg(h, orgs.b, users.b, "b@example.com");
  // plans are global rows; with A and B on different plans, "A sees only its own" means
  // A reads its own plan and not B's
  await h.sql`update organizations set plan_id = 'free' where id = ${orgs.a}`;
  await h.sql`update organizations set plan_id = 'pro' where id = ${orgs.b}`;
});
afterAll(() => h.close());

/** How to tell a row's organization, per table. Unknown tables fail the test on purpose. */
function orgFilter(table: string, columns: string[], org: string): string {
  if (table === "organizations") return `id = '${org}'`;
  // global (no org_id): an organization's row is the plan it is on
  if (table === "plans") return `id = (select plan_id from public.organizations where id = '${org}')`;
  if (columns.includes("org_id")) return `org_id = '${org}'`;
  if (columns.includes("series_id"))
    return `series_id in (select id from public.metric_series where org_id = '${org}')`;
  throw new Error(
    `table public.${table} has no org_id: teach this test (and its RLS policy) how to find its organization`,
  );
}

describe("row-level security", () => {
  it("is enabled on every table in public, partitions included", async () => {
    const rows = await h.sql`
      select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relrowsecurity`;
    expect(rows.map((r) => r.relname)).toEqual([]);
  });

  it("shows user A no row of organization B in any table, while A sees its own", async () => {
    const tables = await h.sql<{ name: string; columns: string[]; partition: boolean }[]>`
      select c.relname as name, c.relispartition as partition,
             array(select a.attname::text from pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped) as columns
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`;
    expect(tables.length).toBeGreaterThan(15);
    const leaks: string[] = [];
    const unseeded: string[] = [];
    for (const t of tables) {
      const ofB = orgFilter(t.name, t.columns, orgs.b);
      const ofA = orgFilter(t.name, t.columns, orgs.a);
      const [seeded] = await h.sql.unsafe(`select count(*)::int as n from public.${t.name} where ${ofB}`);
      if (!t.partition && (seeded?.n ?? 0) === 0) unseeded.push(t.name);
      const visible = await asCaller(h.sql, { sub: users.a, role: "authenticated" }, async (tx) => {
        try {
          return await tx.savepoint(async (sp) => {
            const [b] = await sp.unsafe(`select count(*)::int as n from public.${t.name} where ${ofB}`);
            const [a] = await sp.unsafe(`select count(*)::int as n from public.${t.name} where ${ofA}`);
            return { b: b?.n as number, a: a?.n as number };
          });
        } catch (error) {
          // no privilege at all (partitions are reachable only through their parent): nothing leaks
          if ((error as { code?: string }).code === "42501") return { b: 0, a: -1 };
          throw error;
        }
      });
      if (visible.b > 0) leaks.push(`${t.name}: ${visible.b} rows of B`);
      if (!t.partition && visible.a === 0 && (await countOf(t.name, ofA)) > 0)
        leaks.push(`${t.name}: A cannot see its own rows`);
    }
    expect(unseeded, "every tenant table must hold rows of B for this test to mean something").toEqual([]);
    expect(leaks).toEqual([]);
  });

  it("shows a member only the plans of their own organizations and lets nobody but the service write plans", async () => {
    const seen = await asCaller(h.sql, { sub: users.a, role: "authenticated" }, async (tx) =>
      (await tx<{ id: string }[]>`select id from plans order by id`).map((r) => r.id),
    );
    // A's organizations: A (free) and the personal one made at sign-up (the default, unlimited);
    // B is on pro, which A must not see
    expect(seen).toEqual(["free", "unlimited"]);
    const attempts = {
      insertPlan: `insert into public.plans (id, name, retention_raw_days, retention_1m_days, retention_5m_days, retention_1h_days) values ('mine', 'Mine', 1, 1, 1, 1)`,
      raiseLimit: "update public.plans set max_servers = null where id = 'free'",
      deletePlan: "delete from public.plans where id = 'free'",
      changeOwnPlan: `update public.organizations set plan_id = 'enterprise' where id = '${orgs.a}'`,
    };
    const codes: Record<string, string | null> = {};
    for (const [name, statement] of Object.entries(attempts)) {
      codes[name] = await asCaller(h.sql, { sub: users.a, role: "authenticated" }, (tx) =>
        tx.unsafe(statement),
      ).then(
        () => null,
        (error: { code?: string }) => error.code ?? "no code",
      );
    }
    expect(codes).toEqual({
      insertPlan: "42501",
      raiseLimit: "42501",
      deletePlan: "42501",
      changeOwnPlan: "42501",
    });
    const [after] = await h.sql`
      select (select max_servers from plans where id = 'free') as max_servers,
             (select plan_id from organizations where id = ${orgs.a}) as plan_id`;
    expect(after).toEqual({ max_servers: 1, plan_id: "free" });
  });

  it("lets only admins read channel secrets", async () => {
    const member = randomUUID();
    await h.sql`insert into auth.users (id, email) values (${member}, 'm@example.com')`;
    await h.sql`insert into memberships (org_id, user_id, role) values (${orgs.a}, ${member}, 'member')`;
    const asMember = await asCaller(
      h.sql,
      { sub: member, role: "authenticated" },
      (tx) => tx`select secret from channel_secrets`,
    );
    const asOwner = await asCaller(
      h.sql,
      { sub: users.a, role: "authenticated" },
      (tx) => tx`select secret from channel_secrets`,
    );
    expect(asMember).toHaveLength(0);
    expect(asOwner).toHaveLength(1);
  });

  it("gives chart points through private.metric_points only for series of an organization the caller is in", async () => {
    const seriesOf = async (org: string) =>
      (await h.sql<{ id: number }[]>`select id from metric_series where org_id = ${org} order by id`).map(
        (r) => r.id,
      );
    const [idsA, idsB] = [await seriesOf(orgs.a), await seriesOf(orgs.b)];
    expect(idsA.length).toBeGreaterThan(0);
    expect(idsB.length).toBeGreaterThan(0);
    const from = new Date(Date.now() - 30 * 86_400_000);
    const points = (sub: string, org: string, ids: number[], tier: string) =>
      asCaller(h.sql, { sub, role: "authenticated" }, (tx) =>
        tx<{ series_id: number }[]>`
          select series_id from private.metric_points(${org}, ${ids}::int[], ${tier}, ${from})`.then((rows) =>
          rows.map((r) => r.series_id),
        ),
      );
    for (const tier of ["1m", "5m", "1h"]) {
      const own = await points(users.a, orgs.a, [...idsA, ...idsB], tier);
      expect(own.length, `${tier}: A's own points`).toBeGreaterThan(0);
      expect(
        own.every((id) => idsA.includes(id)),
        `${tier}: only A's series`,
      ).toBe(true);
      expect(await points(users.a, orgs.a, idsB, tier), `${tier}: B's ids under A's organization`).toEqual(
        [],
      );
      expect(await points(users.a, orgs.b, idsB, tier), `${tier}: B's organization`).toEqual([]);
    }
    const codeOf = (run: Promise<unknown>) =>
      run.then(
        () => "allowed",
        (error: { code?: string }) => error.code ?? "no code",
      );
    const asAnon = h.sql.begin(async (tx) => {
      await tx`select set_config('role', 'anon', true)`;
      return tx`select * from private.metric_points(${orgs.a}, ${idsA}::int[], '1m', ${from})`;
    });
    expect(await codeOf(asAnon), "anon").toBe("42501");
    const unknownTier = asCaller(
      h.sql,
      { sub: users.a, role: "authenticated" },
      (tx) => tx`select * from private.metric_points(${orgs.a}, ${idsA}::int[], '1d', ${from})`,
    );
    expect(await codeOf(unknownTier), "unknown tier").toBe("22023");
  });

  it("refuses an anonymous caller every table and sequence in public", async () => {
    const readable = await h.sql<{ name: string }[]>`
      select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'S')
        and (has_table_privilege('anon', c.oid, 'select, insert, update, delete, truncate, references, trigger')
             or (c.relkind = 'S' and has_sequence_privilege('anon', c.oid, 'usage, select, update')))`;
    expect(readable.map((r) => r.name)).toEqual([]);
    const refused = await h.sql
      .begin(async (tx) => {
        await tx`select set_config('role', 'anon', true)`;
        return tx`select count(*) from organizations`;
      })
      .catch((error: { code?: string }) => error.code);
    expect(refused).toBe("42501");
  });
});

async function countOf(table: string, filter: string) {
  const [row] = await h.sql.unsafe(`select count(*)::int as n from public.${table} where ${filter}`);
  return row?.n as number;
}
