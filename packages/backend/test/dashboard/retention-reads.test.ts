import { MetricRange, MetricsResponse, ProbeItem, ResponseTimes } from "@custos/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asCaller, maintainPartitions, maintainRollups, refreshRollups } from "../../src/index.ts";
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

/** An hourly rollup row as the refresh writes it; null latency: counted before the latency columns. */
async function latencyHour(
  monitor: string,
  at: Date,
  sum: number | null,
  n: number | null,
  min: number | null,
  max: number | null,
) {
  await d.sql`
    insert into check_rollups_1h (monitor_id, bucket, org_id, ok_count, latency_sum_ms, latency_count,
                                  latency_min_ms, latency_max_ms)
    values (${monitor}, ${at}, ${d.orgA}, ${n ?? 1}, ${sum}, ${n}, ${min}, ${max})`;
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
  it("a Pro 30d range reads hours with latency aggregates from the rollups, unmeasured ones raw while kept (14 days), and says where response times begin", async () => {
    await d.sql`update organizations set plan_id = 'pro', raw_retention_days = 90 where id = ${d.orgA}`;
    const id = await probe("pro-30d");
    const old = new Date(H.getTime() - 20 * DAY);
    const unmeasuredOld = new Date(H.getTime() - 18 * DAY);
    const unmeasuredRecent = new Date(H.getTime() - 2 * DAY);
    const measuredRecent = new Date(H.getTime() - DAY);
    await latencyHour(id, old, 300, 3, 50, 150);
    await rawResult(id, new Date(old.getTime() + 60_000), 5000); // not yet deleted: must not count twice
    // counted before the latency columns: past 14 days nothing can stand in for it
    await latencyHour(id, unmeasuredOld, null, null, null, null);
    await rawResult(id, new Date(unmeasuredOld.getTime() + 60_000), 6000);
    await latencyHour(id, unmeasuredRecent, null, null, null, null); // raw results serve this hour
    await rawResult(id, new Date(unmeasuredRecent.getTime() + 60_000), 40);
    await latencyHour(id, measuredRecent, 90, 3, 20, 40); // the rollup serves this hour, raw or not
    await rawResult(id, new Date(measuredRecent.getTime() + 60_000), 7000);
    const expected = {
      points: [
        [old.getTime(), 100, 50, 150],
        [unmeasuredRecent.getTime(), 40, 40, 40],
        [measuredRecent.getTime(), 30, 20, 40],
      ],
      response_times_since: new Date(unmeasuredOld.getTime() + HOUR).toISOString(),
    };
    expect(await responseTimes(id, "30d")).toMatchObject(expected);
    // after maintenance the raw results 18 and 20 days old are gone; the chart shows the same
    await maintainPartitions({ ctx: d.app.ctx });
    await maintainRollups({ ctx: d.app.ctx });
    const [left] = await d.sql<
      { n: number }[]
    >`select count(*)::int as n from check_results where monitor_id = ${id}`;
    expect(left?.n).toBe(2);
    expect(await responseTimes(id, "30d")).toMatchObject(expected);
  });

  it("an organization's own raw_retention_days (3) below its plan's moves the switch to 3 days in a 7d range", async () => {
    await d.sql`update organizations set plan_id = 'pro', raw_retention_days = 3 where id = ${d.orgA}`;
    const id = await probe("own-3-days");
    const fiveDays = new Date(H.getTime() - 5 * DAY);
    const fourDays = new Date(H.getTime() - 4 * DAY);
    const twoDays = new Date(H.getTime() - 2 * DAY);
    const twoHours = new Date(H.getTime() - 2 * HOUR);
    await latencyHour(id, fiveDays, 20, 2, 5, 15);
    await rawResult(id, new Date(fiveDays.getTime() + 60_000), 7777);
    await latencyHour(id, fourDays, null, null, null, null);
    await rawResult(id, new Date(fourDays.getTime() + 60_000), 8888);
    await latencyHour(id, twoDays, null, null, null, null);
    await rawResult(id, new Date(twoDays.getTime() + 60_000), 25);
    await rawResult(id, new Date(twoHours.getTime() + 60_000), 12); // not rolled up at all
    expect(await responseTimes(id, "7d")).toMatchObject({
      points: [
        [fiveDays.getTime(), 10, 5, 15],
        [twoDays.getTime(), 25, 25, 25],
        [twoHours.getTime(), 12, 12, 12],
      ],
      response_times_since: new Date(fourDays.getTime() + HOUR).toISOString(),
    });
    // 24h and 1h are within any retention (at least a day): raw only
    expect((await responseTimes(id, "24h")).points.map((p) => p[1])).toEqual([12]);
    await d.sql`update organizations set plan_id = 'unlimited', raw_retention_days = 90 where id = ${d.orgA}`;
  });

  it("an organization that keeps raw results longer than the range (unlimited, 90 days) gets rollups where measured, raw elsewhere, and no 'since'", async () => {
    const id = await probe("unlimited-30d");
    const old = new Date(H.getTime() - 20 * DAY);
    const unmeasured = new Date(H.getTime() - 25 * DAY);
    await latencyHour(id, old, 300, 3, 50, 150);
    await rawResult(id, new Date(old.getTime() + 60_000), 80);
    await latencyHour(id, unmeasured, null, null, null, null);
    await rawResult(id, new Date(unmeasured.getTime() + 60_000), 60);
    expect(await responseTimes(id, "30d")).toMatchObject({
      points: [
        [unmeasured.getTime(), 60, 60, 60],
        [old.getTime(), 100, 50, 150],
      ],
      response_times_since: null,
    });
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

describe("7d and 30d response times from the hourly rollups", () => {
  it("answer a 60-s probe's 30 days point by point as the raw results do, before and after the refresh, and with raw results gone where the rollups carry latencies", async () => {
    const id = await probe("month-of-minutes");
    const [{ from } = { from: new Date() }] = await d.sql<{ from: Date }[]>`
      select private.bucket_1h(now()) - interval '719 hours' as from`;
    // one result a minute up to a second ago; every 97th down (no time), every 211th unsupported
    // (no time), latencies in quarter milliseconds (exact in a real and in any sum), and a
    // five-hour pause with no results at all
    await d.sql`
      insert into check_results (ts, org_id, monitor_id, status, latency_ms)
      select g.ts, ${d.orgA}, ${id},
             (case when g.i % 97 = 0 then 'down' when g.i % 211 = 0 then 'unsupported' else 'ok' end)::check_status,
             case when g.i % 97 = 0 or g.i % 211 = 0 then null else 20 + ((g.i * 37) % 400) * 0.25 end
      from (select t as ts, row_number() over (order by t) as i
            from generate_series(${from}::timestamptz, now() - interval '1 second', interval '60 seconds') as t) g
      where not (g.ts >= ${from}::timestamptz + interval '100 hours' and g.ts < ${from}::timestamptz + interval '105 hours')`;
    /** The answer aggregated from the raw results alone (the read this replaces), from `since` on. */
    const rawAnswer = await d.sql<{ at: Date; avg: number; min: number; max: number }[]>`
      select date_bin('1 hour', ts, timestamptz '2000-01-01 00:00:00+00') as at, avg(latency_ms)::float8 as avg,
             min(latency_ms)::float8 as min, max(latency_ms)::float8 as max
      from check_results
      where monitor_id = ${id} and status <> 'unsupported' and latency_ms is not null
      group by 1 order by 1`;
    const round = (v: number) => Math.round(v * 10) / 10;
    const expected = (body: ResponseTimes) =>
      rawAnswer
        .filter((r) => r.at.getTime() >= Date.parse(body.from))
        .map((r) => [r.at.getTime(), round(r.avg), round(r.min), round(r.max)]);

    const beforeRefresh = await responseTimes(id, "30d");
    expect(beforeRefresh.points).toHaveLength(715);
    expect(beforeRefresh.points).toEqual(expected(beforeRefresh));

    await refreshRollups({ ctx: d.app.ctx });
    const [rolled] = await d.sql<{ hours: number; through: Date }[]>`
      select count(*)::int as hours, (select checks_through from private.rollup_watermarks()) as through
      from check_rollups_1h where monitor_id = ${id} and latency_count > 0 and bucket < private.bucket_1h(now())`;
    expect(rolled?.hours).toBe(714); // every past hour but the pause's five
    const month = await responseTimes(id, "30d");
    expect(month).toMatchObject({ step_seconds: 3600, response_times_since: null });
    expect(month.points).toEqual(expected(month));
    const week = await responseTimes(id, "7d");
    expect(week.points).toHaveLength(168);
    expect(week.points).toEqual(expected(week));

    // three hours as the latency migration left them; the raw results of every other hour before
    // the watermark deleted: the rollups answer those, raw results the three
    const unmeasured = [10, 200, 500].map((h) => new Date(from.getTime() + h * HOUR).toISOString());
    await d.sql`
      update check_rollups_1h set latency_sum_ms = null, latency_count = null, latency_min_ms = null, latency_max_ms = null
      where monitor_id = ${id} and bucket = any (${unmeasured}::timestamptz[])`;
    const deleted = await d.sql`
      delete from check_results
      where monitor_id = ${id} and ts < ${rolled?.through ?? null}::timestamptz
        and private.bucket_1h(ts) <> all (${unmeasured}::timestamptz[])`;
    expect(deleted.count).toBeGreaterThan(40_000);
    const fromRollups = await responseTimes(id, "30d");
    expect(fromRollups).toMatchObject({ response_times_since: null });
    expect(fromRollups.points).toEqual(expected(fromRollups));
  });

  it("fill an hour counted before the latency columns from raw results on both sides of the watermark inside it", async () => {
    const id = await probe("legacy-current-hour");
    const [saved] = await d.sql<
      { through: Date }[]
    >`select checks_through as through from private.rollup_state`;
    try {
      await d.sql`update private.rollup_state set checks_through = ${new Date(H.getTime() + 30_000)}`;
      await latencyHour(id, H, null, null, null, null); // its first 30 s counted, without latencies
      await rawResult(id, new Date(H.getTime() + 10_000), 10); // before the watermark
      await rawResult(id, new Date(H.getTime() + 40_000), 30); // after it
      for (const range of ["7d", "30d"]) {
        expect(await responseTimes(id, range)).toMatchObject({
          points: [[H.getTime(), 20, 10, 30]],
          response_times_since: null,
        });
      }
      // 90 d does not fill from raw: the hour after the unmeasured one is where its points begin
      expect(await responseTimes(id, "90d")).toMatchObject({
        points: [[Math.floor(H.getTime() / (6 * HOUR)) * 6 * HOUR, 30, 30, 30]],
        response_times_since: new Date(H.getTime() + HOUR).toISOString(),
      });
    } finally {
      await d.sql`update private.rollup_state set checks_through = ${saved?.through ?? H}`;
    }
  });

  it("answer every hour from raw results while the refresh is stalled for longer than the range", async () => {
    const id = await probe("stalled-refresh");
    const [saved] = await d.sql<
      { through: Date }[]
    >`select checks_through as through from private.rollup_state`;
    try {
      await d.sql`update private.rollup_state set checks_through = ${new Date(H.getTime() - 40 * DAY)}`;
      const tenDays = new Date(H.getTime() - 10 * DAY);
      await rawResult(id, new Date(tenDays.getTime() + 60_000), 70);
      await rawResult(id, new Date(tenDays.getTime() + 120_000), 90);
      await rawResult(id, new Date(H.getTime() + 5_000), 15);
      expect(await responseTimes(id, "30d")).toMatchObject({
        points: [
          [tenDays.getTime(), 80, 70, 90],
          [H.getTime(), 15, 15, 15],
        ],
        response_times_since: null,
      });
    } finally {
      await d.sql`update private.rollup_state set checks_through = ${saved?.through ?? H}`;
    }
  });
});
