import { loadMigrations, MigrationError, migrate, migrationsDir } from "@custos/db";
import postgres from "postgres";
import { afterEach, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../src/index.ts";

/**
 * Upgrading a database that predates the composite (org_id, id) references
 * (20261205000200_org_scoped_references, 20261205000300_org_scoped_id_arrays): data that already
 * respects the rule migrates untouched, a row that crosses organizations stops the upgrade with
 * the table named, and ids of objects deleted earlier leave the id arrays.
 */
const FIRST_SCOPED = "20261205000200";

const open: postgres.Sql[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.end()));
});

/** A database migrated up to just before the scoped references, with two organizations. */
async function before() {
  const sql = postgres(await createEmptyDatabase(inject("pgAdminUrl")), {
    max: 2,
    onnotice: () => undefined,
  });
  open.push(sql);
  const all = loadMigrations(migrationsDir);
  await migrate(
    sql,
    all.filter((m) => m.version < FIRST_SCOPED),
  );
  const org = async (name: string) => {
    const [o] = await sql<
      { id: string }[]
    >`insert into public.organizations (name) values (${name}) returning id`;
    const id = (o as { id: string }).id;
    const [s] = await sql<{ id: string }[]>`
      insert into public.servers (org_id, name, hostname, identity_key) values (${id}, ${name}, ${name}, ${name}) returning id`;
    const [m] = await sql<{ id: string }[]>`
      insert into public.monitors (org_id, server_id, name, type) values (${id}, ${s?.id as string}, 'disk', 'disk') returning id`;
    return { id, server: s?.id as string, monitor: m?.id as string };
  };
  return { sql, all, a: await org("a"), b: await org("b") };
}

describe("upgrading to organization-scoped references", () => {
  it("stops, naming the table, when an existing row references another organization's object", async () => {
    const { sql, all, a, b } = await before();
    await sql`
      insert into public.maintenance_windows (org_id, server_id, starts_at, ends_at)
      values (${a.id}, ${b.server}, now(), now() + interval '1 hour')`;
    const error = await migrate(sql, all).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as MigrationError).file).toBe("20261205000200_org_scoped_references.sql");
    expect((error as MigrationError).pgMessage).toContain("public.maintenance_windows");
    const [fk] = await sql`
      select count(*)::int as n from pg_constraint where conname = 'servers_org_id_id_key'`;
    expect(fk?.n).toBe(0);
  });

  it("stops, naming the table, when a status page lists another organization's monitor", async () => {
    const { sql, all, a, b } = await before();
    await sql`
      insert into public.status_pages (org_id, slug, title, monitor_ids)
      values (${a.id}, 'status-a', 'A', ${[a.monitor, b.monitor]})`;
    const error = await migrate(sql, all).catch((e: unknown) => e);
    expect((error as MigrationError).file).toBe("20261205000300_org_scoped_id_arrays.sql");
    expect((error as MigrationError).pgMessage).toContain("public.status_pages");
  });

  it("migrates data within one organization untouched and drops ids of objects deleted before", async () => {
    const { sql, all, a } = await before();
    const gone = "00000000-0000-4000-8000-000000000001";
    await sql`
      insert into public.status_pages (org_id, slug, title, monitor_ids)
      values (${a.id}, 'status-a', 'A', ${[gone, a.monitor]})`;
    await sql`
      insert into public.maintenance_windows (org_id, server_id, monitor_id, starts_at, ends_at)
      values (${a.id}, ${a.server}, ${a.monitor}, now(), now() + interval '1 hour')`;
    await migrate(sql, all);
    const [page] = await sql`select monitor_ids from public.status_pages where slug = 'status-a'`;
    expect(page?.monitor_ids).toEqual([a.monitor]);
    const [window] =
      await sql`select count(*)::int as n from public.maintenance_windows where org_id = ${a.id}`;
    expect(window?.n).toBe(1);
  });
});
