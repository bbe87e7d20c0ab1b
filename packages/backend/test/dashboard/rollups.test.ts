import { MetricsResponse, OVERVIEW_METRIC_NAMES, OVERVIEW_METRICS } from "@custos/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maintainRollups, refreshRollups } from "../../src/index.ts";
import { type Dashboard, expectContract, setupDashboard } from "./helpers.ts";

let d: Dashboard;
let server: string;
const MIN = 60_000;
const HOUR = 60 * MIN;

/** Rollup rows that differ from aggregating the raw samples from scratch (should be none). */
async function mismatches() {
  const [row] = await d.sql<{ m1: number; m5: number; h1: number; checks: number }[]>`
    with st as (select * from private.rollup_state),
    raw1 as (
      select series_id, date_trunc('minute', ts, 'UTC') as b, count(*)::int as c, sum(value) as s, min(value) as lo, max(value) as hi
      from metric_samples group by 1, 2
    ),
    raw5 as (
      select series_id, private.bucket_5m(ts) as b, count(*)::int as c, sum(value) as s from metric_samples group by 1, 2
    ),
    rawh as (
      select series_id, date_trunc('hour', ts, 'UTC') as b, count(*)::int as c, sum(value) as s from metric_samples
      where ts < (select hours_through from st) group by 1, 2
    ),
    rawc as (
      select monitor_id, date_trunc('hour', ts, 'UTC') as b, count(*) filter (where status = 'ok')::int as ok,
             count(*) filter (where status = 'down')::int as down, count(latency_ms)::int as lat_n,
             sum(latency_ms::float8) as lat_sum, min(latency_ms) as lat_lo, max(latency_ms) as lat_hi
      from check_results where ts < (select checks_through from st) and status <> 'unsupported' group by 1, 2
    )
    select
      (select count(*)::int from raw1 full join metric_rollups_1m r on r.series_id = raw1.series_id and r.bucket = raw1.b
        where raw1.c is distinct from r.sample_count or abs(raw1.s - r.sum_value) > 1e-6
           or raw1.lo is distinct from r.min_value or raw1.hi is distinct from r.max_value) as m1,
      (select count(*)::int from raw5 full join metric_rollups_5m r on r.series_id = raw5.series_id and r.bucket = raw5.b
        where raw5.c is distinct from r.sample_count or abs(raw5.s - r.sum_value) > 1e-6) as m5,
      (select count(*)::int from rawh full join (select * from metric_rollups_1h where bucket < (select hours_through from st)) r
         on r.series_id = rawh.series_id and r.bucket = rawh.b
        where rawh.c is distinct from r.sample_count or abs(rawh.s - r.sum_value) > 1e-6) as h1,
      (select count(*)::int from rawc full join check_rollups_1h r on r.monitor_id = rawc.monitor_id and r.bucket = rawc.b
        where rawc.ok is distinct from r.ok_count or rawc.down is distinct from r.down_count
           or rawc.lat_n is distinct from r.latency_count or rawc.lat_lo is distinct from r.latency_min_ms
           or rawc.lat_hi is distinct from r.latency_max_ms
           or (rawc.lat_sum is null) <> (r.latency_sum_ms is null) or abs(rawc.lat_sum - r.latency_sum_ms) > 1e-6) as checks`;
  return row;
}

function series(
  from: number,
  to: number,
  stepMs: number,
  name = "cpu.percent",
  value = (t: number) => (t / 1000) % 97,
) {
  const out: { ts: number; name: string; value: number }[] = [];
  for (let t = from; t < to; t += stepMs) out.push({ ts: t, name, value: value(t) });
  return out;
}

beforeAll(async () => {
  d = await setupDashboard();
  server = await d.register("web-1");
});
afterAll(() => d.close());

describe("rollup refresh", () => {
  it("keeps the overview's metrics under the names the agent sends and the API reads (SQL spells them out)", async () => {
    const rows = await d.sql<{ src: string }[]>`
      select p.prosrc as src from pg_proc p join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = 'private' and p.proname = 'refresh_rollups'`;
    expect(rows).toHaveLength(1);
    const src = rows[0]?.src ?? "";
    const quoted = (list: string) => [...list.matchAll(/'([^']*)'/g)].map((m) => m[1]);
    // the series whose newest value metric_latest keeps
    const latest = /latest_names text\[\] := array\[([^\]]*)\]/.exec(src)?.[1];
    expect(latest && quoted(latest)).toEqual([...OVERVIEW_METRIC_NAMES]);
    // which name feeds which server_vitals value
    const columns = Object.fromEntries(
      [...src.matchAll(/filter \(where ms\.name = '([^']+)'\) as (\w+)/g)].map((m) => [m[2], m[1]]),
    );
    expect(columns).toEqual({
      cpu: OVERVIEW_METRICS.cpu,
      mem: OVERVIEW_METRICS.memory,
      disk: OVERVIEW_METRICS.disk,
      load_1: OVERVIEW_METRICS.load1,
    });
    // and nothing else by name (the cpu trend included)
    for (const m of src.matchAll(/ms\.name = '([^']+)'/g)) expect(OVERVIEW_METRIC_NAMES).toContain(m[1]);
  });

  it("aggregates new samples into 1m / 5m / 1h and the overview's latest values, matching raw exactly", async () => {
    const now = Date.now();
    await d.pushMetrics(server, series(now - 3 * HOUR, now - 5_000, 15_000));
    // most are older than the watermark of this new database: they arrive through the backlog
    const first = await refreshRollups({ ctx: d.app.ctx });
    expect(first.caught_up).toBe(true);
    expect(first.rollups_1m + first.late_1m).toBeGreaterThanOrEqual(180);
    const [hours] = await d.sql`select count(*)::int as n from metric_rollups_1h`;
    expect(hours?.n).toBeGreaterThanOrEqual(2);
    expect(await mismatches()).toEqual({ m1: 0, m5: 0, h1: 0, checks: 0 });
    const [latest] = await d.sql`select count(*)::int as n from metric_latest`;
    expect(latest?.n).toBe(1);
  });

  it("never rescans: a second run with nothing new reads only its window and writes nothing", async () => {
    const again = await refreshRollups({ ctx: d.app.ctx });
    expect(again).toMatchObject({ passes: 1, rollups_1m: 0, rollups_5m: 0, late_1m: 0, vitals: 0 });
    const [backlog] = await d.sql`select count(*)::int as n from private.metric_rollup_backlog`;
    expect(backlog?.n).toBe(0);
  });

  it("re-aggregates samples that arrive within the window (replace, not add)", async () => {
    const now = Date.now();
    await d.pushMetrics(server, [{ ts: now - 30_000, name: "cpu.percent", value: 99 }]);
    const [backlog] = await d.sql`select count(*)::int as n from private.metric_rollup_backlog`;
    expect(backlog?.n).toBe(0);
    await refreshRollups({ ctx: d.app.ctx });
    expect(await mismatches()).toEqual({ m1: 0, m5: 0, h1: 0, checks: 0 });
  });

  it("merges samples replayed hours late (an agent's buffer) exactly once, into every tier", async () => {
    const now = Date.now();
    const gapStart = Math.floor((now - 5 * HOUR) / MIN) * MIN;
    await d.pushMetrics(server, series(gapStart, gapStart + 40 * MIN, 15_000));
    const [backlog] = await d.sql`select count(*)::int as n from private.metric_rollup_backlog`;
    expect(backlog?.n).toBe(40);
    const result = await refreshRollups({ ctx: d.app.ctx });
    expect(result.late_1m).toBe(40);
    expect(await mismatches()).toEqual({ m1: 0, m5: 0, h1: 0, checks: 0 });
    // replaying the same batch again (new batch id, same samples) is counted once more, like raw
    await refreshRollups({ ctx: d.app.ctx });
    expect(await mismatches()).toEqual({ m1: 0, m5: 0, h1: 0, checks: 0 });

    const chart = expectContract(
      await d.api("GET", `/orgs/${d.orgA}/servers/${server}/metrics?names=cpu.percent&range=7d`),
      200,
      MetricsResponse,
    );
    const hours = chart.series[0]?.points.map(([ts]) => ts) ?? [];
    expect(hours).toContain(Math.floor(gapStart / HOUR) * HOUR);
  });

  it("counts check results once each, including late ones, in hourly rollups", async () => {
    const now = Date.now();
    // Ten minutes into an hour six hours back, so the three results share one hour bucket
    // whatever minute the test runs at (it failed once when run at 09:59).
    const early = Math.floor((now - 6 * HOUR) / HOUR) * HOUR + 10 * MIN;
    await d.pushChecks(server, [
      { monitor: "http:site", status: "ok", ts: early },
      { monitor: "http:site", status: "down", ts: early + MIN },
    ]);
    await refreshRollups({ ctx: d.app.ctx });
    await d.pushChecks(server, [
      { monitor: "http:site", status: "down", ts: early + 2 * MIN },
      { monitor: "http:site", status: "ok", ts: now - 10 * MIN },
    ]);
    await refreshRollups({ ctx: d.app.ctx });
    await refreshRollups({ ctx: d.app.ctx });
    expect(await mismatches()).toEqual({ m1: 0, m5: 0, h1: 0, checks: 0 });
    const [hour] = await d.sql`
      select ok_count, down_count from check_rollups_1h where bucket = date_trunc('hour', ${new Date(early)}::timestamptz, 'UTC')`;
    expect(hour).toEqual({ ok_count: 1, down_count: 2 });
  });

  it("sums response times per monitor and hour exactly, late results and window alike; untimed hours have none", async () => {
    const now = Date.now();
    // ten minutes into an hour eight hours back: every result below shares that hour
    const early = Math.floor((now - 8 * HOUR) / HOUR) * HOUR + 10 * MIN;
    await d.pushChecks(server, [
      { monitor: "http:timed", status: "ok", ts: early },
      { monitor: "http:untimed", status: "ok", ts: early },
      { monitor: "http:untimed", status: "down", ts: early + MIN },
    ]);
    const ids = Object.fromEntries(
      (
        await d.sql<{ id: string; name: string }[]>`
        select id, name from monitors where server_id = ${server} and name in ('http:timed', 'http:untimed')`
      ).map((m) => [m.name, m.id]),
    );
    const timed = ids["http:timed"] as string;
    // hours old: the late-results trigger sends them to the backlog (values exact in a real)
    await d.sql`
      insert into check_results (ts, org_id, server_id, monitor_id, status, latency_ms)
      select ${new Date(early)}::timestamptz + make_interval(mins => v.m), ${d.orgA}, ${server}, ${timed},
             v.status::check_status, v.latency
      from (values (1, 'ok', 10.5::real), (2, 'degraded', 20.25), (3, 'down', 30), (4, 'down', null),
                   (5, 'unsupported', 999)) as v(m, status, latency)`;
    // a minute old: not late, counted by the refresh's window (no 2-minute lateness allowance here)
    await d.sql`
      insert into check_results (ts, org_id, server_id, monitor_id, status, latency_ms)
      values (now() - interval '70 seconds', ${d.orgA}, ${server}, ${timed}, 'ok', 7.5),
             (now() - interval '75 seconds', ${d.orgA}, ${server}, ${timed}, 'ok', 8.5)`;
    await d.sql`select private.refresh_rollups(p_late => interval '0 seconds')`;

    const hour = async (monitor: string, at: Date | string) =>
      (
        await d.sql`
          select ok_count, degraded_count, down_count, latency_count, latency_sum_ms, latency_min_ms, latency_max_ms
          from check_rollups_1h where monitor_id = ${monitor} and bucket = private.bucket_1h(${at}::timestamptz)`
      )[0];
    expect(await hour(timed, new Date(early))).toEqual({
      ok_count: 2,
      degraded_count: 1,
      down_count: 2,
      latency_count: 3, // the unsupported result's time is left out, like its status
      latency_sum_ms: 60.75,
      latency_min_ms: 10.5,
      latency_max_ms: 30,
    });
    expect(await hour(ids["http:untimed"] as string, new Date(early))).toEqual({
      ok_count: 1,
      degraded_count: 0,
      down_count: 1,
      latency_count: 0,
      latency_sum_ms: null,
      latency_min_ms: null,
      latency_max_ms: null,
    });
    const [recent] = await d.sql`
      select sum(latency_count)::int as n, sum(latency_sum_ms) as total, min(latency_min_ms) as lo, max(latency_max_ms) as hi
      from check_rollups_1h where monitor_id = ${timed} and bucket >= private.bucket_1h(now() - interval '75 seconds')`;
    expect(recent).toEqual({ n: 2, total: 16, lo: 7.5, hi: 8.5 });
    expect(await mismatches()).toEqual({ m1: 0, m5: 0, h1: 0, checks: 0 });
  });

  it("leaves an hour counted before the latency columns without response times when results join it", async () => {
    const now = Date.now();
    const old = new Date(Math.floor((now - 30 * HOUR) / HOUR) * HOUR);
    await d.pushChecks(server, [{ monitor: "http:legacy", status: "ok", ts: old.getTime() + MIN }]);
    const [m] = await d.sql<
      { id: string }[]
    >`select id from monitors where server_id = ${server} and name = 'http:legacy'`;
    if (!m) throw new Error("the pushed check made no monitor");
    await d.refresh();
    // as the migration left it: counts, no latency aggregates
    await d.sql`
      update check_rollups_1h set latency_count = null, latency_sum_ms = null, latency_min_ms = null, latency_max_ms = null
      where monitor_id = ${m.id} and bucket = ${old}`;
    await d.sql`
      insert into check_results (ts, org_id, server_id, monitor_id, status, latency_ms)
      values (${new Date(old.getTime() + 2 * MIN)}, ${d.orgA}, ${server}, ${m.id}, 'ok', 12)`;
    await d.refresh();
    const [row] = await d.sql`
      select ok_count, latency_count, latency_sum_ms, latency_max_ms from check_rollups_1h
      where monitor_id = ${m.id} and bucket = ${old}`;
    // a part of the hour would pass for all of it: the hour keeps saying "not measured"
    expect(row).toEqual({ ok_count: 2, latency_count: null, latency_sum_ms: null, latency_max_ms: null });
    // leave the rollups consistent with raw for the tests after this one
    await d.sql`delete from check_results where monitor_id = ${m.id}`;
    await d.sql`delete from check_rollups_1h where monitor_id = ${m.id}`;
  });

  it("serialises concurrent refreshes without double counting", async () => {
    const now = Date.now();
    await d.pushMetrics(
      server,
      series(now - 20 * HOUR, now - 19 * HOUR, 30_000, "load.1", () => 1),
    );
    await Promise.all([
      refreshRollups({ ctx: d.app.ctx }),
      refreshRollups({ ctx: d.app.ctx }),
      refreshRollups({ ctx: d.app.ctx }),
    ]);
    expect(await mismatches()).toEqual({ m1: 0, m5: 0, h1: 0, checks: 0 });
  });
});

describe("rollup retention", () => {
  it("creates partitions ahead, locked to their parent's RLS", async () => {
    const result = await maintainRollups({ ctx: d.app.ctx });
    expect(result.created).toBeGreaterThanOrEqual(0);
    const [row] = await d.sql`
      select count(*)::int as parts, bool_and(c.relrowsecurity) as rls,
             bool_or(has_table_privilege('authenticated', c.oid, 'select')) as auth_select,
             bool_or(has_table_privilege('anon', c.oid, 'select')) as anon_select
      from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent in ('public.metric_rollups_1m'::regclass, 'public.metric_rollups_5m'::regclass)`;
    expect(row).toMatchObject({ rls: true, auth_select: false, anon_select: false });
    expect(row?.parts).toBeGreaterThanOrEqual(2 * 12);
  });

  it("deletes an organization's rollups past its plan's 1-hour tier and keeps other organizations'", async () => {
    const serverB = await d.register("b-1", d.agentKeyB);
    await d.pushMetrics(serverB, [{ ts: Date.now() - 10_000, name: "cpu.percent", value: 1 }], d.agentKeyB);
    const ids = await d.sql<
      { id: number; org_id: string }[]
    >`select id, org_id from metric_series where name = 'cpu.percent'`;
    for (const s of ids) {
      await d.sql`
        insert into metric_rollups_1h (series_id, bucket, sum_value, sample_count, min_value, max_value)
        values (${s.id}, date_trunc('hour', now(), 'UTC') - interval '40 days', 1, 1, 1, 1)`;
    }
    // rollups follow the plan (decision 0043): Free keeps 1-hour rollups 7 days; B stays on
    // 'unlimited' (3650 days), whatever raw_retention_days says
    await d.sql`update organizations set plan_id = 'free' where id = ${d.orgA}`;
    await d.sql`update organizations set raw_retention_days = 30 where id = ${d.orgB}`;
    const result = await maintainRollups({ ctx: d.app.ctx });
    await d.sql`update organizations set plan_id = 'unlimited' where id = ${d.orgA}`;
    await d.sql`update organizations set raw_retention_days = 90 where id = ${d.orgB}`;
    expect(result.deleted_rows).toBeGreaterThanOrEqual(1);
    const left = await d.sql<{ org_id: string }[]>`
      select s.org_id from metric_rollups_1h r join metric_series s on s.id = r.series_id
      where r.bucket < now() - interval '35 days'`;
    expect(left.map((r) => r.org_id)).toEqual([d.orgB]);
  });
});
