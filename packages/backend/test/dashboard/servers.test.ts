import { MetricsResponse, OrgSummary, ServerDetail, ServerInfo, ServersOverview } from "@custos/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Dashboard, expectContract, setupDashboard } from "./helpers.ts";

let d: Dashboard;
let web: string;
let db: string;
const MIN = 60_000;

beforeAll(async () => {
  d = await setupDashboard();
  web = await d.register("web-1");
  db = await d.register("db-1");
  const now = Date.now();
  // 10 minutes of 15-second samples for web-1; db-1 only memory
  const samples: { ts: number; name: string; value: number; labels?: Record<string, string> }[] = [];
  // the newest minute (the one holding now - 1 s) averages 55; older minutes 40
  const newest = Math.floor((now - 1_000) / MIN);
  for (let t = now - 10 * MIN; t <= now - 5_000; t += 15_000) {
    samples.push({ ts: t, name: "cpu.percent", value: Math.floor(t / MIN) === newest ? 55 : 40 });
    samples.push({ ts: t, name: "memory.used_percent", value: 61.25 });
    samples.push({ ts: t, name: "disk.used_percent", value: 70, labels: { mount: "/" } });
    samples.push({ ts: t, name: "disk.used_percent", value: 91.5, labels: { mount: "/srv" } });
    samples.push({ ts: t, name: "load.1", value: 0.5 });
    for (const [iface, rx, tx] of [
      ["eth0", 1000, 200],
      ["eth1", 500, 100],
    ] as const) {
      samples.push({ ts: t, name: "net.rx_bytes_per_s", value: rx, labels: { iface } });
      samples.push({ ts: t, name: "net.tx_bytes_per_s", value: tx, labels: { iface } });
    }
    samples.push({
      ts: t,
      name: "sensors.temperature_c",
      value: 48,
      labels: { chip: "coretemp", sensor: "Package" },
    });
    samples.push({
      ts: t,
      name: "sensors.temperature_c",
      value: 61.5,
      labels: { chip: "nvme", sensor: "Composite" },
    });
  }
  samples.push({ ts: now - 1_000, name: "cpu.percent", value: 55 });
  await d.pushMetrics(web, samples);
  await d.pushMetrics(db, [{ ts: now - 2_000, name: "memory.used_percent", value: 20 }]);
  await d.pushChecks(web, [
    { monitor: "http:site", status: "ok", ts: now - 3 * 60 * MIN },
    { monitor: "http:site", status: "down", ts: now - 2 * 60 * MIN, message: "connection refused" },
    { monitor: "http:site", status: "ok", ts: now - 30_000, message: "200 OK in 12 ms" },
    { monitor: "systemd:nginx", status: "degraded", ts: now - 20_000, message: "restarting" },
  ]);
  await d.refresh();
});
afterAll(() => d.close());

describe("servers overview", () => {
  it("lists every server with its state, latest cpu / memory / fullest disk and a cpu trend", async () => {
    const res = expectContract(await d.api("GET", `/orgs/${d.orgA}/servers`), 200, ServersOverview);
    expect(res.servers.map((s) => s.name)).toEqual(["db-1", "web-1"]);
    const w = res.servers.find((s) => s.id === web);
    expect(w).toMatchObject({
      status: "up",
      agent_version: "0.3.1",
      cpu_percent: 55,
      memory_used_percent: 61.3,
      disk_used_percent: 91.5,
      // summed over interfaces; the hottest sensor
      net_rx_bytes_per_s: 1500,
      net_tx_bytes_per_s: 300,
      temperature_c: 61.5,
      open_incidents: 0,
      tags: [],
    });
    expect(w?.last_heartbeat_at).not.toBeNull();
    // timestamps formatted by PostgreSQL read exactly as Date#toISOString() would write them
    const [stored] = await d.sql<{ last_heartbeat_at: Date; created_at: Date }[]>`
      select last_heartbeat_at, created_at from public.servers where id = ${web}`;
    expect(w?.last_heartbeat_at).toBe(stored?.last_heartbeat_at.toISOString());
    expect(w?.created_at).toBe(stored?.created_at.toISOString());
    expect(w?.cpu_trend).toHaveLength(24);
    expect(w?.cpu_trend.filter((v) => v !== null).length).toBeGreaterThanOrEqual(2);
    // the newest sample is 1 s old: in the last 5-minute point, or the one before at a boundary
    expect(w?.cpu_trend.slice(-2).some((v) => v !== null)).toBe(true);
    const dbRow = res.servers.find((s) => s.id === db);
    expect(dbRow).toMatchObject({
      cpu_percent: null,
      memory_used_percent: 20,
      disk_used_percent: null,
      net_rx_bytes_per_s: null,
      net_tx_bytes_per_s: null,
      temperature_c: null,
    });
    expect(dbRow?.cpu_trend.every((v) => v === null)).toBe(true);
    expect(res.counts).toEqual({ total: 2, up: 2, down: 0, pending: 0, unknown: 0 });
    expect(res.trend).toMatchObject({ metric: "cpu.percent", step_seconds: 300, points: 24 });
  });

  it("keeps each server's trend as JSON text rounded to tenths whenever the trend is written, and serves it", async () => {
    const [before] = await d.sql<{ stored: string; cpu_trend_json: string }[]>`
      select array_to_json(cpu_trend)::text as stored, cpu_trend_json from public.server_vitals where server_id = ${web}`;
    const stored = JSON.parse(before?.stored ?? "[]") as (number | null)[];
    expect(stored.filter((v) => v !== null).length).toBeGreaterThan(0);
    expect(JSON.parse(before?.cpu_trend_json ?? "null")).toEqual(
      stored.map((v) => (v === null ? null : Math.round(v * 10) / 10)),
    );
    const trend = [12.34, null, 7.06, 99.95, ...new Array(20).fill(null)];
    await d.sql`update public.server_vitals set cpu_trend = ${trend}::real[] where server_id = ${web}`;
    await d.sql`update public.server_vitals set load_1 = 3 where server_id = ${web}`;
    const [after] = await d.sql<{ cpu_trend_json: string; trend_from: Date }[]>`
      select cpu_trend_json, trend_from from public.server_vitals where server_id = ${web}`;
    expect(after?.cpu_trend_json).toBe(`[12.3,null,7.1,100.0,${new Array(20).fill("null").join(",")}]`);
    // the overview serves it on its own grid: shifted when the trend was written on an older one
    const res = expectContract(await d.api("GET", `/orgs/${d.orgA}/servers`), 200, ServersOverview);
    const shift = Math.round(
      (Date.parse(res.trend.from) - (after?.trend_from.getTime() ?? 0)) / (res.trend.step_seconds * 1000),
    );
    const served = res.servers.find((s) => s.id === web)?.cpu_trend;
    expect(served).toEqual(
      [...[12.3, null, 7.1, 100].slice(shift), ...new Array(24).fill(null)].slice(0, 24),
    );
  });

  it("takes network and sensor values from their newest minute up to two minutes before the vitals' minute", async () => {
    const glance = async (minutesLater: number) => {
      const [row] = await d.sql<{ rx: number | null; tx: number | null; temp: number | null }[]>`
        update public.server_vitals set metrics_at = metrics_at + make_interval(mins => ${minutesLater})
        where server_id = ${web}
        returning net_rx_bytes_per_s as rx, net_tx_bytes_per_s as tx, temperature_c as temp`;
      await d.sql`update public.server_vitals set metrics_at = metrics_at - make_interval(mins => ${minutesLater})
        where server_id = ${web}`;
      return row;
    };
    expect(await glance(0)).toEqual({ rx: 1500, tx: 300, temp: 61.5 });
    // a batch split across a minute boundary: the other kind a minute behind still counts
    expect(await glance(1)).toEqual({ rx: 1500, tx: 300, temp: 61.5 });
    // nothing from more than two minutes before
    expect(await glance(4)).toEqual({ rx: null, tx: null, temp: null });
  });

  it("filters by search text and by state, and shows a server waiting for approval as pending", async () => {
    await d.sql`update organizations set require_server_approval = true where id = ${d.orgA}`;
    const pending = await d.register("new-box");
    await d.sql`update organizations set require_server_approval = false where id = ${d.orgA}`;
    const search = expectContract(await d.api("GET", `/orgs/${d.orgA}/servers?q=WEB`), 200, ServersOverview);
    expect(search.servers.map((s) => s.name)).toEqual(["web-1"]);
    const percent = expectContract(await d.api("GET", `/orgs/${d.orgA}/servers?q=%25`), 200, ServersOverview);
    expect(percent.servers).toEqual([]);
    const waiting = expectContract(
      await d.api("GET", `/orgs/${d.orgA}/servers?status=pending`),
      200,
      ServersOverview,
    );
    expect(waiting.servers.map((s) => [s.id, s.status])).toEqual([[pending, "pending"]]);
    expect(waiting.counts.pending).toBe(1);

    const approved = expectContract(
      await d.api("POST", `/orgs/${d.orgA}/servers/${pending}/approve`, { as: d.users.admin }),
      200,
      ServerInfo,
    );
    expect(approved.approval).toBe("approved");
    const del = await d.api("DELETE", `/orgs/${d.orgA}/servers/${pending}`, { as: d.users.admin });
    expect(del.status).toBe(200);
    expect((await d.api("GET", `/orgs/${d.orgA}/servers/${pending}`)).status).toBe(404);
  });

  it("lets an admin rename a server and change its heartbeat timeout and public endpoint; not a member", async () => {
    const body = { name: "web-01", heartbeat_timeout_seconds: 300, public_endpoint: "web-1.example.com:443" };
    expect(
      (await d.api("PATCH", `/orgs/${d.orgA}/servers/${web}`, { as: d.users.member, body })).status,
    ).toBe(403);
    const info = expectContract(
      await d.api("PATCH", `/orgs/${d.orgA}/servers/${web}`, { as: d.users.admin, body }),
      200,
      ServerInfo,
    );
    expect(info).toMatchObject(body);
    const cleared = expectContract(
      await d.api("PATCH", `/orgs/${d.orgA}/servers/${web}`, {
        as: d.users.admin,
        body: { name: "web-1", public_endpoint: null },
      }),
      200,
      ServerInfo,
    );
    expect(cleared).toMatchObject({ name: "web-1", public_endpoint: null, heartbeat_timeout_seconds: 300 });
  });

  it("summarises the organization for a phone in a small payload", async () => {
    const summary = expectContract(await d.api("GET", `/orgs/${d.orgA}/summary`), 200, OrgSummary);
    expect(summary.servers).toMatchObject({ total: 2, up: 2 });
    expect(summary.org).toEqual({ id: d.orgA, name: "Org A" });
    const res = await d.api("GET", `/orgs/${d.orgA}/summary`);
    expect(res.text.length).toBeLessThan(2_000);
  });
});

describe("server detail", () => {
  it("shows monitors with their last result, a 72-hour bar and uptime, and the series the server has", async () => {
    const detail = expectContract(await d.api("GET", `/orgs/${d.orgA}/servers/${web}`), 200, ServerDetail);
    expect(detail.server).toMatchObject({ id: web, status: "up" });
    expect(detail.latest).toMatchObject({ cpu_percent: 55, disk_used_percent: 91.5 });
    expect(detail.status_bar).toMatchObject({ step_seconds: 3600, buckets: 72 });
    const site = detail.monitors.find((m) => m.name === "http:site");
    expect(site).toMatchObject({ last_status: "ok", last_message: "200 OK in 12 ms", source: "agent" });
    expect(site?.bars).toHaveLength(72);
    // the newest check is 30 s old: in the current hour's bar, or the one before in an hour's first 30 s
    expect(site?.bars.slice(-2)).toContain("ok");
    expect(site?.bars.filter((b) => b === "down")).toHaveLength(1);
    expect(site?.bars.filter((b) => b === "none").length).toBeGreaterThan(60);
    expect(site?.uptime_percent).toBeCloseTo(66.667, 2);
    const nginx = detail.monitors.find((m) => m.name === "systemd:nginx");
    expect(nginx).toMatchObject({ last_status: "degraded", last_message: "restarting", uptime_percent: 100 });
    expect(nginx?.bars.slice(-2)).toContain("degraded");
    expect(detail.metrics).toContainEqual({ name: "disk.used_percent", labels: { mount: "/srv" } });
    expect(detail.metrics).toContainEqual({ name: "cpu.percent", labels: {} });
  });

  it("carries what the agent reported it could not deliver: totals and when it last reported any", async () => {
    const before = expectContract(await d.api("GET", `/orgs/${d.orgA}/servers/${db}`), 200, ServerDetail);
    expect(before.server).toMatchObject({
      dropped_samples_total: 0,
      rejected_items_total: 0,
      data_loss_reported_at: null,
    });
    const beat = (extra: Record<string, number>) =>
      d.agent("/heartbeat", { server_id: db, sent_at: new Date().toISOString(), ...extra });
    expect((await beat({ dropped_samples: 40, rejected_items: 3 })).status).toBe(200);
    expect((await beat({ dropped_samples: 2 })).status).toBe(200);
    const detail = expectContract(await d.api("GET", `/orgs/${d.orgA}/servers/${db}`), 200, ServerDetail);
    expect(detail.server).toMatchObject({ dropped_samples_total: 42, rejected_items_total: 3 });
    const [stored] = await d.sql<
      { at: Date }[]
    >`select data_loss_reported_at as at from servers where id = ${db}`;
    expect(detail.server.data_loss_reported_at).toBe(stored?.at.toISOString());
    // the answer of PATCH is the same ServerInfo
    const info = expectContract(
      await d.api("PATCH", `/orgs/${d.orgA}/servers/${db}`, { as: d.users.admin, body: { name: "db-1" } }),
      200,
      ServerInfo,
    );
    expect(info).toMatchObject({ dropped_samples_total: 42, rejected_items_total: 3 });
  });
});

describe("metrics charts", () => {
  it("serves the 1-hour chart from the 1-minute rollup after refresh_rollups(), one series per label set", async () => {
    const res = expectContract(
      await d.api(
        "GET",
        `/orgs/${d.orgA}/servers/${web}/metrics?names=cpu.percent,disk.used_percent&range=1h`,
      ),
      200,
      MetricsResponse,
    );
    expect(res.step_seconds).toBe(60);
    expect(res.series.map((s) => [s.name, s.labels])).toEqual([
      ["cpu.percent", {}],
      ["disk.used_percent", { mount: "/" }],
      ["disk.used_percent", { mount: "/srv" }],
    ]);
    const cpu = res.series[0]?.points ?? [];
    expect(cpu.length).toBeGreaterThanOrEqual(10);
    for (const [ts, avg, min, max] of cpu) {
      expect(ts % 60_000).toBe(0);
      expect(min).toBeLessThanOrEqual(avg);
      expect(avg).toBeLessThanOrEqual(max);
    }
    expect(cpu.at(-1)?.[3]).toBe(55);
    expect(res.series[2]?.points[0]?.[1]).toBe(91.5);
  });

  it("serves 24 h from the 5-minute rollup and 7 d / 30 d from 1-hour buckets up to now", async () => {
    for (const [range, step] of [
      ["24h", 300],
      ["7d", 3600],
      ["30d", 3600],
    ] as const) {
      const res = expectContract(
        await d.api("GET", `/orgs/${d.orgA}/servers/${web}/metrics?names=load.1&range=${range}`),
        200,
        MetricsResponse,
      );
      expect(res.step_seconds).toBe(step);
      const points = res.series[0]?.points ?? [];
      expect(points.length, range).toBeGreaterThanOrEqual(1);
      expect(points.every(([ts]) => ts % (step * 1000) === 0)).toBe(true);
      expect(points.at(-1)?.[1]).toBe(0.5);
    }
  });

  it("reads settled hours from the 1-hour rollup for a 30-day chart", async () => {
    const [series] = await d.sql`select id from metric_series where server_id = ${web} and name = 'load.1'`;
    await d.sql`
      insert into metric_rollups_1h (series_id, bucket, sum_value, sample_count, min_value, max_value)
      select ${series?.id}, date_trunc('hour', now(), 'UTC') - make_interval(hours => h), 240 * 2, 240, 1, 3
      from generate_series(24 * 20, 24 * 29) h`;
    const res = expectContract(
      await d.api("GET", `/orgs/${d.orgA}/servers/${web}/metrics?names=load.1&range=30d`),
      200,
      MetricsResponse,
    );
    const points = res.series[0]?.points ?? [];
    expect(points.length).toBeGreaterThan(24 * 9);
    expect(points[0]).toEqual([expect.any(Number), 2, 1, 3]);
    const sevenDays = expectContract(
      await d.api("GET", `/orgs/${d.orgA}/servers/${web}/metrics?names=load.1&range=7d`),
      200,
      MetricsResponse,
    );
    expect(sevenDays.series[0]?.points.some(([, avg]) => avg === 2)).toBe(false);
  });

  it("returns an empty series list for names the server does not have", async () => {
    const res = expectContract(
      await d.api("GET", `/orgs/${d.orgA}/servers/${db}/metrics?names=cpu.percent`),
      200,
      MetricsResponse,
    );
    expect(res.series).toEqual([]);
  });
});
