import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maintainPartitions } from "../src/index.ts";
import { setup } from "./harness.ts";

let h: Awaited<ReturnType<typeof setup>>;
beforeAll(async () => {
  h = await setup();
});
afterAll(() => h.close());

const day = (offset: number) => {
  const d = new Date(Date.now() + offset * 86_400_000);
  return d.toISOString().slice(0, 10).replaceAll("-", "");
};
async function exists(name: string) {
  const [row] = await h.sql`select to_regclass(${`public.${name}`}) is not null as present`;
  return row?.present as boolean;
}

describe("partition maintenance", () => {
  it("creates tomorrow's partition (and the next days') ahead of time", async () => {
    await h.sql.unsafe(`drop table if exists metric_samples_p${day(1)}, metric_samples_p${day(2)}`);
    expect(await exists(`metric_samples_p${day(1)}`)).toBe(false);
    const result = await maintainPartitions({ ctx: h });
    expect(result.created).toBeGreaterThanOrEqual(2);
    expect(await exists(`metric_samples_p${day(1)}`)).toBe(true);
    expect(await exists(`check_results_p${day(3)}`)).toBe(true);
  });

  it("drops whole partitions past the longest retention and keeps the rest", async () => {
    await h.sql`update organizations set raw_retention_days = 30`;
    await h.sql`select private.ensure_daily_partitions('public.metric_samples', 40, 0)`;
    expect(await exists(`metric_samples_p${day(-35)}`)).toBe(true);
    const result = await maintainPartitions({ ctx: h });
    expect(result.dropped).toBeGreaterThan(0);
    expect(await exists(`metric_samples_p${day(-35)}`)).toBe(false);
    expect(await exists(`metric_samples_p${day(-29)}`)).toBe(true);
    await h.sql`update organizations set raw_retention_days = 90`;
  });

  it("deletes an org's rows past its own shorter retention without touching other orgs", async () => {
    const short = await h.register("short-retention");
    const [other] =
      await h.sql`insert into organizations (name, raw_retention_days) values ('Other', 90) returning id`;
    const [otherServer] =
      await h.sql`insert into servers (org_id, name, hostname, identity_key) values (${other?.id}, 'o', 'o', 'host:o') returning id`;
    await h.sql`update organizations set raw_retention_days = 2 where id = ${h.orgId}`;
    const [s1] =
      await h.sql`insert into metric_series (org_id, server_id, name) values (${h.orgId}, ${short}, 'cpu.percent') returning id`;
    const [s2] =
      await h.sql`insert into metric_series (org_id, server_id, name) values (${other?.id}, ${otherServer?.id}, 'cpu.percent') returning id`;
    const old = new Date(Date.now() - 3 * 86_400_000);
    await h.sql`insert into metric_samples (ts, value, series_id) values (${old}, 1, ${s1?.id}), (${old}, 2, ${s2?.id}), (now(), 3, ${s1?.id})`;
    await maintainPartitions({ ctx: h });
    const rows =
      await h.sql`select series_id, value from metric_samples where series_id in (${s1?.id}, ${s2?.id}) order by value`;
    expect(rows.map((r) => r.value)).toEqual([2, 3]);
  });

  it("keeps partitions out of reach of API roles: only the parent table, with its policies, is readable", async () => {
    const [row] = await h.sql`
      select bool_and(c.relrowsecurity) as rls,
             bool_or(has_table_privilege('authenticated', c.oid, 'select')) as auth_select,
             bool_or(has_table_privilege('anon', c.oid, 'select')) as anon_select
      from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent in ('public.metric_samples'::regclass, 'public.check_results'::regclass)`;
    expect(row).toEqual({ rls: true, auth_select: false, anon_select: false });
  });
});
