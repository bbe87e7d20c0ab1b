/**
 * The storage benchmark of retention per resolution (issue 16, decision 0043): the steady state of
 * ONE server (40 series every 30 s, 5 checks every 60 s) under each plan's tiers, every tier
 * filled for exactly its retention window with generate_series into the real tables (migrated
 * schema, real partitions), then the maintenance run twice (the first run after an upgrade, then
 * the steady hourly one), VACUUM ANALYZE and pg_total_relation_size (heap, indexes, TOAST) of
 * every table per tier. Before the bulk fill, two hours of samples go through the real rollup
 * refresh, so the bulk rows can be compared with rows the refresh writes (bytes per row).
 *
 * "Raw for a year" (the old single retention setting at 365 days) is extrapolated from the
 * bytes per row measured for the Pro fill unless --full-raw-year fills it (~42 M samples).
 *
 *   cd /work/main && node bench/storage-year.ts [--plans free,pro,enterprise] [--results none]
 */
import { createTestDatabase, prepareTemplate } from "@custos/testkit";
import postgres, { type Sql } from "postgres";
import { boolFlag, readFlagsOrUsage, resultsFlag } from "./lib/args.ts";
import { type PgMode, startBenchCluster } from "./lib/cluster.ts";
import { machineFacts } from "./lib/procfs.ts";
import { log, runCleanup, runMain } from "./lib/script.ts";
import { appendSection, gitState, machineLine } from "./lib/section.ts";

const USAGE = `node bench/storage-year.ts [flags]   (about 5-10 minutes on a quiet 2-core machine)
  --plans LIST        plans to fill, any of free,pro,enterprise,unlimited (default free,pro,enterprise)
  --series N          series of the one server (default 40)
  --checks N          checks of the server, one result a minute each (default 5)
  --full-raw-year true|false
                      also fill 365 days of raw samples (the old single retention) instead of
                      extrapolating them from the measured bytes per row (default false)
  --pg durable|test   PostgreSQL settings (default test: fsync off; sizes do not depend on it)
  --results FILE|none where to append the results section (default bench/RESULTS.md)`;

const flags = readFlagsOrUsage(USAGE);
const PLANS = ["free", "pro", "enterprise", "unlimited"] as const;
type Plan = (typeof PLANS)[number];
const cfg = {
  plans: (flags.get("plans") ?? "free,pro,enterprise").split(",").map((p) => p.trim()) as Plan[],
  series: Number(flags.get("series") ?? 40),
  checks: Number(flags.get("checks") ?? 5),
  fullRawYear: boolFlag(flags, "full-raw-year", false),
  pg: (flags.get("pg") ?? "test") as PgMode,
  results: resultsFlag(flags),
};
for (const p of cfg.plans) if (!PLANS.includes(p)) throw new Error(`--plans: unknown plan ${p}`);
if (!Number.isInteger(cfg.series) || cfg.series < 1 || cfg.series > 1000)
  throw new Error("--series: 1..1000");
if (!Number.isInteger(cfg.checks) || cfg.checks < 0 || cfg.checks > 100) throw new Error("--checks: 0..100");
if (cfg.pg !== "durable" && cfg.pg !== "test") throw new Error("--pg: durable or test");

const SAMPLE_S = 30;
const CHECK_S = 60;
const MB = 1_000_000;

/** The tables of each tier; sizes are summed over their partitions. */
const TIERS = [
  { tier: "raw samples", table: "metric_samples" },
  { tier: "1m rollups", table: "metric_rollups_1m" },
  { tier: "5m rollups", table: "metric_rollups_5m" },
  { tier: "1h rollups", table: "metric_rollups_1h" },
  { tier: "check results (raw)", table: "check_results" },
  { tier: "check rollups (1h)", table: "check_rollups_1h" },
] as const;
type TierTable = (typeof TIERS)[number]["table"];

interface Retention {
  raw: number;
  m1: number;
  m5: number;
  h1: number;
}

interface Measured {
  plan: string;
  retention: Retention;
  rows: Record<TierTable, number>;
  bytes: Record<TierTable, number>;
  fillSeconds: number;
  maintenance: { firstMs: number; steadyMs: number; firstDeleted: number; steadyDeleted: number };
  realVsBulk: { table: string; real: number; bulk: number }[];
}

async function main(): Promise<void> {
  const started = new Date();
  const facts = machineFacts();
  log(`machine: ${facts.nproc} cores (${facts.cpuModel}), ${facts.memGiB} GiB, Node ${facts.node}`);
  log(`config: ${JSON.stringify({ ...cfg, results: undefined })}`);
  const cluster = await startBenchCluster({ mode: cfg.pg, statStatements: false });
  const cleanup: (() => unknown)[] = [() => cluster.stop()];
  try {
    await prepareTemplate(cluster);
    const results: Measured[] = [];
    let pgVersion = "";
    for (const plan of cfg.plans) {
      const url = await createTestDatabase(cluster.adminUrl, "storage");
      const sql = postgres(url, { max: 1, onnotice: () => undefined });
      try {
        pgVersion ||= ((await sql`show server_version`)[0] as { server_version: string }).server_version;
        results.push(await fillAndMeasure(sql, plan));
      } finally {
        await sql.end({ timeout: 5 });
      }
    }
    const rawYear = cfg.fullRawYear ? await fullRawYear(cluster.adminUrl) : null;
    const lines = report(results, rawYear);
    for (const l of lines) console.log(l);
    if (cfg.results !== "none") {
      appendSection(
        cfg.results,
        started,
        `node bench/storage-year.ts ${process.argv.slice(2).join(" ")}`.trim(),
        [
          machineLine(facts, pgVersion, `Settings: ${cfg.pg}.`),
          `- Commit: ${gitState(["supabase/migrations", "bench/storage-year.ts"])}`,
          "",
          ...lines,
        ],
      );
      log(`appended to ${cfg.results}`);
    }
  } finally {
    await runCleanup(cleanup);
  }
}

/** One organization on `plan`, one server, its series and checks; every tier filled for exactly its window. */
async function fillAndMeasure(sql: Sql, plan: Plan): Promise<Measured> {
  const [org] = await sql<{ id: string }[]>`
    insert into public.organizations (name, plan_id) values (${`bench ${plan}`}, ${plan}) returning id`;
  const orgId = (org as { id: string }).id;
  // nothing else in this database keeps data longer than the organization (the template has none)
  const [ret] = await sql<Retention[]>`
    select least(o.raw_retention_days, p.retention_raw_days) as raw, p.retention_1m_days as m1,
           p.retention_5m_days as m5, p.retention_1h_days as h1
    from public.organizations o join public.plans p on p.id = o.plan_id where o.id = ${orgId}`;
  const r = ret as Retention;
  log(`${plan}: raw ${r.raw} d, 1m ${r.m1} d, 5m ${r.m5} d, 1h ${r.h1} d`);
  const [srv] = await sql<{ id: string }[]>`
    insert into public.servers (org_id, name, hostname, identity_key)
    values (${orgId}, 'web-1', 'web-1', 'host:web-1') returning id`;
  const serverId = (srv as { id: string }).id;
  // names and labels like the system plugin's (the series table is the same size either way)
  await sql`
    insert into public.metric_series (org_id, server_id, name, labels)
    select ${orgId}, ${serverId},
           (array['cpu.percent','memory.used_percent','disk.used_percent','load.1','net.rx_bytes','net.tx_bytes',
                  'disk.read_bytes','disk.write_bytes'])[1 + (i % 8)],
           jsonb_build_object('n', (i / 8)::text)
    from generate_series(0, ${cfg.series - 1}) i`;
  const monitors = await sql<{ id: string }[]>`
    insert into public.monitors (org_id, server_id, name, type)
    select ${orgId}, ${serverId}, 'http:site-' || i, 'http' from generate_series(1, ${cfg.checks}) i
    returning id`;
  const monitorIds = monitors.map((m) => m.id);

  const realVsBulk = await realSlice(sql);

  const t0 = performance.now();
  await sql`select private.ensure_daily_partitions('public.metric_samples', ${r.raw + 1}, 1)`;
  await sql`select private.ensure_daily_partitions('public.check_results', ${r.raw + 1}, 1)`;
  await sql`select private.ensure_daily_partitions('public.metric_rollups_1m', ${r.m1 + 1}, 1)`;
  await sql`select private.ensure_daily_partitions('public.metric_rollups_5m', ${r.m5 + 1}, 1)`;
  // the real slice's rows are compared above; the fill replaces them
  for (const t of TIERS) await sql.unsafe(`truncate public.${t.table}`);

  // time-ordered like ingest (append order; BRIN on ts assumes it); one statement per day keeps
  // each transaction small
  for (let day = r.raw; day > 0; day--) {
    await sql`
      insert into public.metric_samples (ts, value, series_id)
      select t, round((50 + 40 * sin(extract(epoch from t) / 3600 + s.id))::numeric, 2)::float8, s.id
      from generate_series(now() - make_interval(days => ${day}), now() - make_interval(days => ${day - 1}) - interval '1 microsecond',
                           ${`${SAMPLE_S} seconds`}::interval) t
      cross join public.metric_series s
      order by t, s.id`;
    await sql`
      insert into public.check_results (ts, org_id, server_id, monitor_id, status, latency_ms, message)
      select t, ${orgId}, ${serverId}, m, case when random() < 0.001 then 'down' else 'ok' end::public.check_status,
             (20 + random() * 200)::real, null
      from generate_series(now() - make_interval(days => ${day}), now() - make_interval(days => ${day - 1}) - interval '1 microsecond',
                           ${`${CHECK_S} seconds`}::interval) t
      cross join unnest(${monitorIds}::uuid[]) m
      order by t`;
  }
  log(`${plan}: raw filled`);
  await fillRollups(sql, "metric_rollups_1m", "1 minute", r.m1, 60 / SAMPLE_S);
  await fillRollups(sql, "metric_rollups_5m", "5 minutes", r.m5, 300 / SAMPLE_S);
  await fillRollups(sql, "metric_rollups_1h", "1 hour", r.h1, 3600 / SAMPLE_S);
  await sql`
    insert into public.check_rollups_1h (monitor_id, bucket, org_id, ok_count, degraded_count, down_count,
                                         latency_sum_ms, latency_count, latency_min_ms, latency_max_ms)
    select m, b, ${orgId}, 60, 0, 0, 60 * 120.0, 60, 20, 220
    from generate_series(date_bin('1 hour', now() - make_interval(days => ${r.h1}), timestamptz '2000-01-01')
                           + interval '1 hour', now() - interval '1 hour', interval '1 hour') b
    cross join unnest(${monitorIds}::uuid[]) m
    order by b`;
  const fillSeconds = (performance.now() - t0) / 1000;
  log(`${plan}: rollups filled (${fillSeconds.toFixed(0)} s in all)`);

  // the maintenance at this steady state: the first run after the upgrade (no previous run:
  // unbounded deletes), then the hourly one (bounded since the previous run)
  const timed = async () => {
    const a = performance.now();
    const [p] = await sql<{ r: { deleted_rows: number } }[]>`select private.maintain_partitions() as r`;
    const [q] = await sql<{ r: { deleted_rows: number } }[]>`select private.maintain_rollups() as r`;
    return { ms: performance.now() - a, deleted: (p?.r.deleted_rows ?? 0) + (q?.r.deleted_rows ?? 0) };
  };
  const first = await timed();
  const steady = await timed();
  log(
    `${plan}: maintenance ${first.ms.toFixed(0)} ms (deleted ${first.deleted}), then ${steady.ms.toFixed(0)} ms`,
  );

  await sql`vacuum (analyze)`;
  await sql`checkpoint`;
  const rows = {} as Record<TierTable, number>;
  const bytes = {} as Record<TierTable, number>;
  for (const t of TIERS) {
    const [row] = await sql<{ n: string; b: string }[]>`
      select (select count(*) from ${sql(t.table)}) as n,
             -- a plain table has no partition tree: its own size
             (select coalesce(sum(pg_total_relation_size(relid)), pg_total_relation_size(${`public.${t.table}`}::regclass))
              from pg_partition_tree(${`public.${t.table}`}::regclass) where isleaf) as b`;
    rows[t.table] = Number(row?.n);
    bytes[t.table] = Number(row?.b);
  }
  return {
    plan,
    retention: r,
    rows,
    bytes,
    fillSeconds,
    maintenance: {
      firstMs: first.ms,
      steadyMs: steady.ms,
      firstDeleted: first.deleted,
      steadyDeleted: steady.deleted,
    },
    realVsBulk,
  };
}

/**
 * Rollup rows for every series and every whole bucket of the last `days` days (the first bucket
 * starting at or after now - days, the last one before the current bucket), in 30-day statements.
 */
async function fillRollups(sql: Sql, table: string, step: string, days: number, perBucket: number) {
  for (let from = days; from > 0; from -= 30) {
    const to = Math.max(0, from - 30);
    await sql.unsafe(
      `with w as (
         select date_bin($4::interval, now() - make_interval(days => $1), timestamptz '2000-01-01') + $4::interval as lo,
                case when $2 = 0 then date_bin($4::interval, now(), timestamptz '2000-01-01')
                     else date_bin($4::interval, now() - make_interval(days => $2), timestamptz '2000-01-01') + $4::interval
                end as hi
       )
       insert into public.${table} (series_id, bucket, sum_value, sample_count, min_value, max_value)
       select s.id, b, 50.0 * $3, $3, 10 + (s.id % 7), 90 - (s.id % 5)
       from w cross join lateral generate_series(w.lo, w.hi - $4::interval, $4::interval) b
       cross join public.metric_series s
       order by b, s.id`,
      [from, to, perBucket, step],
    );
  }
}

/**
 * Two hours of samples through the real refresh (private.refresh_rollups, as the scheduler runs
 * it), then the average bytes per row it wrote, beside bulk rows written the way the fill does.
 */
async function realSlice(sql: Sql): Promise<{ table: string; real: number; bulk: number }[]> {
  await sql`select private.ensure_daily_partitions('public.metric_samples', 1, 1)`;
  await sql`select private.ensure_daily_partitions('public.metric_rollups_1m', 1, 1)`;
  await sql`select private.ensure_daily_partitions('public.metric_rollups_5m', 1, 1)`;
  await sql`
    insert into public.metric_samples (ts, value, series_id)
    select t, round((50 + 40 * sin(extract(epoch from t) / 3600 + s.id))::numeric, 2)::float8, s.id
    from generate_series(date_bin('1 hour', now(), timestamptz '2000-01-01') - interval '2 hours', now() - interval '3 minutes',
                         interval '30 seconds') t
    cross join public.metric_series s order by t`;
  await sql`
    update private.rollup_state set metrics_through = date_bin('1 hour', now(), timestamptz '2000-01-01') - interval '2 hours',
           hours_through = date_bin('1 hour', now(), timestamptz '2000-01-01') - interval '2 hours'`;
  for (let i = 0; i < 20; i++) {
    const [row] = await sql<{ r: { caught_up: boolean } }[]>`select private.refresh_rollups() as r`;
    if (row?.r.caught_up) break;
  }
  const out: { table: string; real: number; bulk: number }[] = [];
  for (const table of ["metric_rollups_1m", "metric_rollups_5m", "metric_rollups_1h"]) {
    const [row] = await sql.unsafe<{ real: number; bulk: number }[]>(
      `select (select avg(pg_column_size(t.*))::float8 from public.${table} t) as real,
              (select avg(pg_column_size(x.*))::float8 from (
                 select s.id as series_id, now() as bucket, 50.0 * 2 as sum_value, 2 as sample_count,
                        (10 + (s.id % 7))::float8 as min_value, (90 - (s.id % 5))::float8 as max_value
                 from public.metric_series s) x) as bulk`,
    );
    out.push({ table, real: Number(row?.real), bulk: Number(row?.bulk) });
  }
  return out;
}

/** The old single retention at 365 days, filled for real: raw samples only (the heavy part). */
async function fullRawYear(adminUrl: string): Promise<number> {
  const url = await createTestDatabase(adminUrl, "rawyear");
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    const [org] = await sql<{ id: string }[]>`
      insert into public.organizations (name) values ('raw year') returning id`;
    const orgId = (org as { id: string }).id;
    const [srv] = await sql<{ id: string }[]>`
      insert into public.servers (org_id, name, hostname, identity_key) values (${orgId}, 'w', 'w', 'host:w') returning id`;
    const serverId = (srv as { id: string }).id;
    await sql`
      insert into public.metric_series (org_id, server_id, name, labels)
      select ${orgId}, ${serverId}, 'm' || i, '{}' from generate_series(1, ${cfg.series}) i`;
    await sql`select private.ensure_daily_partitions('public.metric_samples', 366, 1)`;
    for (let day = 365; day > 0; day--) {
      await sql`
        insert into public.metric_samples (ts, value, series_id)
        select t, round((50 + 40 * sin(extract(epoch from t) / 3600 + s.id))::numeric, 2)::float8, s.id
        from generate_series(now() - make_interval(days => ${day}), now() - make_interval(days => ${day - 1}) - interval '1 microsecond',
                             interval '30 seconds') t
        cross join public.metric_series s order by t`;
      if (day % 30 === 0) log(`raw year: ${365 - day} days filled`);
    }
    await sql`vacuum (analyze) public.metric_samples`;
    const [row] = await sql<{ b: string }[]>`
      select coalesce(sum(pg_total_relation_size(relid)), 0) as b from pg_partition_tree('public.metric_samples') where isleaf`;
    return Number(row?.b);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

function report(results: Measured[], rawYearMeasured: number | null): string[] {
  const mb = (b: number) => (b / MB).toFixed(1);
  const lines: string[] = [
    `### Storage of one server for a year, per plan (issue 16, decision 0043): ${cfg.series} series every ${SAMPLE_S} s, ${cfg.checks} checks every ${CHECK_S} s`,
    "",
    "Every tier filled for exactly its retention window (generate_series into the migrated tables, time-ordered like ingest), the maintenance run twice, then VACUUM ANALYZE; pg_total_relation_size (heap + indexes + TOAST) summed over each table's partitions. MB = 10^6 bytes.",
    "",
    `| plan | retention raw / 1m / 5m / 1h (days) | ${TIERS.map((t) => t.tier).join(" | ")} | total MB | goal |`,
    `| :-- | :-- | ${TIERS.map(() => "--:").join(" | ")} | --: | :-- |`,
  ];
  for (const m of results) {
    const total = TIERS.reduce((s, t) => s + m.bytes[t.table], 0);
    const goal =
      m.plan === "pro"
        ? total < 500 * MB
          ? `< 500 MB: MET by ${mb(500 * MB - total)}`
          : `< 500 MB: MISSED by ${mb(total - 500 * MB)}`
        : "";
    lines.push(
      `| ${m.plan} | ${m.retention.raw} / ${m.retention.m1} / ${m.retention.m5} / ${m.retention.h1} | ${TIERS.map(
        (t) => `${mb(m.bytes[t.table])} (${m.rows[t.table].toLocaleString("en")} rows)`,
      ).join(" | ")} | **${mb(total)}** | ${goal} |`,
    );
  }
  // the old single setting at 365 days: raw samples and raw check results for a year, 1m 8 d,
  // 5m 35 d, 1h 365 d — from the bytes per row measured in the Pro fill (or the first plan filled)
  const basis = results.find((m) => m.plan === "pro") ?? results[0];
  if (basis) {
    const perRow = (t: TierTable) => basis.bytes[t] / Math.max(1, basis.rows[t]);
    const rowsPerDay: Record<TierTable, number> = {
      metric_samples: (cfg.series * 86_400) / SAMPLE_S,
      metric_rollups_1m: cfg.series * 1440,
      metric_rollups_5m: cfg.series * 288,
      metric_rollups_1h: cfg.series * 24,
      check_results: (cfg.checks * 86_400) / CHECK_S,
      check_rollups_1h: cfg.checks * 24,
    };
    const days: Record<TierTable, number> = {
      metric_samples: 365,
      metric_rollups_1m: 8,
      metric_rollups_5m: 35,
      metric_rollups_1h: 365,
      check_results: 365,
      check_rollups_1h: 365,
    };
    const est = (t: TierTable) =>
      t === "metric_samples" && rawYearMeasured !== null
        ? rawYearMeasured
        : perRow(t) * rowsPerDay[t] * days[t];
    const total = TIERS.reduce((s, t) => s + est(t.table), 0);
    lines.push(
      `| before (one setting, raw_retention_days = 365) | 365 / 8 / 35 / 365 | ${TIERS.map(
        (t) =>
          `${mb(est(t.table))} (${Math.round(rowsPerDay[t.table] * days[t.table]).toLocaleString("en")} rows)`,
      ).join(
        " | ",
      )} | **${mb(total)}** | ${rawYearMeasured === null ? `extrapolated from ${basis.plan}'s bytes per row` : "raw samples filled for real"} |`,
    );
  }
  lines.push("");
  for (const m of results) {
    const perSample = m.bytes.metric_samples / Math.max(1, m.rows.metric_samples);
    lines.push(
      `- ${m.plan}: fill ${m.fillSeconds.toFixed(0)} s; ${perSample.toFixed(1)} B per raw sample; maintenance at this steady state: first run after the upgrade ${m.maintenance.firstMs.toFixed(0)} ms (deleted ${m.maintenance.firstDeleted} rows), the next (hourly) run ${m.maintenance.steadyMs.toFixed(0)} ms (deleted ${m.maintenance.steadyDeleted}); rows the real refresh wrote vs bulk rows, bytes per row: ${m.realVsBulk
        .map((x) => `${x.table.replace("metric_rollups_", "")} ${x.real.toFixed(0)} vs ${x.bulk.toFixed(0)}`)
        .join(", ")}`,
    );
  }
  return lines;
}

runMain(main);
