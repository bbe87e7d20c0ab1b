import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { maintainPartitions, maintainRollups } from "../src/index.ts";
import { setup } from "./harness.ts";

/**
 * Retention per resolution (decision 0043): every tier is kept per organization as its plan
 * says (raw: the smaller of the plan and the organization's own raw_retention_days).
 * Rows are placed an hour either side of each cutoff; the assertions name exactly which survive.
 */
let h: Awaited<ReturnType<typeof setup>>;
beforeAll(async () => {
  h = await setup();
});
afterAll(() => h.close());

const TABLES = [
  { table: "metric_samples", time: "ts", bySeries: true, tier: "raw" },
  { table: "check_results", time: "ts", bySeries: false, tier: "raw" },
  { table: "metric_rollups_1m", time: "bucket", bySeries: true, tier: "1m" },
  { table: "metric_rollups_5m", time: "bucket", bySeries: true, tier: "5m" },
  { table: "metric_rollups_1h", time: "bucket", bySeries: true, tier: "1h" },
  { table: "check_rollups_1h", time: "bucket", bySeries: false, tier: "1h" },
] as const;
type Tier = (typeof TABLES)[number]["tier"];

interface Org {
  id: string;
  name: string;
  series: number;
  monitor: string;
}

/** Each test starts from an empty history with no previous maintenance run. */
beforeEach(async () => {
  for (const t of TABLES) await h.sql.unsafe(`delete from public.${t.table}`);
  await h.sql`delete from private.retention_runs`;
  await h.sql`delete from private.retention_applied`;
  await h.sql`delete from organizations where name like 'rt-%'`;
  // old partitions, as an installation that has run for a year has them (a test's maintenance
  // drops those past its organizations' longest retention)
  await h.sql`select private.ensure_daily_partitions('public.metric_samples', 100, 0)`;
  await h.sql`select private.ensure_daily_partitions('public.check_results', 100, 0)`;
  await h.sql`select private.ensure_daily_partitions('public.metric_rollups_1m', 100, 0)`;
  await h.sql`select private.ensure_daily_partitions('public.metric_rollups_5m', 370, 0)`;
});

async function org(name: string, plan: string, rawRetentionDays = 90): Promise<Org> {
  const [o] = await h.sql<{ id: string }[]>`
    insert into organizations (name, plan_id, raw_retention_days) values (${`rt-${name}`}, ${plan}, ${rawRetentionDays})
    returning id`;
  const id = (o as { id: string }).id;
  const [s] = await h.sql<{ id: string }[]>`
    insert into servers (org_id, name, hostname, identity_key) values (${id}, ${name}, ${name}, ${`host:${name}`})
    returning id`;
  const [series] = await h.sql<{ id: number }[]>`
    insert into metric_series (org_id, server_id, name) values (${id}, ${(s as { id: string }).id}, 'cpu.percent')
    returning id`;
  const [m] = await h.sql<{ id: string }[]>`select gen_random_uuid() as id`;
  return { id, name, series: (series as { id: number }).id, monitor: (m as { id: string }).id };
}

/** One row of `table` for `o`, `age` (an SQL interval) before now; `label` is stored in the row. */
async function put(table: (typeof TABLES)[number]["table"], o: Org, age: string, label: number) {
  const at = h.sql`now() - ${age}::interval`;
  switch (table) {
    case "metric_samples":
      return h.sql`insert into metric_samples (ts, value, series_id) values (${at}, ${label}, ${o.series})`;
    case "check_results":
      return h.sql`insert into check_results (ts, org_id, monitor_id, status, latency_ms)
                   values (${at}, ${o.id}, ${o.monitor}, 'ok', ${label})`;
    case "check_rollups_1h":
      return h.sql`insert into check_rollups_1h (monitor_id, bucket, org_id, ok_count)
                   values (${o.monitor}, ${at}, ${o.id}, ${label})`;
    default:
      return h.sql.unsafe(
        `insert into public.${table} (series_id, bucket, sum_value, sample_count, min_value, max_value)
         values ($1, now() - $2::interval, $3, 1, $3, $3)`,
        [o.series, age, label],
      );
  }
}

/** The labels left in `table` per organization name, sorted. */
async function left(table: (typeof TABLES)[number]["table"]): Promise<Record<string, number[]>> {
  const valueColumn = {
    metric_samples: "t.value",
    check_results: "t.latency_ms",
    check_rollups_1h: "t.ok_count",
    metric_rollups_1m: "t.sum_value",
    metric_rollups_5m: "t.sum_value",
    metric_rollups_1h: "t.sum_value",
  }[table];
  const orgOf = table.startsWith("check_")
    ? "t.org_id"
    : "(select s.org_id from public.metric_series s where s.id = t.series_id)";
  const rows = await h.sql.unsafe<{ name: string; label: number }[]>(
    `select substr(o.name, 4) as name, (${valueColumn})::float8 as label
     from public.${table} t join public.organizations o on o.id = ${orgOf} order by 1, 2`,
  );
  const out: Record<string, number[]> = {};
  for (const r of rows) out[r.name] = [...(out[r.name] ?? []), r.label];
  return out;
}

async function maintain() {
  const partitions = await maintainPartitions({ ctx: h });
  const rollups = await maintainRollups({ ctx: h });
  return { partitions, rollups };
}

/** Effective days per tier, as the plans migration seeds them (raw before the org's own limit). */
const PLAN_DAYS: Record<string, Record<Tier, number>> = {
  free: { raw: 7, "1m": 7, "5m": 7, "1h": 7 },
  pro: { raw: 14, "1m": 30, "5m": 90, "1h": 365 },
  enterprise: { raw: 90, "1m": 90, "5m": 365, "1h": 1095 },
  unlimited: { raw: 3650, "1m": 8, "5m": 35, "1h": 3650 },
};

describe("retention per resolution", () => {
  it("keeps each tier per organization as its plan says: a row an hour inside the cutoff stays, an hour past it goes", async () => {
    const orgs = [
      { o: await org("free", "free"), plan: "free", raw: 90 },
      { o: await org("pro", "pro"), plan: "pro", raw: 90 },
      { o: await org("enterprise", "enterprise"), plan: "enterprise", raw: 90 },
      { o: await org("unlimited", "unlimited"), plan: "unlimited", raw: 90 },
      // the organization's own setting is smaller than its plan's raw tier: it wins (raw only)
      { o: await org("pro-raw-3", "pro", 3), plan: "pro", raw: 3 },
    ];
    const days = (plan: string, raw: number, tier: Tier) =>
      tier === "raw" ? Math.min(raw, PLAN_DAYS[plan]?.raw ?? 0) : (PLAN_DAYS[plan]?.[tier] ?? 0);
    for (const t of TABLES) {
      for (const { o, plan, raw } of orgs) {
        const d = days(plan, raw, t.tier);
        await put(t.table, o, `${d} days -1 hour`, 1); // inside: kept
        await put(t.table, o, `${d} days 1 hour`, 2); // past: deleted
      }
    }
    await maintain();
    const kept = { free: [1], pro: [1], enterprise: [1], unlimited: [1], "pro-raw-3": [1] };
    for (const t of TABLES)
      expect({ table: t.table, left: await left(t.table) }).toEqual({ table: t.table, left: kept });
  });

  it("drops whole partitions past the longest retention in use for the tier and keeps the day on the cutoff", async () => {
    await org("enterprise", "enterprise"); // raw 90, 1m 90, 5m 365
    await org("free", "free");
    const day = (offset: number) =>
      new Date(Date.now() - offset * 86_400_000).toISOString().slice(0, 10).replaceAll("-", "");
    const exists = async (name: string) =>
      (
        (await h.sql`select to_regclass(${`public.${name}`}) is not null as present`)[0] as {
          present: boolean;
        }
      ).present;
    await maintain();
    expect({
      raw91: await exists(`metric_samples_p${day(91)}`),
      raw90: await exists(`metric_samples_p${day(90)}`),
      m1_91: await exists(`metric_rollups_1m_p${day(91)}`),
      m1_90: await exists(`metric_rollups_1m_p${day(90)}`),
      // 5m partitions now live past the old 35 days: Enterprise keeps 365
      m5_366: await exists(`metric_rollups_5m_p${day(366)}`),
      m5_365: await exists(`metric_rollups_5m_p${day(365)}`),
      m5_36: await exists(`metric_rollups_5m_p${day(36)}`),
    }).toEqual({
      raw91: false,
      raw90: true,
      m1_91: false,
      m1_90: true,
      m5_366: false,
      m5_365: true,
      m5_36: true,
    });
  });

  it("a downgrade from Pro to Free deletes only what the Free tiers say, and no other organization's rows", async () => {
    const down = await org("downgraded", "pro");
    const stays = await org("stays-pro", "pro");
    // per tier: inside Free (6 days), between Free and Pro, and inside Pro near its end
    const ages: Record<Tier, [string, string, string]> = {
      raw: ["6 days", "10 days", "13 days"],
      "1m": ["6 days", "20 days", "29 days"],
      "5m": ["6 days", "60 days", "89 days"],
      "1h": ["6 days", "200 days", "364 days"],
    };
    for (const t of TABLES) {
      for (const o of [down, stays]) {
        const [a, b, c] = ages[t.tier];
        await put(t.table, o, a, 1);
        await put(t.table, o, b, 2);
        await put(t.table, o, c, 3);
      }
    }
    const before = await maintain();
    expect(before.partitions.deleted_rows + before.rollups.deleted_rows).toBe(0);
    await h.sql`update organizations set plan_id = 'free' where id = ${down.id}`;
    const after = await maintain();
    // two rows per table of the downgraded organization
    expect(after.partitions.deleted_rows).toBe(2 * 2);
    expect(after.rollups.deleted_rows).toBe(4 * 2);
    for (const t of TABLES) {
      expect({ table: t.table, left: await left(t.table) }).toEqual({
        table: t.table,
        left: { downgraded: [1], "stays-pro": [1, 2, 3] },
      });
    }
  });

  it("a smaller raw_retention_days set later trims raw rows once, and leaves the rollups to the plan", async () => {
    const o = await org("shrinks", "pro");
    for (const t of TABLES) {
      await put(t.table, o, "2 days", 1);
      await put(t.table, o, "5 days", 2);
    }
    await maintain();
    await h.sql`update organizations set raw_retention_days = 3 where id = ${o.id}`;
    const result = await maintain();
    expect(result.partitions.deleted_rows).toBe(2);
    expect(await left("metric_samples")).toEqual({ shrinks: [1] });
    expect(await left("check_results")).toEqual({ shrinks: [1] });
    expect(await left("metric_rollups_1h")).toEqual({ shrinks: [1, 2] });
  });

  it("is idempotent: a second run creates, drops and deletes nothing and leaves every row", async () => {
    const orgs = [await org("free", "free"), await org("pro", "pro")];
    for (const t of TABLES) for (const o of orgs) await put(t.table, o, "8 days", 1);
    await maintain();
    const snapshot = await Promise.all(TABLES.map((t) => left(t.table)));
    const again = await maintain();
    expect(again).toEqual({
      partitions: { created: 0, dropped: 0, deleted_rows: 0 },
      rollups: { created: 0, dropped: 0, deleted_rows: 0 },
    });
    expect(await Promise.all(TABLES.map((t) => left(t.table)))).toEqual(snapshot);
  });

  it("two maintenance runs at once (scheduler and a manual call) delete each expired row once and agree on the state", async () => {
    const o = await org("twice", "free");
    for (const t of TABLES) {
      await put(t.table, o, "6 days", 1);
      await put(t.table, o, "8 days", 2);
    }
    const [a, b] = await Promise.all([maintain(), maintain()]);
    expect((a?.partitions.deleted_rows ?? 0) + (b?.partitions.deleted_rows ?? 0)).toBe(2);
    expect((a?.rollups.deleted_rows ?? 0) + (b?.rollups.deleted_rows ?? 0)).toBe(4);
    for (const t of TABLES)
      expect({ table: t.table, left: await left(t.table) }).toEqual({ table: t.table, left: { twice: [1] } });
    const [state] = await h.sql<{ runs: number; applied: number }[]>`
      select (select count(*)::int from private.retention_runs) as runs,
             (select count(*)::int from private.retention_applied where org_id = ${o.id}) as applied`;
    expect(state).toEqual({ runs: 6, applied: 6 });
  });

  it("deletes a late row (an agent's replayed buffer) written past a Free cutoff after the previous run", async () => {
    const o = await org("late", "free");
    await maintain();
    await put("metric_samples", o, "7 days 30 minutes", 1);
    await put("metric_rollups_1h", o, "7 days 90 minutes", 1);
    const result = await maintain();
    expect(result.partitions.deleted_rows + result.rollups.deleted_rows).toBe(2);
    expect(await left("metric_samples")).toEqual({});
    expect(await left("metric_rollups_1h")).toEqual({});
  });

  it("keeps for 'unlimited' (custos-server's default) everything it kept before, and 1-hour rollups for 10 years", async () => {
    const o = await org("self-hosted", "unlimited"); // raw_retention_days 90, the default
    await put("metric_samples", o, "89 days", 1);
    await put("metric_samples", o, "91 days", 2);
    await put("metric_rollups_1m", o, "7 days 23 hours", 1);
    await put("metric_rollups_1m", o, "8 days 1 hour", 2);
    await put("metric_rollups_5m", o, "34 days", 1);
    await put("metric_rollups_5m", o, "36 days", 2);
    // before: deleted past raw_retention_days (90) or 400 days; now kept to 3650
    await put("metric_rollups_1h", o, "399 days", 1);
    await put("metric_rollups_1h", o, "3000 days", 1);
    await put("metric_rollups_1h", o, "3651 days", 2);
    await put("check_rollups_1h", o, "1000 days", 1);
    await maintain();
    expect(await left("metric_samples")).toEqual({ "self-hosted": [1] });
    expect(await left("metric_rollups_1m")).toEqual({ "self-hosted": [1] });
    expect(await left("metric_rollups_5m")).toEqual({ "self-hosted": [1] });
    expect(await left("metric_rollups_1h")).toEqual({ "self-hosted": [1, 1] });
    expect(await left("check_rollups_1h")).toEqual({ "self-hosted": [1] });
  });

  it("removes rollups of deleted servers once they are past every organization's retention", async () => {
    const o = await org("gone", "free");
    await put("metric_rollups_1h", o, "3651 days", 1);
    await put("metric_rollups_1h", o, "6 days", 2);
    await h.sql`delete from servers where org_id = ${o.id}`; // cascades to metric_series
    await maintain();
    const [row] = await h.sql<{ n: number }[]>`
      select count(*)::int as n from metric_rollups_1h where series_id = ${o.series}`;
    expect(row?.n).toBe(1);
  });
});

describe("retention functions refuse bad input and callers", () => {
  it("rejects an unknown or missing resolution with 22023 and deletes nothing", async () => {
    const o = await org("hostile", "free");
    await put("metric_samples", o, "30 days", 1);
    for (const bad of ["2m", "raw; drop table public.plans", "", null]) {
      await expect(
        h.sql`select private.enforce_retention('public.metric_samples', ${bad}, 'ts', true)`,
      ).rejects.toMatchObject({ code: "22023" });
    }
    expect(await left("metric_samples")).toEqual({ hostile: [1] });
    const [plans] = await h.sql<{ n: number }[]>`select count(*)::int as n from public.plans`;
    expect(plans?.n).toBe(4);
  });

  it("is not callable by the API roles", async () => {
    const [row] = await h.sql`
      select has_function_privilege('authenticated', 'private.enforce_retention(regclass, text, text, boolean)', 'execute') as enforce,
             has_function_privilege('authenticated', 'private.retention_days(text)', 'execute') as days,
             has_function_privilege('anon', 'private.maintain_rollups(integer)', 'execute') as rollups,
             has_function_privilege('authenticated', 'private.maintain_partitions(integer)', 'execute') as partitions,
             has_table_privilege('authenticated', 'private.retention_applied', 'select') as applied`;
    expect(row).toEqual({ enforce: false, days: false, rollups: false, partitions: false, applied: false });
  });
});
