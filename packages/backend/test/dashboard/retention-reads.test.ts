import { MetricRange, MetricsResponse, ProbeItem, ResponseTimes } from "@custos/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asCaller, maintainPartitions, maintainRollups } from "../../src/index.ts";
import { RANGE_TIERS } from "../../src/metrics/series.ts";
import {
  awayFromHourEdge,
  type Dashboard,
  expectContract,
  HOUR_EDGE_MAX_WAIT_MS,
  setupDashboard,
} from "./helpers.ts";

/**
 * The read side of retention per resolution (decision 0043): a chart never reads a tier its
 * organization's plan has already deleted while a coarser tier still holds the data.
 */
let d: Dashboard;
let H: Date;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

beforeAll(async () => {
  d = await setupDashboard();
  await awayFromHourEdge();
  H = (await d.sql<{ h: Date }[]>`select private.bucket_1h(now()) as h`)[0]?.h as Date;
  await d.sql`update private.rollup_state set checks_through = ${H}, hours_through = ${H}`;
  await d.sql`select private.ensure_daily_partitions('public.check_results', 40, 0)`;
}, HOUR_EDGE_MAX_WAIT_MS + 60_000);
afterAll(() => d.close());

async function probe(name: string): Promise<string> {
  const res = await d.api("POST", `/orgs/${d.orgA}/probes`, {
    as: d.users.member,
    body: { name, config: { kind: "http", url: `http://127.0.0.1:9/${name}` } },
  });
  return expectContract(res, 201, ProbeItem).id;
}

async function latencyHour(monitor: string, at: Date, sum: number, n: number, min: number, max: number) {
  await d.sql`
    insert into check_rollups_1h (monitor_id, bucket, org_id, ok_count, latency_sum_ms, latency_count,
                                  latency_min_ms, latency_max_ms)
    values (${monitor}, ${at}, ${d.orgA}, ${n}, ${sum}, ${n}, ${min}, ${max})`;
}
async function rawResult(monitor: string, at: Date, latency: number) {
  await d.sql`
    insert into check_results (ts, org_id, monitor_id, status, latency_ms)
    values (${at}, ${d.orgA}, ${monitor}, 'ok', ${latency})`;
}
const responseTimes = async (id: string, range: string) =>
  expectContract(
    await d.api("GET", `/orgs/${d.orgA}/monitors/${id}/response-times?range=${range}`, {
      as: d.users.viewer,
    }),
    200,
    ResponseTimes,
  );

describe("response times where raw results are past the plan's retention", () => {
  it("a Pro 30d range reads the hourly rollups for hours older than its 14 days of raw results, raw after, each hour once", async () => {
    await d.sql`update organizations set plan_id = 'pro', raw_retention_days = 90 where id = ${d.orgA}`;
    const id = await probe("pro-30d");
    const old = new Date(H.getTime() - 20 * DAY);
    const recent = new Date(H.getTime() - 2 * DAY);
    await latencyHour(id, old, 300, 3, 50, 150);
    await rawResult(id, new Date(old.getTime() + 60_000), 5000); // not yet deleted: must not count twice
    await latencyHour(id, recent, 999, 1, 999, 999); // raw results serve this hour
    await rawResult(id, new Date(recent.getTime() + 60_000), 40);
    const expected = [
      [old.getTime(), 100, 50, 150],
      [recent.getTime(), 40, 40, 40],
    ];
    expect((await responseTimes(id, "30d")).points).toEqual(expected);
    // after maintenance the raw result 20 days old is gone; the chart shows the same
    await maintainPartitions({ ctx: d.app.ctx });
    await maintainRollups({ ctx: d.app.ctx });
    const [left] = await d.sql<
      { n: number }[]
    >`select count(*)::int as n from check_results where monitor_id = ${id}`;
    expect(left?.n).toBe(1);
    expect((await responseTimes(id, "30d")).points).toEqual(expected);
  });

  it("an organization's own raw_retention_days (3) below its plan's moves the switch to 3 days in a 7d range", async () => {
    await d.sql`update organizations set plan_id = 'pro', raw_retention_days = 3 where id = ${d.orgA}`;
    const id = await probe("own-3-days");
    const fiveDays = new Date(H.getTime() - 5 * DAY);
    const twoHours = new Date(H.getTime() - 2 * HOUR);
    await latencyHour(id, fiveDays, 20, 2, 5, 15);
    await rawResult(id, new Date(fiveDays.getTime() + 60_000), 7777);
    await rawResult(id, new Date(twoHours.getTime() + 60_000), 12);
    expect((await responseTimes(id, "7d")).points).toEqual([
      [fiveDays.getTime(), 10, 5, 15],
      [twoHours.getTime(), 12, 12, 12],
    ]);
    // 24h and 1h are within any retention (at least a day): raw only
    expect((await responseTimes(id, "24h")).points.map((p) => p[1])).toEqual([12]);
    await d.sql`update organizations set plan_id = 'unlimited', raw_retention_days = 90 where id = ${d.orgA}`;
  });

  it("keeps reading raw results only when the organization keeps them longer than the range (unlimited, 90 days)", async () => {
    const id = await probe("unlimited-30d");
    const old = new Date(H.getTime() - 20 * DAY);
    await latencyHour(id, old, 300, 3, 50, 150);
    await rawResult(id, new Date(old.getTime() + 60_000), 80);
    expect((await responseTimes(id, "30d")).points).toEqual([[old.getTime(), 80, 80, 80]]);
  });
});

describe("private.raw_retention_days as a caller", () => {
  it("answers for the caller's organization and null for another organization, a missing one or a malformed id", async () => {
    const [missing] = await d.sql<{ id: string }[]>`select gen_random_uuid() as id`;
    const days = await asCaller(d.sql, { sub: d.users.viewer.id, role: "authenticated" }, async (tx) => {
      const [row] = await tx<{ own: number | null; other: number | null; missing: number | null }[]>`
        select private.raw_retention_days(${d.orgA}) as own, private.raw_retention_days(${d.orgB}) as other,
               private.raw_retention_days(${missing?.id ?? null}) as missing`;
      return row;
    });
    expect(days).toEqual({ own: 90, other: null, missing: null });
    await expect(
      d.sql`select private.raw_retention_days(${"1; drop table public.plans"})`,
    ).rejects.toMatchObject({
      code: "22P02",
    });
    const [anon] = await d.sql`
      select has_function_privilege('anon', 'private.raw_retention_days(uuid)', 'execute') as may`;
    expect(anon?.may).toBe(false);
  });
});

describe("metric charts and the plan's tiers", () => {
  it("every plan keeps the tier each chart range reads for at least the range, or the range reads the coarsest tier", async () => {
    const plans = await d.sql<Record<string, number | string>[]>`
      select id, retention_1m_days as "1m", retention_5m_days as "5m", retention_1h_days as "1h" from public.plans`;
    const misses: string[] = [];
    for (const plan of plans) {
      for (const range of MetricRange.options) {
        const spec = RANGE_TIERS[range];
        const spanDays = (spec.points * spec.stepSeconds) / 86_400;
        if (spec.tier !== "1h" && Number(plan[spec.tier]) < spanDays) misses.push(`${plan.id}:${range}`);
      }
    }
    expect({ plans: plans.length, misses }).toEqual({ plans: 4, misses: [] });
  });

  it("refuses a plan edit that would keep a tier less than a day (the shortest the 1h and 24h charts need)", async () => {
    for (const column of [
      "retention_1m_days",
      "retention_5m_days",
      "retention_1h_days",
      "retention_raw_days",
    ]) {
      await expect(
        d.sql.unsafe(`update public.plans set ${column} = 0 where id = 'pro'`),
      ).rejects.toMatchObject({
        code: "23514",
      });
    }
    const [pro] = await d.sql`select retention_1m_days, retention_5m_days from public.plans where id = 'pro'`;
    expect(pro).toEqual({ retention_1m_days: 30, retention_5m_days: 90 });
  });

  it("a Free organization's 30d chart shows its last 7 days of hourly points after maintenance, no older ones", async () => {
    await d.sql`update organizations set plan_id = 'free' where id = ${d.orgA}`;
    try {
      const server = await d.register("free-chart");
      await d.pushMetrics(server, [{ ts: Date.now() - 10_000, name: "load.5", value: 1 }]);
      const [s] = await d.sql<{ id: number }[]>`select id from metric_series where server_id = ${server}`;
      const at = (days: number) => new Date(H.getTime() - days * DAY);
      for (const days of [10, 6]) {
        await d.sql`
          insert into metric_rollups_1h (series_id, bucket, sum_value, sample_count, min_value, max_value)
          values (${s?.id ?? null}, ${at(days)}, ${days}, 1, ${days}, ${days})`;
      }
      await maintainRollups({ ctx: d.app.ctx });
      const res = await d.api("GET", `/orgs/${d.orgA}/servers/${server}/metrics?names=load.5&range=30d`, {
        as: d.users.viewer,
      });
      const body = expectContract(res, 200, MetricsResponse);
      const old = body.series[0]?.points.filter((p) => p[0] < H.getTime() - DAY) ?? [];
      expect(old).toEqual([[at(6).getTime(), 6, 6, 6]]);
    } finally {
      await d.sql`update organizations set plan_id = 'unlimited' where id = ${d.orgA}`;
    }
  });
});
