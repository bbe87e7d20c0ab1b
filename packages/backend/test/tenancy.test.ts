import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asCaller, createApiKey, createOrganization } from "../src/index.ts";
import { samples, setup } from "./harness.ts";

/**
 * Tenant isolation, over EVERY table in `public` (partitions included), so a table added later
 * without RLS or without a way to tell its organization fails here.
 */
let h: Awaited<ReturnType<typeof setup>>;
const users = { a: randomUUID(), b: randomUUID() };
const orgs = { a: "", b: "" };

async function seedOrg(orgId: string, userId: string, email: string) {
  await h.sql`insert into auth.users (id, email, aud, role) values (${userId}, ${email}, 'authenticated', 'authenticated')`;
  await h.sql`insert into memberships (org_id, user_id, role) values (${orgId}, ${userId}, 'owner')`;
  const { key } = await createApiKey({ ctx: { sql: h.sql }, input: { org_id: orgId, scope: "agent" } });
  const reg = await h.call(
    "/register",
    { hostname: `host-${email}`, server_name: email, agent_version: "1", os: "linux", arch: "x64" },
    { key },
  );
  const serverId = reg.body.server_id as string;
  const now = Date.now();
  await h.call("/heartbeat", { server_id: serverId, sent_at: new Date().toISOString() }, { key });
  await h.call("/metrics", { server_id: serverId, batch_id: randomUUID(), samples: samples(6) }, { key });
  await h.call(
    "/checks",
    {
      server_id: serverId,
      batch_id: randomUUID(),
      results: [{ monitor: "http:site", status: "down", ts: new Date(now).toISOString() }],
    },
    { key },
  );
  await h.call(
    "/alerts",
    {
      server_id: serverId,
      batch_id: randomUUID(),
      alerts: [
        {
          incident_key: `${serverId}:http:site:x`,
          monitor: "http:site",
          state: "down",
          started_at: new Date(now).toISOString(),
          sent_at: new Date(now).toISOString(),
          channels: ["email"],
        },
      ],
    },
    { key },
  );
  const [monitor] = await h.sql`select id from monitors where server_id = ${serverId}`;
  await h.sql`insert into invitations (org_id, email, token_hash) values (${orgId}, ${`invite-${email}`}, ${Buffer.from(randomUUID())})`;
  const [channel] =
    await h.sql`insert into channels (org_id, name, kind, config) values (${orgId}, 'mail', 'email', '{"to":"ops@example.com"}') returning id`;
  await h.sql`insert into channel_secrets (channel_id, org_id, secret) values (${channel?.id}, ${orgId}, '{"smtp_password":"s3cret"}')`;
  await h.sql`insert into alert_rules (org_id, name, channel_ids) values (${orgId}, 'default', ${[channel?.id]})`;
  const [incident] = await h.sql`
    insert into incidents (org_id, server_id, monitor_id, subject_key, kind, title)
    values (${orgId}, ${serverId}, ${monitor?.id}, ${`monitor:${monitor?.id}`}, 'agent_check', 'site down') returning id`;
  await h.sql`insert into notification_outbox (org_id, incident_id, channel_id, event, payload) values (${orgId}, ${incident?.id}, ${channel?.id}, 'down', '{}')`;
  await h.sql`insert into maintenance_windows (org_id, server_id, starts_at, ends_at) values (${orgId}, ${serverId}, now(), now() + interval '1 hour')`;
  // dashboard: rollups (through the real refresh, plus the tiers it fills later), status page
  await h.sql`select private.refresh_rollups()`;
  const [series] =
    await h.sql`select id from metric_series where server_id = ${serverId} order by id limit 1`;
  await h.sql`
    insert into metric_rollups_1h (series_id, bucket, sum_value, sample_count, min_value, max_value)
    values (${series?.id}, date_trunc('hour', now()) - interval '1 day', 1, 1, 1, 1)`;
  await h.sql`
    insert into check_rollups_1h (monitor_id, bucket, org_id, ok_count)
    values (${monitor?.id}, date_trunc('hour', now()) - interval '1 day', ${orgId}, 1)`;
  await h.sql`insert into status_pages (org_id, slug, title, monitor_ids) values (${orgId}, ${`status-${email.slice(0, 1)}`}, 'Status', ${[monitor?.id]})`;
}

beforeAll(async () => {
  h = await setup();
  orgs.a = (await createOrganization({ ctx: { sql: h.sql }, input: { name: "A" } })).id;
  orgs.b = (await createOrganization({ ctx: { sql: h.sql }, input: { name: "B" } })).id;
  await seedOrg(orgs.a, users.a, "a@example.com");
  await seedOrg(orgs.b, users.b, "b@example.com");
});
afterAll(() => h.close());

/** How to tell a row's organization, per table. Unknown tables fail the test on purpose. */
function orgFilter(table: string, columns: string[], org: string): string {
  if (table === "organizations") return `id = '${org}'`;
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

  it("shows an anonymous caller nothing", async () => {
    const rows = await h.sql.begin(async (tx) => {
      await tx`select set_config('role', 'anon', true)`;
      return tx`select (select count(*) from organizations)::int as orgs, (select count(*) from servers)::int as servers`;
    });
    expect(rows[0]).toEqual({ orgs: 0, servers: 0 });
  });
});

async function countOf(table: string, filter: string) {
  const [row] = await h.sql.unsafe(`select count(*)::int as n from public.${table} where ${filter}`);
  return row?.n as number;
}
