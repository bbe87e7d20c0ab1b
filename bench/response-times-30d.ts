/**
 * The monitor page's 30-day response times (issue 17, decision 0046's addendum): the read before
 * (30 days of raw check results, 43,200 rows of a 60-s probe) against the read now (720 hourly
 * rollup rows with latency aggregates plus the raw results after the rollup watermark), in ONE
 * run on the same data, interleaved request by request, so that a noisy shared machine slows
 * both alike and the ratio is what is compared.
 *
 * Data: N probe monitors (default 20) of one organization (unlimited: raw results kept 90 days),
 * one result a minute for 30 days written time-major (every monitor's minute together, as a live
 * fleet writes them), 0.5 % down without a latency; then the real private.refresh_rollups()
 * rolls them up (the results arrive late, so they go through the backlog, as a backfill would),
 * and VACUUM ANALYZE (what autovacuum leaves). Each read runs as a member (role authenticated,
 * row-level security on) in its own transaction, like the API route:
 * - before: the grid, the raw retention, and the raw read of the code before this change;
 * - now: `selectResponseTimes` from packages/backend/src/monitors/response-times.ts.
 * HTTP, the JWT check and the membership lookup are not included (the same for both).
 *
 *   cd /work/main && . ./.tools-env.sh && node bench/response-times-30d.ts [--help]
 */
import { randomUUID } from "node:crypto";
import { createTestDatabase, prepareTemplate } from "@custos/testkit";
import postgres, { type Sql } from "postgres";
import { asCaller } from "../packages/backend/src/db/as-caller.ts";
import type { Queryable } from "../packages/backend/src/db/queryable.ts";
import { rawResultsKeptFrom } from "../packages/backend/src/monitors/raw-retention.ts";
import { selectResponseTimes } from "../packages/backend/src/monitors/response-times.ts";
import { listFlag, numberFlag, readFlagsOrUsage, resultsFlag } from "./lib/args.ts";
import { startBenchCluster } from "./lib/cluster.ts";
import { loadAverage, machineFacts } from "./lib/procfs.ts";
import { log, runCleanup, runMain } from "./lib/script.ts";
import { appendSection, gitState, machineLine } from "./lib/section.ts";
import { fmtMs, Latencies, type LatencySummary, table } from "./lib/stats.ts";

const USAGE = `node bench/response-times-30d.ts [flags]   (about 2-4 minutes on a 2-core machine)
  --monitors N         probe monitors with 30 days of one result a minute (default 20)
  --requests N         measured reads per variant and concurrency level (default 200)
  --warmup N           unmeasured reads per variant before each level (default 20)
  --concurrency LIST   concurrency levels (default 1,4)
  --results FILE|none  where to append the results section (default bench/RESULTS.md)`;

const flags = readFlagsOrUsage(USAGE);
const cfg = {
  monitors: numberFlag(flags, "monitors", 20),
  requests: numberFlag(flags, "requests", 200),
  warmup: numberFlag(flags, "warmup", 20),
  concurrency: listFlag(flags, "concurrency", [1, 4]),
  results: resultsFlag(flags),
};
if (!Number.isInteger(cfg.monitors) || cfg.monitors < 1 || cfg.monitors > 200)
  throw new Error("--monitors: 1..200");

type Point = [number, number, number, number];

/** The 30-day read before this change, for an organization keeping raw results longer than 30 days. */
async function before(tx: Queryable, monitorId: string): Promise<Point[]> {
  const [grid] = await tx<{ from: Date }[]>`
    select date_bin('3600 seconds'::interval, now(), timestamptz '2000-01-01 00:00:00+00')
             - '2588400 seconds'::interval as from`;
  const from = (grid as { from: Date }).from;
  const keptFrom = await rawResultsKeptFrom(tx, monitorId);
  if (keptFrom.getTime() > from.getTime()) throw new Error("the bench organization must keep 30 days raw");
  const rows = await tx<{ at: Date; avg: number; min: number; max: number }[]>`
    select date_bin(${"3600 seconds"}::interval, c.ts, timestamptz '2000-01-01 00:00:00+00') as at,
           avg(c.latency_ms)::float8 as avg, min(c.latency_ms)::float8 as min, max(c.latency_ms)::float8 as max
    from public.check_results c
    where c.monitor_id = ${monitorId} and c.ts >= ${from} and c.latency_ms is not null
    group by 1 order by 1`;
  const round = (v: number) => Math.round(v * 10) / 10;
  return rows.map((r) => [r.at.getTime(), round(r.avg), round(r.min), round(r.max)]);
}

async function now(tx: Queryable, monitorId: string): Promise<Point[]> {
  return (await selectResponseTimes(tx, monitorId, { range: "30d" })).points as Point[];
}

const VARIANTS = { before, now } as const;
/** How the two reads' answers compared, for the results section. */
let agreement = "";
type Variant = keyof typeof VARIANTS;

interface Level {
  concurrency: number;
  lat: Record<Variant, LatencySummary>;
  load: string;
}

async function seed(sql: Sql): Promise<{ orgId: string; userId: string; monitors: string[] }> {
  const [org] = await sql<{ id: string }[]>`
    insert into public.organizations (name, plan_id, raw_retention_days) values ('bench', 'unlimited', 90) returning id`;
  const orgId = (org as { id: string }).id;
  const userId = randomUUID();
  await sql`insert into auth.users (id, email, aud, role) values (${userId}, 'viewer@bench.example', 'authenticated', 'authenticated')`;
  await sql`insert into public.memberships (org_id, user_id, role) values (${orgId}, ${userId}, 'viewer')`;
  const monitors = (
    await sql<{ id: string }[]>`
      insert into public.monitors (org_id, source, name, type, config, interval_seconds)
      select ${orgId}, 'probe', 'site-' || i, 'http', '{"kind":"http","url":"http://127.0.0.1:9/"}', 60
      from generate_series(1, ${cfg.monitors}) as i
      returning id`
  ).map((m) => m.id);
  await sql`select private.ensure_daily_partitions('public.check_results', 31, 1)`;
  // the refresh counts everything from here on; older results reach it through the backlog
  await sql`update private.rollup_state set checks_through = private.bucket_1m(now()) - interval '1 minute'`;
  const t0 = performance.now();
  await sql`
    insert into public.check_results (ts, org_id, monitor_id, status, latency_ms, message)
    select g.ts, ${orgId}, m.id,
           (case when r.x < 0.005 then 'down' else 'ok' end)::public.check_status,
           case when r.x < 0.005 then null else round((20 + 60 * r.y)::numeric, 1)::real end,
           case when r.x < 0.005 then 'connection refused' end
    from generate_series(private.bucket_1m(now()) - interval '30 days', now() - interval '1 second',
                         interval '1 minute') as g(ts)
    cross join unnest(${monitors}::uuid[]) as m(id)
    -- the lateral names both sides, so random() is drawn per result, not per minute
    cross join lateral (select random() + 0 * extract(epoch from g.ts) + 0 * length(m.id::text) as x,
                               random() as y) r
    order by g.ts, m.id`;
  log(`results written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const t1 = performance.now();
  const [refreshed] = await sql<{ r: { check_hours: number } }[]>`select private.refresh_rollups() as r`;
  log(
    `refresh_rollups: ${refreshed?.r.check_hours} monitor-hours in ${((performance.now() - t1) / 1000).toFixed(1)} s`,
  );
  await sql`vacuum analyze public.check_results, public.check_rollups_1h`;
  const [counts] = await sql<{ raw: number; hours: number }[]>`
    select (select count(*)::int from public.check_results) as raw,
           (select count(*)::int from public.check_rollups_1h where latency_count is not null) as hours`;
  log(`${counts?.raw} raw results, ${counts?.hours} hourly rollup rows with latencies`);
  return { orgId, userId, monitors };
}

async function measure(sql: Sql, userId: string, monitors: string[]): Promise<Level[]> {
  const claims = { sub: userId, role: "authenticated" as const };
  const read = (variant: Variant, monitor: string) =>
    asCaller(sql, claims, (tx) => VARIANTS[variant](tx, monitor));

  // both reads answer the same points for every monitor: identical, or (summation order of
  // float sums) one rounding step of the API's 0.1 ms apart
  let same = 0;
  let worst = 0;
  for (const m of monitors) {
    const [a, b] = [await read("before", m), await read("now", m)];
    if (a.length !== b.length || a.some((p, i) => p[0] !== b[i]?.[0]))
      throw new Error(`monitor ${m}: the reads answer different hours (${a.length} and ${b.length} points)`);
    const diff = Math.max(
      0,
      ...a.flatMap((p, i) => p.slice(1).map((v, k) => Math.abs(v - (b[i]?.[k + 1] ?? v)))),
    );
    worst = Math.max(worst, diff);
    if (diff === 0) same++;
  }
  log(`identical answers: ${same} of ${monitors.length} monitors (largest difference ${worst} ms)`);
  if (worst > 0.10001) throw new Error("the reads disagree: not measuring");
  agreement = `${same} of ${monitors.length} monitors answered identical points (largest difference ${worst} ms)`;

  const levels: Level[] = [];
  for (const concurrency of cfg.concurrency) {
    const lat = { before: new Latencies(), now: new Latencies() };
    let next = 0;
    /** Requests alternate before/now and rotate the monitors, so both see the same mix. */
    const run = async (count: number, record: boolean) => {
      const end = next + count * 2;
      const worker = async () => {
        for (let i = next++; i < end; i = next++) {
          const variant: Variant = i % 2 === 0 ? "before" : "now";
          const monitor = monitors[Math.floor(i / 2) % monitors.length] as string;
          const t = performance.now();
          await read(variant, monitor);
          if (record) lat[variant].add(performance.now() - t);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      next = end;
    };
    await run(cfg.warmup, false);
    await run(cfg.requests, true);
    const level = {
      concurrency,
      lat: { before: lat.before.summary(), now: lat.now.summary() },
      load: loadAverage(),
    };
    log(
      `c=${concurrency}: before p50 ${fmtMs(level.lat.before.p50)} p95 ${fmtMs(level.lat.before.p95)}; ` +
        `now p50 ${fmtMs(level.lat.now.p50)} p95 ${fmtMs(level.lat.now.p95)} ms (load ${level.load})`,
    );
    levels.push(level);
  }
  return levels;
}

/**
 * Buffers, planning and execution time of each read's main statement for one monitor (EXPLAIN
 * ANALYZE, BUFFERS, as the member). The new statement is the one selectResponseTimes sends,
 * captured with its parameters.
 */
async function explainMain(
  url: string,
  userId: string,
  monitor: string,
): Promise<{ before: string; now: string }> {
  const captured: { query: string; params: unknown[] }[] = [];
  const sql = postgres(url, {
    max: 1,
    onnotice: () => undefined,
    debug: (_conn, query, params) => captured.push({ query, params: params as unknown[] }),
  });
  try {
    const claims = { sub: userId, role: "authenticated" as const };
    await asCaller(sql, claims, (tx) => now(tx, monitor));
    const main = captured.find((c) => c.query.includes("rolled as materialized"));
    if (!main) throw new Error("the rollup read was not captured");
    type Explained = {
      "QUERY PLAN": { Plan: Record<string, number>; "Planning Time": number; "Execution Time": number }[];
    };
    const explain = (query: string, params: unknown[]) =>
      asCaller(sql, claims, async (tx) => {
        const [plan] = (await tx.unsafe(
          `explain (analyze, buffers, format json) ${query}`,
          params as never[],
        )) as unknown as Explained[];
        const top = plan?.["QUERY PLAN"][0];
        const p = top?.Plan ?? {};
        const blocks = (p["Shared Hit Blocks"] ?? 0) + (p["Shared Read Blocks"] ?? 0);
        return `${blocks} buffers, planning ${fmtMs(top?.["Planning Time"] ?? Number.NaN)} ms, execution ${fmtMs(top?.["Execution Time"] ?? Number.NaN)} ms`;
      });
    const beforeSql = `
      select date_bin('3600 seconds'::interval, c.ts, timestamptz '2000-01-01 00:00:00+00') as at,
             avg(c.latency_ms)::float8, min(c.latency_ms)::float8, max(c.latency_ms)::float8
      from public.check_results c
      where c.monitor_id = $1 and c.latency_ms is not null
        and c.ts >= date_bin('1 hour', now(), timestamptz '2000-01-01 00:00:00+00') - interval '719 hours'
      group by 1 order by 1`;
    return { before: await explain(beforeSql, [monitor]), now: await explain(main.query, main.params) };
  } finally {
    await sql.end();
  }
}

async function main(): Promise<void> {
  const started = new Date();
  const facts = machineFacts();
  log(`machine: ${facts.nproc} cores (${facts.cpuModel}), load ${loadAverage()}`);
  log(`config: ${JSON.stringify({ ...cfg, results: undefined })}`);
  const cluster = await startBenchCluster({ mode: "test", statStatements: false });
  const cleanup: (() => unknown)[] = [() => cluster.stop()];
  try {
    await prepareTemplate(cluster);
    const url = await createTestDatabase(cluster.adminUrl, "rt30");
    const sql = postgres(url, { max: Math.max(...cfg.concurrency) + 1, onnotice: () => undefined });
    cleanup.unshift(() => sql.end());
    const pgVersion = ((await sql`show server_version`)[0] as { server_version: string }).server_version;
    const { userId, monitors } = await seed(sql);
    const levels = await measure(sql, userId, monitors);
    const io = await explainMain(url, userId, monitors[0] as string);
    log(`one monitor's main statement: before ${io.before}; now ${io.now}`);

    const rows = levels.map((l) => [
      String(l.concurrency),
      `${fmtMs(l.lat.before.p50)} / ${fmtMs(l.lat.before.p95)}`,
      `${fmtMs(l.lat.now.p50)} / ${fmtMs(l.lat.now.p95)}`,
      `${(l.lat.before.p50 / l.lat.now.p50).toFixed(1)}x / ${(l.lat.before.p95 / l.lat.now.p95).toFixed(1)}x`,
      l.load,
    ]);
    const t = table(
      [
        "concurrency",
        "before: raw p50 / p95 ms",
        "now: rollups p50 / p95 ms",
        "before / now (p50 / p95)",
        "load 1/5/15 after",
      ],
      rows,
    );
    console.log(t.text);
    if (cfg.results !== "none") {
      appendSection(
        cfg.results,
        started,
        `node bench/response-times-30d.ts ${process.argv.slice(2).join(" ")}`.trim(),
        [
          machineLine(facts, pgVersion, "Settings: test (fsync off; the measured paths are reads)."),
          `- Commit: ${gitState(["packages/backend/src/monitors", "bench/response-times-30d.ts"])}`,
          `- Data: ${cfg.monitors} probe monitors, one result a minute for 30 days written time-major ` +
            `(${cfg.monitors * 43_200} results), rolled up by private.refresh_rollups(), VACUUM ANALYZE. ` +
            `${cfg.requests} reads per variant and level after ${cfg.warmup} unmeasured, interleaved before/now, ` +
            "as a viewer with row-level security; HTTP and auth not included. " +
            `${agreement}.`,
          "",
          t.markdown,
          "",
          `One monitor's main statement (EXPLAIN ANALYZE, BUFFERS): before ${io.before}; now ${io.now}.`,
        ],
      );
      log(`appended to ${cfg.results}`);
    }
  } finally {
    await runCleanup(cleanup);
  }
}

runMain(main);
