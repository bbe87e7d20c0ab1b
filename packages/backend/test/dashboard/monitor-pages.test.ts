import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { MonitorPage, MonitorResults, ProbeItem, ProbeTestResult, ResponseTimes } from "@custos/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  awayFromHourEdge,
  type Dashboard,
  expectContract,
  HOUR_EDGE_MAX_WAIT_MS,
  setupDashboard,
} from "./helpers.ts";

let d: Dashboard;
let target: Server;
let base: string;
/** The current UTC hour as the database sees it (every window and bar is aligned to it). */
let H: Date;
const HOUR = 3_600_000;

beforeAll(async () => {
  d = await setupDashboard();
  target = createServer((req, res) => {
    if (req.url === "/hang") return; // never answers: the probe's timeout must end it
    res.writeHead(req.url === "/missing" ? 404 : 200, { "content-type": "text/plain" });
    res.end("custos says hello");
  });
  await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  await awayFromHourEdge();
  H = (await d.sql<{ h: Date }[]>`select private.bucket_1h(now()) as h`)[0]?.h as Date;
  // everything before this hour is "in the rollups"; results from it on are read raw
  await d.sql`update private.rollup_state set checks_through = ${H}`;
}, HOUR_EDGE_MAX_WAIT_MS + 60_000);
afterAll(async () => {
  target.closeAllConnections();
  await new Promise<void>((resolve) => target.close(() => resolve()));
  await d.close();
});

async function probe(name: string, org = d.orgA, as = d.users.member): Promise<string> {
  const res = await d.api("POST", `/orgs/${org}/probes`, {
    as,
    body: { name, config: { kind: "http", url: `${base}/${name}` } },
  });
  return expectContract(res, 201, ProbeItem).id;
}

/** Hourly rollup counts as the refresh would have written them. */
async function rollup(monitor: string, hoursBack: number, ok: number, degraded: number, down: number) {
  await d.sql`
    insert into check_rollups_1h (monitor_id, bucket, org_id, ok_count, degraded_count, down_count)
    values (${monitor}, ${new Date(H.getTime() - hoursBack * HOUR)}, ${d.orgA}, ${ok}, ${degraded}, ${down})`;
}

/** Raw results at `secondsAgo` before now (as the database sees it). */
async function raw(
  monitor: string,
  results: { secondsAgo: number; status: string; latency?: number | null; message?: string }[],
) {
  for (const r of results) {
    await d.sql`
      insert into check_results (ts, org_id, monitor_id, status, latency_ms, message)
      values (now() - make_interval(secs => ${r.secondsAgo}), ${d.orgA}, ${monitor}, ${r.status},
              ${r.latency ?? null}, ${r.message ?? null})`;
  }
}

async function page(monitor: string, org = d.orgA, as = d.users.viewer) {
  return d.api("GET", `/orgs/${org}/monitors/${monitor}`, { as });
}

function uptimeOf(body: MonitorPage) {
  return Object.fromEntries(
    body.uptime.map((u) => [u.window, { up: u.up_results, down: u.down_results, percent: u.percent }]),
  );
}

describe("uptime", () => {
  it("is null in every window for a monitor without results", async () => {
    const id = await probe("fresh");
    const body = expectContract(await page(id), 200, MonitorPage);
    expect(body.uptime.map((u) => u.window)).toEqual(["24h", "7d", "30d", "365d"]);
    for (const u of body.uptime) expect(u).toMatchObject({ up_results: 0, down_results: 0, percent: null });
    expect(body.hourly.bars).toEqual(new Array(72).fill("none"));
    expect(body.daily.bars).toEqual(new Array(90).fill("none"));
    expect(body.hourly.maintenance_seconds).toEqual(new Array(72).fill(0));
    expect(body.daily.maintenance_seconds).toEqual(new Array(90).fill(0));
  });

  it("counts hourly rollups and the raw results after the watermark, each window from its first hour", async () => {
    const id = await probe("math");
    await rollup(id, 1, 50, 5, 5); // every window
    await rollup(id, 23, 10, 0, 10); // the first hour of 24h
    await rollup(id, 24, 0, 0, 40); // just outside 24h, inside 7d
    await rollup(id, 168, 100, 0, 0); // just outside 7d, inside 30d
    await rollup(id, 720, 0, 0, 100); // just outside 30d, inside 365d
    await rollup(id, 8760, 1000, 0, 0); // just outside 365d
    await raw(id, [
      { secondsAgo: 5, status: "ok" },
      { secondsAgo: 6, status: "degraded" },
      { secondsAgo: 7, status: "ok" },
      { secondsAgo: 8, status: "down" },
      { secondsAgo: 9, status: "unsupported" }, // counts neither way
    ]);
    // before the watermark: the rollups already speak for it, so it is not counted again
    await d.sql`
      insert into check_results (ts, org_id, monitor_id, status)
      values (${new Date(H.getTime() - HOUR / 2)}, ${d.orgA}, ${id}, 'down')`;

    const body = expectContract(await page(id), 200, MonitorPage);
    expect(uptimeOf(body)).toEqual({
      "24h": { up: 68, down: 16, percent: 80.952 }, // 68/84 = 80.9523…, rounded down
      "7d": { up: 68, down: 56, percent: 54.838 },
      "30d": { up: 168, down: 56, percent: 75 },
      "365d": { up: 168, down: 156, percent: 51.851 },
    });
    expect(body.uptime.map((u) => Date.parse(u.from))).toEqual(
      [24, 168, 720, 8760].map((hours) => H.getTime() - (hours - 1) * HOUR),
    );
    // hourly bars: the hour 23 back is the first bar of the last 24; the current hour is the last
    expect(body.hourly.bars[71]).toBe("down");
    expect(body.hourly.bars[70]).toBe("down");
    expect(body.hourly.bars[69]).toBe("none"); // a gap: no results, no bar
    expect(body.hourly.bars[71 - 23]).toBe("down");
    expect(Date.parse(body.hourly.from)).toBe(H.getTime() - 71 * HOUR);
    // daily bars: each hour in the UTC day it starts in
    const dayOf = (hoursAgo: number) =>
      Math.floor((H.getTime() - hoursAgo * HOUR - Date.parse(body.daily.from)) / (24 * HOUR));
    expect(body.daily.bars[dayOf(168)]).toBe("ok");
    expect(body.daily.bars[dayOf(168) - 1]).toBe("none");
    expect(body.daily.bars[dayOf(720)]).toBe("down");
    expect(body.daily.bars[89]).toBe("down"); // today: the raw results' down at least
    expect(body.daily.bars.filter((b) => b !== "none").length).toBeLessThanOrEqual(5);
  });

  it("never shows 100 % with a failure in the window", async () => {
    const id = await probe("almost");
    await rollup(id, 2, 999_999, 0, 1);
    const body = expectContract(await page(id), 200, MonitorPage);
    expect(uptimeOf(body)["24h"]).toEqual({ up: 999_999, down: 1, percent: 99.999 });
  });

  it("leaves results inside maintenance windows out, overlapping windows subtracted once", async () => {
    const id = await probe("maintained");
    const twin = await probe("unmaintained"); // the same results, no window
    const otherServer = await d.register("elsewhere");
    for (const m of [id, twin]) {
      await raw(m, [
        { secondsAgo: 10, status: "ok" },
        { secondsAgo: 20, status: "ok" },
        { secondsAgo: 30, status: "down" },
        { secondsAgo: 40, status: "down" },
        { secondsAgo: 50, status: "ok" },
      ]);
      // two hours back, already in the rollups: one down result, also still in raw
      await rollup(m, 2, 0, 0, 1);
      await d.sql`
        insert into check_results (ts, org_id, monitor_id, status)
        values (${new Date(H.getTime() - 2 * HOUR + 5 * 60_000)}, ${d.orgA}, ${m}, 'down')`;
    }
    await d.sql`
      insert into maintenance_windows (org_id, monitor_id, starts_at, ends_at) values
        (${d.orgA}, ${id}, now() - interval '45 seconds', now() - interval '25 seconds'),
        (${d.orgA}, ${id}, ${new Date(H.getTime() - 2 * HOUR)}, ${new Date(H.getTime() - 2 * HOUR + 10 * 60_000)})`;
    // overlaps the first: merged, not subtracted twice
    await d.sql`
      insert into maintenance_windows (org_id, starts_at, ends_at)
      values (${d.orgA}, now() - interval '42 seconds', now() - interval '28 seconds')`;
    // another server's window does not apply to the probe
    await d.sql`
      insert into maintenance_windows (org_id, server_id, starts_at, ends_at)
      values (${d.orgA}, ${otherServer}, now() - interval '1 hour', now())`;

    const maintained = uptimeOf(expectContract(await page(id), 200, MonitorPage));
    const plain = uptimeOf(expectContract(await page(twin), 200, MonitorPage));
    expect(maintained["24h"]).toEqual({ up: 3, down: 0, percent: 100 });
    // the org-wide window covers every monitor of the org, the twin's two downs in its span too;
    // the twin's own windows do not exist, so its down two hours back counts
    expect(plain["24h"]).toEqual({ up: 3, down: 1, percent: 75 });
    expect(maintained["365d"]).toEqual(maintained["24h"]);
    await d.sql`delete from maintenance_windows where org_id = ${d.orgA}`;
  });

  it("shows an agent monitor with its server and without the agent's config", async () => {
    const server = await d.register("db-1");
    const now = Date.now();
    await d.pushChecks(server, [
      { monitor: "postgres", status: "ok", ts: now - 3_000, message: "accepting connections" },
      { monitor: "postgres", status: "down", ts: now - 2_000, message: "connection refused" },
    ]);
    const [m] = await d.sql<{ id: string }[]>`select id from monitors where server_id = ${server}`;
    const body = expectContract(await page(m?.id as string), 200, MonitorPage);
    expect(body.monitor).toMatchObject({
      source: "agent",
      name: "postgres",
      server: { id: server, name: "db-1" },
      config: null,
      interval_seconds: null,
    });
    expect(uptimeOf(body)["24h"]).toEqual({ up: 1, down: 1, percent: 50 });
  });

  it("shows a probe's thresholds, keyword and TLS settings with its defaults filled in", async () => {
    const res = await d.api("POST", `/orgs/${d.orgA}/probes`, {
      as: d.users.member,
      body: {
        name: "shop",
        config: { kind: "http", url: `${base}/shop`, keyword: "hello", degraded_ms: 300, down_ms: 900 },
      },
    });
    const id = expectContract(res, 201, ProbeItem).id;
    const body = expectContract(await page(id), 200, MonitorPage);
    expect(body.monitor).toMatchObject({ source: "probe", server: null, interval_seconds: 60 });
    expect(body.monitor.config).toMatchObject({
      keyword: "hello",
      degraded_ms: 300,
      down_ms: 900,
      tls_warn_days: 14,
      timeout_ms: 10_000,
    });
  });
});

describe("status bars in maintenance", () => {
  /** Seconds of [from, to) in each bar of `bars`, rounded up as the API does. */
  function expectedSeconds(
    bars: { from: string; step_seconds: number },
    n: number,
    spans: [number, number][],
  ) {
    const out = new Array<number>(n).fill(0);
    const start = Date.parse(bars.from);
    const step = bars.step_seconds * 1000;
    for (let i = 0; i < n; i++) {
      let ms = 0;
      for (const [a, b] of spans)
        ms += Math.max(0, Math.min(b, start + (i + 1) * step) - Math.max(a, start + i * step));
      out[i] = Math.ceil(ms / 1000);
    }
    return out;
  }

  it("marks each bar with its seconds in the monitor's, its server's or the org's windows, exactly at the edges", async () => {
    const id = await probe("maintenance-bars");
    const otherServer = await d.register("maintenance-elsewhere");
    const at = (hoursBack: number, extraMs = 0) => new Date(H.getTime() - hoursBack * HOUR + extraMs);
    await d.sql`
      insert into maintenance_windows (org_id, monitor_id, starts_at, ends_at) values
        -- exactly the hours 5 and 4 back: the bars either side stay unmarked
        (${d.orgA}, ${id}, ${at(5)}, ${at(3)}),
        -- half a second either side of the hour 9 back starting: two bars touched, 1 s each
        (${d.orgA}, ${id}, ${at(9, -500)}, ${at(9, 500)}),
        -- 30 days back: only a daily bar
        (${d.orgA}, ${id}, ${at(720)}, ${at(719)})`;
    // the organization's window overlaps the monitor's: merged, not counted twice
    await d.sql`
      insert into maintenance_windows (org_id, starts_at, ends_at)
      values (${d.orgA}, ${at(4)}, ${at(4, 30 * 60_000)})`;
    // another server's window is not this probe's; a window not started yet is not history
    await d.sql`
      insert into maintenance_windows (org_id, server_id, starts_at, ends_at) values
        (${d.orgA}, ${otherServer}, ${at(12)}, ${at(11)})`;
    await d.sql`
      insert into maintenance_windows (org_id, monitor_id, starts_at, ends_at)
      values (${d.orgA}, ${id}, now() + interval '1 minute', now() + interval '2 hours')`;
    try {
      const body = expectContract(await page(id), 200, MonitorPage);
      const hourly = body.hourly.maintenance_seconds;
      expect(hourly[71 - 5]).toBe(3600);
      expect(hourly[71 - 4]).toBe(3600);
      expect(hourly[71 - 3]).toBe(0); // the window ends exactly where this bar starts
      expect(hourly[71 - 6]).toBe(0); // and starts exactly where this one ends
      expect(hourly[71 - 10]).toBe(1);
      expect(hourly[71 - 9]).toBe(1);
      expect(hourly[71 - 12]).toBe(0);
      expect(hourly[71]).toBe(0);
      expect(hourly.filter((s) => s > 0)).toHaveLength(4);
      const spans: [number, number][] = [
        [at(5).getTime(), at(3).getTime()],
        [at(9, -500).getTime(), at(9, 500).getTime()],
        [at(720).getTime(), at(719).getTime()],
      ];
      expect(body.daily.maintenance_seconds).toEqual(expectedSeconds(body.daily, 90, spans));
      // 2 h + 1 s (+1 more if hour 9 back is a midnight) + 1 h
      expect(body.daily.maintenance_seconds.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(
        7200 + 1 + 3600,
      );
      // the bars still say what happened; maintenance is drawn over them, not instead
      expect(body.hourly.bars[71 - 5]).toBe("none");
    } finally {
      await d.sql`delete from maintenance_windows where org_id = ${d.orgA}`;
    }
  });

  it("marks the server page's hourly bars per monitor: its own, its server's and the org's windows", async () => {
    const server = await d.register("maintenance-server-page");
    const now = Date.now();
    await d.pushChecks(server, [
      { monitor: "nginx", status: "ok", ts: now - 2_000 },
      { monitor: "redis", status: "ok", ts: now - 2_000 },
    ]);
    const ids = Object.fromEntries(
      (
        await d.sql<{ id: string; name: string }[]>`select id, name from monitors where server_id = ${server}`
      ).map((m) => [m.name, m.id]),
    );
    const at = (hoursBack: number, extraMs = 0) => new Date(H.getTime() - hoursBack * HOUR + extraMs);
    await d.sql`
      insert into maintenance_windows (org_id, server_id, monitor_id, starts_at, ends_at) values
        (${d.orgA}, ${server}, null, ${at(6)}, ${at(5)}),              -- the server: both monitors, hour 6 back
        (${d.orgA}, null, ${ids.nginx ?? null}, ${at(3, 15 * 60_000)}, ${at(3, 45 * 60_000)}), -- nginx only, 30 min
        (${d.orgA}, null, null, ${at(10)}, ${at(10, 1)})             -- the organization, 1 ms: 1 s`;
    try {
      const res = await d.api("GET", `/orgs/${d.orgA}/servers/${server}`, { as: d.users.viewer });
      expect(res.status).toBe(200);
      const byName = Object.fromEntries(
        (res.body.monitors as { name: string; maintenance_seconds: number[] }[]).map((m) => [m.name, m]),
      );
      const marked = (name: string) =>
        Object.fromEntries(
          (byName[name]?.maintenance_seconds ?? [])
            .map((seconds, i) => [71 - i, seconds] as const)
            .filter(([, seconds]) => seconds > 0),
        );
      expect(marked("nginx")).toEqual({ 6: 3600, 3: 1800, 10: 1 });
      expect(marked("redis")).toEqual({ 6: 3600, 10: 1 });
      expect(byName.redis?.maintenance_seconds).toHaveLength(72);
    } finally {
      await d.sql`delete from maintenance_windows where org_id = ${d.orgA}`;
    }
  });

  it("marks the current hour up to now for a window that is running", async () => {
    const id = await probe("maintenance-running");
    await d.sql`
      insert into maintenance_windows (org_id, monitor_id, starts_at, ends_at)
      values (${d.orgA}, ${id}, ${H}, now() + interval '3 hours')`;
    try {
      const [{ elapsed } = { elapsed: 0 }] = await d.sql<{ elapsed: number }[]>`
        select extract(epoch from now() - ${H}::timestamptz)::float8 as elapsed`;
      const body = expectContract(await page(id), 200, MonitorPage);
      const last = body.hourly.maintenance_seconds[71] as number;
      expect(last).toBeGreaterThan(0);
      expect(last).toBeLessThanOrEqual(Math.ceil(elapsed) + 60);
      expect(body.hourly.maintenance_seconds.slice(0, 71).every((s) => s === 0)).toBe(true);
    } finally {
      await d.sql`delete from maintenance_windows where org_id = ${d.orgA}`;
    }
  });
});

describe("response times", () => {
  it("averages results with a latency per bucket and leaves the others out", async () => {
    const id = await probe("latency");
    const [{ minute } = { minute: new Date() }] = await d.sql<{ minute: Date }[]>`
      select date_bin('1 minute', now() - interval '3 minutes', timestamptz '2000-01-01 00:00:00+00') as minute`;
    for (const [s, latency] of [
      [1, 10],
      [2, 20],
      [3, 30],
      [4, null],
    ] as const) {
      await d.sql`
        insert into check_results (ts, org_id, monitor_id, status, latency_ms)
        values (${new Date(minute.getTime() + s * 1000)}, ${d.orgA}, ${id}, ${latency === null ? "down" : "ok"}, ${latency})`;
    }
    const res = await d.api("GET", `/orgs/${d.orgA}/monitors/${id}/response-times?range=1h`, {
      as: d.users.viewer,
    });
    const body = expectContract(res, 200, ResponseTimes);
    expect(body).toMatchObject({ range: "1h", step_seconds: 60 });
    expect(body.points).toEqual([[minute.getTime(), 20, 10, 30]]);
    const day = expectContract(
      await d.api("GET", `/orgs/${d.orgA}/monitors/${id}/response-times`, { as: d.users.viewer }),
      200,
      ResponseTimes,
    );
    expect(day).toMatchObject({ range: "24h", step_seconds: 300 });
  });
});

describe("response times beyond 30 days", () => {
  /** An hourly rollup row with latency aggregates (null count: counted before they existed). */
  async function latencyHour(
    monitor: string,
    hoursBack: number,
    lat: { sum: number | null; n: number | null; min: number | null; max: number | null },
  ) {
    await d.sql`
      insert into check_rollups_1h (monitor_id, bucket, org_id, ok_count, latency_sum_ms, latency_count,
                                    latency_min_ms, latency_max_ms)
      values (${monitor}, ${new Date(H.getTime() - hoursBack * HOUR)}, ${d.orgA}, 10, ${lat.sum}, ${lat.n},
              ${lat.min}, ${lat.max})`;
  }
  const get = (id: string, range: string) =>
    d.api("GET", `/orgs/${d.orgA}/monitors/${id}/response-times?range=${range}`, { as: d.users.viewer });

  it("sums the hourly rollups into 6-hour (90 d) and daily (365 d) points, raw results after the watermark too", async () => {
    const id = await probe("latency-long");
    await latencyHour(id, 2, { sum: 300, n: 3, min: 50, max: 150 });
    await latencyHour(id, 50 * 24, { sum: 100, n: 1, min: 100, max: 100 }); // 50 days: 90 d, not 30 d
    await latencyHour(id, 100 * 24, { sum: null, n: 0, min: null, max: null }); // results, none timed
    await latencyHour(id, 200 * 24, { sum: null, n: null, min: null, max: null }); // before the latency rollup
    await raw(id, [
      { secondsAgo: 5, status: "ok", latency: 40 },
      { secondsAgo: 6, status: "down" }, // no time: not a point
    ]);
    // before the watermark and already in the rollups: not counted again
    await d.sql`
      insert into check_results (ts, org_id, monitor_id, status, latency_ms)
      values (${new Date(H.getTime() - 2 * HOUR + 60_000)}, ${d.orgA}, ${id}, 'ok', 5000)`;
    const [{ now } = { now: new Date() }] = await d.sql<{ now: Date }[]>`select now() as now`;

    /** Expected points: the rows above grouped by the range's step, as date_bin from 2000-01-01 does. */
    const expected = (stepMs: number) => {
      const rows: [number, number, number, number, number][] = [
        [H.getTime() - 2 * HOUR, 300, 3, 50, 150],
        [H.getTime() - 50 * 24 * HOUR, 100, 1, 100, 100],
        [now.getTime() - 5_000, 40, 1, 40, 40],
      ];
      const buckets = new Map<number, { sum: number; n: number; min: number; max: number }>();
      for (const [t, sum, n, min, max] of rows) {
        const b = Math.floor(t / stepMs) * stepMs;
        const o = buckets.get(b) ?? { sum: 0, n: 0, min: Infinity, max: -Infinity };
        buckets.set(b, {
          sum: o.sum + sum,
          n: o.n + n,
          min: Math.min(o.min, min),
          max: Math.max(o.max, max),
        });
      }
      return [...buckets]
        .sort(([a], [b]) => a - b)
        .map(([b, o]) => [b, Math.round((o.sum / o.n) * 10) / 10, o.min, o.max]);
    };

    const quarter = expectContract(await get(id, "90d"), 200, ResponseTimes);
    expect(quarter).toMatchObject({ range: "90d", step_seconds: 21_600, response_times_since: null });
    expect(quarter.points).toEqual(expected(6 * HOUR));
    expect(Date.parse(quarter.from)).toBe(Math.floor(now.getTime() / (6 * HOUR)) * 6 * HOUR - 359 * 6 * HOUR);

    const year = expectContract(await get(id, "365d"), 200, ResponseTimes);
    expect(year).toMatchObject({ range: "365d", step_seconds: 86_400 });
    expect(year.points).toEqual(expected(24 * HOUR));
    // the newest hour without latency aggregates ends where response times begin
    expect(year.response_times_since).toBe(new Date(H.getTime() - 200 * 24 * HOUR + HOUR).toISOString());

    // 30 days read the same hourly rows (each hour once: the rollup, not the raw result it
    // already holds) and the 5-s-old result after the watermark
    const month = expectContract(await get(id, "30d"), 200, ResponseTimes);
    expect(month.response_times_since).toBeNull();
    expect(month.points).toEqual(expected(HOUR).filter(([at]) => (at as number) >= Date.parse(month.from)));
    expect(month.points.map((p) => p[3])).toEqual([150, 40]);
  });

  it("answers no points and no 'since' for a monitor without rollups", async () => {
    const id = await probe("latency-none");
    const body = expectContract(await get(id, "365d"), 200, ResponseTimes);
    expect(body).toMatchObject({ points: [], response_times_since: null });
  });
});

describe("result history", () => {
  it("pages newest first by keyset, rows at one instant neither lost nor repeated", async () => {
    const id = await probe("history");
    const other = await probe("history-other");
    await raw(other, [{ secondsAgo: 1, status: "ok", message: "not mine" }]);
    // three results at exactly one microsecond, the rest a second apart
    await d.sql`
      insert into check_results (ts, org_id, monitor_id, status, latency_ms, message)
      select t.ts, ${d.orgA}, ${id}, s.status::check_status, s.latency, s.message
      from (select date_trunc('second', now()) - interval '10 seconds' + interval '123456 microseconds' as ts) t,
           (values ('ok', 1, 'same a'), ('ok', 2, 'same b'), ('down', null, 'same c')) as s(status, latency, message)`;
    await raw(id, [
      { secondsAgo: 2, status: "ok", latency: 12, message: "200 in 12 ms" },
      { secondsAgo: 3, status: "down", message: "HTTP 503" },
      { secondsAgo: 30, status: "degraded", latency: 150, message: "slow: 150 ms" },
      { secondsAgo: 40, status: "ok", latency: 9, message: "oldest" },
    ]);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = cursor ? `limit=2&cursor=${cursor}` : "limit=2";
      const res = await d.api("GET", `/orgs/${d.orgA}/monitors/${id}/results?${q}`, { as: d.users.viewer });
      const body: MonitorResults = expectContract(res, 200, MonitorResults);
      expect(body.results.length).toBeLessThanOrEqual(2);
      seen.push(...body.results.map((r) => r.message ?? ""));
      cursor = body.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual([
      "200 in 12 ms",
      "HTTP 503",
      // one instant: ordered by status (the enum's order: ok, degraded, down), then latency
      "same a",
      "same b",
      "same c",
      "slow: 150 ms",
      "oldest",
    ]);
    expect(pages).toBe(4);
  });

  it("answers one page of everything with no cursor to follow", async () => {
    const id = await probe("short-history");
    await raw(id, [{ secondsAgo: 1, status: "ok", latency: 5, message: "5 ms" }]);
    const res = await d.api("GET", `/orgs/${d.orgA}/monitors/${id}/results`, { as: d.users.viewer });
    const body = expectContract(res, 200, MonitorResults);
    expect(body.next_cursor).toBeNull();
    expect(body.results).toEqual([{ at: expect.any(String), status: "ok", latency_ms: 5, message: "5 ms" }]);
  });
  it("answers well-formed cursors from before the first and after the last result without an error", async () => {
    const id = await probe("edge-cursors");
    await raw(id, [{ secondsAgo: 1, status: "ok", message: "only" }]);
    const get = (cursor: string) =>
      d.api("GET", `/orgs/${d.orgA}/monitors/${id}/results?cursor=${cursor}`, { as: d.users.viewer });
    const future = expectContract(await get("99999999999999999.999999"), 200, MonitorResults);
    expect(future.results.map((r) => r.message)).toEqual(["only"]);
    const past = expectContract(await get("0.0"), 200, MonitorResults);
    expect(past).toEqual({ results: [], next_cursor: null });
  });
});

describe("bad query parameters", () => {
  it.each([
    ["results?limit=0", "limit"],
    ["results?limit=201", "limit"],
    ["results?limit=ten", "limit"],
    ["results?cursor=abc", "cursor"],
    ["results?cursor=1.2.3", "cursor"],
    [`results?cursor=${"9".repeat(40)}.1`, "cursor"],
    ["response-times?range=1y", "range"],
    ["response-times?range=", "range"],
    ["response-times?range=400d", "range"],
    ["response-times?range=90D", "range"],
  ])("GET …/%s is 400 naming %s", async (path, field) => {
    const id = await probe(`bad-${field}-${path.length}`);
    const res = await d.api("GET", `/orgs/${d.orgA}/monitors/${id}/${path}`, { as: d.users.viewer });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "VALIDATION", field });
  });
  it("answers an oversized range with 400 naming range", async () => {
    const id = await probe("bad-range-oversized");
    const res = await d.api(
      "GET",
      `/orgs/${d.orgA}/monitors/${id}/response-times?range=${"9".repeat(5000)}d`,
      {
        as: d.users.viewer,
      },
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "VALIDATION", field: "range" });
  });
});

describe("tenancy", () => {
  it("answers another organization's monitor with 404, through either organization", async () => {
    const id = await probe("private");
    for (const path of ["", "/results", "/response-times"]) {
      const viaOwnOrg = await d.api("GET", `/orgs/${d.orgB}/monitors/${id}${path}`, { as: d.users.ownerB });
      expect(viaOwnOrg.status).toBe(404);
      expect(viaOwnOrg.body.error).toMatchObject({ code: "NOT_FOUND", field: "monitor_id" });
      const viaTheirs = await d.api("GET", `/orgs/${d.orgA}/monitors/${id}${path}`, { as: d.users.ownerB });
      expect(viaTheirs.status).toBe(404);
    }
  });
});

describe("testing a probe before saving it", () => {
  const test = (config: unknown, as = d.users.member, org = d.orgA) =>
    d.api("POST", `/orgs/${org}/probes/test`, { as, body: { config } });

  it("runs the config once with its keyword and thresholds, and stores nothing", async () => {
    const [before] = await d.sql<{ results: number; monitors: number }[]>`
      select (select count(*)::int from check_results) as results, (select count(*)::int from monitors) as monitors`;
    const ok = expectContract(
      await test({ kind: "http", url: `${base}/up`, keyword: "hello", down_ms: 5000, degraded_ms: 5000 }),
      200,
      ProbeTestResult,
    );
    expect(ok).toMatchObject({ status: "ok", status_code: 200, tls_days_left: null });
    expect(ok.latency_ms).toBeGreaterThan(0);
    const missing = expectContract(
      await test({ kind: "http", url: `${base}/up`, keyword: "goodbye", down_ms: 5000 }),
      200,
      ProbeTestResult,
    );
    expect(missing).toMatchObject({ status: "down", message: 'keyword "goodbye" not found' });
    const notFound = expectContract(
      await test({ kind: "http", url: `${base}/missing` }),
      200,
      ProbeTestResult,
    );
    expect(notFound).toMatchObject({ status: "down", message: "HTTP 404", status_code: 404 });
    const [after] = await d.sql<{ results: number; monitors: number }[]>`
      select (select count(*)::int from check_results) as results, (select count(*)::int from monitors) as monitors`;
    expect(after).toEqual(before);
  });

  it("ends a target that never answers at the config's timeout", async () => {
    const started = Date.now();
    const res = expectContract(
      await test({ kind: "http", url: `${base}/hang`, timeout_ms: 300 }),
      200,
      ProbeTestResult,
    );
    expect(res).toMatchObject({ status: "down", message: "no answer within 300 ms", latency_ms: null });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("runs a few tests of one organization at once and refuses more with 429", async () => {
    const slow = { kind: "http", url: `${base}/hang`, timeout_ms: 1500 };
    const running = [test(slow), test(slow), test(slow)];
    await new Promise((r) => setTimeout(r, 300));
    const refused = await test(slow);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("RATE_LIMITED");
    // another organization is not held up by this one's
    expect((await test({ kind: "http", url: `${base}/up` }, d.users.ownerB, d.orgB)).status).toBe(200);
    expect((await Promise.all(running)).map((r) => r.status)).toEqual([200, 200, 200]);
    // and once they end, the next one runs
    expect((await test({ kind: "http", url: `${base}/up` })).status).toBe(200);
  });

  it("says a TCP probe is unsupported where the runtime cannot open TCP", async () => {
    const res = expectContract(await test({ kind: "tcp", host: "127.0.0.1", port: 1 }), 200, ProbeTestResult);
    expect(res.status).toBe("unsupported");
  });

  it.each([
    [{}, "config"],
    [{ config: { kind: "http", url: "ftp://example.com" } }, "config.url"],
    [{ config: { kind: "http", url: `${"x".repeat(10)}`, degraded_ms: 9, down_ms: 1 } }, "config.url"],
    [{ config: { kind: "tcp", host: "a", port: 70_000 } }, "config.port"],
    [{ config: { kind: "http", url: "http://a", degraded_ms: 900, down_ms: 100 } }, "config.degraded_ms"],
    [{ config: { kind: "http", url: "http://a" }, name: "extra" }, "name"],
  ])("refuses %j with 400 naming %s", async (body, field) => {
    const res = await d.api("POST", `/orgs/${d.orgA}/probes/test`, { as: d.users.member, body });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "VALIDATION", field });
  });

  it("is for members: a viewer is refused, another organization's owner finds nothing", async () => {
    const config = { kind: "http", url: `${base}/up` };
    expect((await test(config, d.users.viewer)).status).toBe(403);
    expect((await test(config, d.users.ownerB)).status).toBe(404);
  });
});
