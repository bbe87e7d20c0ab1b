/**
 * The app-metrics benchmark (issue 7): the agent running `run` with the `app_metrics` endpoint
 * (plus its `system` and `agent` monitors), pushing to a real custos-server on loopback.
 *
 * 1. StatsD: a separate sender process sends N lines/s for a while at each rate asked; the lines
 *    the agent accepted are counted back from what reached PostgreSQL (counter sums + timer
 *    counts), and the agent's RSS is sampled every 250 ms. Goal: ≥ 50,000 lines/s accepted with
 *    RSS ≤ 80 MB.
 * 2. HTTP: single-metric `POST /v1/metrics` requests, one at a time and 4 at a time (keep-alive);
 *    goal p95 < 5 ms for single metrics.
 *
 *   cd /work/main && node bench/app-metrics.ts [--rates 25000,50000,100000] [--seconds 15]
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@custos/testkit";
import { agentBackend, spawnAgent } from "./lib/agent-process.ts";
import { choiceFlag, listFlag, numberFlag, readFlagsOrUsage, resultsFlag } from "./lib/args.ts";
import { kbFields, loadAverage, machineFacts, processCpu } from "./lib/procfs.ts";
import { log } from "./lib/script.ts";
import { appendSection, gitState, machineLine } from "./lib/section.ts";
import { fmtMs, Latencies, table } from "./lib/stats.ts";

const USAGE = `node bench/app-metrics.ts [flags]   (every flag also as env BENCH_<NAME>)
  --rates LIST          StatsD lines/s to try (default 25000,50000,100000)
  --seconds N           seconds per rate (default 15)
  --per-datagram N      StatsD lines per datagram (default 10; clients batch up to ~1,400 bytes)
  --http-requests N     single-metric POSTs per concurrency level (default 3000)
  --runtime sea|node    the single executable (default) or node + sources
  --binary PATH         default apps/agent/dist/custos-agent-linux-x64
  --results FILE|none   default bench/RESULTS.md`;

const flags = readFlagsOrUsage(USAGE);
const ROOT = join(import.meta.dirname, "..");
const cfg = {
  rates: listFlag(flags, "rates", [25_000, 50_000, 100_000]),
  seconds: numberFlag(flags, "seconds", 15),
  perDatagram: numberFlag(flags, "per-datagram", 10),
  httpRequests: numberFlag(flags, "http-requests", 3000),
  runtime: choiceFlag(flags, "runtime", ["sea", "node"] as const, "sea"),
  binary: flags.get("binary") ?? join(ROOT, "apps/agent/dist/custos-agent-linux-x64"),
  results: resultsFlag(flags),
};
const GOALS = { linesPerSecond: 50_000, rssMB: 80, httpP95Ms: 5 };
const FLUSH_MS = 5_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (kb: number) => (kb * 1024) / 1e6;

interface RssWatch {
  maxKb: number;
  maxAnonKb: number;
  samples: number;
}

function watchRss(pid: number): { stop(): RssWatch } {
  const w: RssWatch = { maxKb: 0, maxAnonKb: 0, samples: 0 };
  const timer = setInterval(() => {
    const s = kbFields(`/proc/${pid}/status`);
    w.maxKb = Math.max(w.maxKb, s.VmRSS ?? 0);
    w.maxAnonKb = Math.max(w.maxAnonKb, s.RssAnon ?? 0);
    w.samples++;
  }, 250);
  return {
    stop() {
      clearInterval(timer);
      return w;
    },
  };
}

function runSender(port: number, rate: number, prefix: string) {
  return new Promise<{ sent: number; datagrams: number; sendErrors: number; seconds: number }>(
    (resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          join(import.meta.dirname, "lib/statsd-sender.ts"),
          String(port),
          String(rate),
          String(cfg.seconds),
          String(cfg.perDatagram),
          prefix,
        ],
        { stdio: ["ignore", "pipe", "inherit"] },
      );
      let out = "";
      child.stdout.on("data", (d) => {
        out += d;
      });
      child.on("exit", (code) =>
        code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`sender exited ${code}`)),
      );
    },
  );
}

async function main(): Promise<void> {
  const started = new Date();
  const facts = machineFacts();
  const loadBefore = loadAverage();
  if (cfg.runtime === "sea" && !existsSync(cfg.binary))
    throw new Error(`${cfg.binary} missing: pnpm --filter @custos/agent build:binary`);
  const cleanup: (() => Promise<unknown> | unknown)[] = [];
  const dir = mkdtempSync(join(tmpdir(), "custos-appmetrics-"));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  try {
    const { server, sql, pgVersion, key } = await agentBackend("app-metrics", cleanup);
    const httpPort = await freePort();
    const statsdPort = await freePort();
    const config = join(dir, "agent.yaml");
    writeFileSync(
      config,
      [
        `api_key: ${key}`,
        `url: http://127.0.0.1:${server.port}`,
        "server_name: app-metrics-bench",
        "metrics_push_interval: 5s",
        "monitors:",
        "  - type: system",
        "  - type: agent",
        "  - type: app_metrics",
        `    http_port: ${httpPort}`,
        `    statsd_port: ${statsdPort}`,
        `    check_interval: ${FLUSH_MS / 1000}s`,
        "    max_samples_per_second: 10000",
        `buffer: { path: ${join(dir, "agent.db")} }`,
        "",
      ].join("\n"),
      { mode: 0o600 },
    );
    const [command, args] =
      cfg.runtime === "sea"
        ? [cfg.binary, ["run", "--config", config]]
        : [process.execPath, [join(ROOT, "apps/agent/bin/custos-agent.mjs"), "run", "--config", config]];
    const agent = spawnAgent(command, args, dir);
    cleanup.unshift(() => agent.stop());
    const { pid } = agent;
    const alive = () => agent.assertAlive();
    for (let i = 0; ; i++) {
      alive();
      const ok = await fetch(`http://127.0.0.1:${httpPort}/v1/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (i > 200) throw new Error(`endpoint never listened:\n${agent.logTail()}`);
      await sleep(100);
    }
    await sleep(5_000);
    const idle = kbFields(`/proc/${pid}/status`);
    log(
      `agent up (${cfg.runtime}); idle RSS ${mb(idle.VmRSS ?? 0).toFixed(1)} MB (anonymous ${mb(idle.RssAnon ?? 0).toFixed(1)} MB)`,
    );

    // 1. StatsD
    const phases: {
      rate: number;
      sent: number;
      datagrams: number;
      sendErrors: number;
      seconds: number;
      cpuS: number;
      rss: RssWatch;
      prefix: string;
    }[] = [];
    for (const [index, rate] of cfg.rates.entries()) {
      alive();
      const prefix = `p${index}`;
      const cpu0 = processCpu(pid);
      const rss = watchRss(pid);
      const result = await runSender(statsdPort, rate, prefix);
      const watch = rss.stop();
      const cpuS = processCpu(pid) - cpu0;
      phases.push({ rate, ...result, cpuS, rss: watch, prefix });
      log(
        `StatsD ${rate}/s: sent ${result.sent} lines in ${result.seconds.toFixed(1)} s; agent CPU ${((cpuS / result.seconds) * 100).toFixed(0)} %, RSS max ${mb(watch.maxKb).toFixed(1)} MB`,
      );
      await sleep(FLUSH_MS + 1_000);
    }
    // wait until the last flush has been pushed and stored
    const acceptedOf = async (prefix: string) => {
      const [row] = await sql<{ n: number }[]>`
        select coalesce(sum(s.value), 0)::float8 as n from metric_samples s join metric_series m on m.id = s.series_id
        where m.name like ${`${prefix}.c%`} or m.name like ${`${prefix}.t%.count`}`;
      return row?.n ?? 0;
    };
    let lastTotal = -1;
    for (let i = 0; i < 30; i++) {
      await sleep(2_000);
      let total = 0;
      for (const p of phases) total += await acceptedOf(p.prefix);
      if (total === lastTotal && i > 3) break;
      lastTotal = total;
    }

    // 2. HTTP single metrics
    const httpRows: string[][] = [];
    const httpResults: { concurrency: number; p95: number }[] = [];
    for (const concurrency of [1, 4]) {
      alive();
      const lat = new Latencies();
      let statusErrors = 0;
      let next = 0;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < cfg.httpRequests) {
            const i = next++;
            const body = JSON.stringify({
              name: "orders_processed",
              value: i,
              labels: { shop: `s${i % 5}` },
            });
            const t = performance.now();
            const response = await fetch(`http://127.0.0.1:${httpPort}/v1/metrics`, {
              method: "POST",
              headers: { "content-type": "application/json" },
              body,
            });
            await response.arrayBuffer();
            lat.add(performance.now() - t);
            if (response.status !== 202) statusErrors++;
          }
        }),
      );
      const s = lat.summary();
      const seconds = (performance.now() - t0) / 1000;
      httpResults.push({ concurrency, p95: s.p95 });
      httpRows.push([
        String(concurrency),
        String(s.count),
        (s.count / seconds).toFixed(0),
        fmtMs(s.p50),
        fmtMs(s.p95),
        fmtMs(s.p99),
        fmtMs(s.max),
        String(statusErrors),
      ]);
      log(`HTTP c=${concurrency}: p50 ${fmtMs(s.p50)} ms, p95 ${fmtMs(s.p95)} ms, ${statusErrors} non-202`);
    }
    const end = kbFields(`/proc/${pid}/status`);
    const loadAfter = loadAverage();

    const statsdRows: string[][] = [];
    const verdicts: string[] = [];
    const measured: { perSecond: number; rssMaxMB: number }[] = [];
    for (const p of phases) {
      const accepted = await acceptedOf(p.prefix);
      const perSecond = accepted / p.seconds;
      measured.push({ perSecond, rssMaxMB: mb(p.rss.maxKb) });
      statsdRows.push([
        p.rate.toLocaleString("en-US"),
        p.sent.toLocaleString("en-US"),
        Math.round(accepted).toLocaleString("en-US"),
        `${((accepted / p.sent) * 100).toFixed(1)} %`,
        Math.round(perSecond).toLocaleString("en-US"),
        `${((p.cpuS / p.seconds) * 100).toFixed(0)} %`,
        mb(p.rss.maxKb).toFixed(1),
        mb(p.rss.maxAnonKb).toFixed(1),
      ]);
    }
    const topAccepted = Math.max(...measured.map((m) => m.perSecond));
    const atGoal = measured.filter((m) => m.perSecond >= GOALS.linesPerSecond * 0.99);
    const rssAtGoal = atGoal.length ? Math.max(...atGoal.map((m) => m.rssMaxMB)) : Number.NaN;
    verdicts.push(
      `StatsD: best ${Math.round(topAccepted).toLocaleString("en-US")} lines/s accepted — goal ≥ ${GOALS.linesPerSecond.toLocaleString("en-US")}: ${topAccepted >= GOALS.linesPerSecond * 0.99 ? "MET" : `MISSED (${((topAccepted / GOALS.linesPerSecond) * 100).toFixed(0)} % of the goal)`}`,
      `RSS while accepting ≥ ${GOALS.linesPerSecond.toLocaleString("en-US")} lines/s: max ${Number.isFinite(rssAtGoal) ? rssAtGoal.toFixed(1) : "–"} MB — goal ≤ ${GOALS.rssMB} MB: ${rssAtGoal <= GOALS.rssMB ? "MET" : `MISSED${Number.isFinite(rssAtGoal) ? ` by ${(rssAtGoal - GOALS.rssMB).toFixed(1)} MB` : ""}`} (idle before the load ${mb(idle.VmRSS ?? 0).toFixed(1)} MB, of which anonymous ${mb(idle.RssAnon ?? 0).toFixed(1)} MB and file-backed ${mb(idle.RssFile ?? 0).toFixed(1)} MB)`,
      ...httpResults.map(
        (h) =>
          `HTTP single metric, ${h.concurrency} at a time: p95 ${fmtMs(h.p95)} ms — goal < ${GOALS.httpP95Ms} ms: ${h.p95 < GOALS.httpP95Ms ? "MET" : "MISSED"}`,
      ),
    );
    const t1 = table(
      [
        "lines/s sent",
        "lines sent",
        "accepted",
        "share",
        "accepted/s",
        "agent CPU",
        "RSS max MB",
        "anon max MB",
      ],
      statsdRows,
    );
    const t2 = table(
      ["concurrency", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "non-202"],
      httpRows,
    );
    console.log(`\n${t1.text}\n\n${t2.text}\n`);
    for (const v of verdicts) console.log(`- ${v}`);

    if (cfg.results !== "none") {
      const binaryNote =
        cfg.runtime === "sea"
          ? `binary ${cfg.binary.replace(`${ROOT}/`, "")} (built ${execFileSync("stat", ["-c", "%y", cfg.binary], { encoding: "utf8" }).trim().slice(0, 19)})`
          : `node ${process.version} + sources (apps/agent/bin/custos-agent.mjs)`;
      appendSection(
        cfg.results,
        started,
        `node bench/app-metrics.ts --runtime ${cfg.runtime} --rates ${cfg.rates.join(",")} --seconds ${cfg.seconds}`,
        [
          `- Code under test: ${gitState(["apps/agent", "packages"])}; ${binaryNote}`,
          machineLine(
            facts,
            pgVersion,
            `The agent, the StatsD sender (its own process), custos-server and PostgreSQL share these ${facts.nproc} cores on loopback. Load average before ${loadBefore}, after ${loadAfter}.`,
          ),
          `- Workload: \`custos-agent run\` with system, agent and app_metrics (flush every ${FLUSH_MS / 1000} s, push every 5 s); StatsD lines 70 % counters / 30 % timers over 20 + 10 names, ${cfg.perDatagram} lines per datagram, paced every 10 ms for ${cfg.seconds} s per rate; accepted = counter sums + timer counts stored in PostgreSQL (so a line counts only if it reached the backend). HTTP: ${cfg.httpRequests} single-metric POSTs per level, keep-alive, from the bench process.`,
          "",
          t1.markdown,
          "",
          t2.markdown,
          "",
          ...verdicts.map((v) => `- ${v}`),
          `- RSS at the end: ${mb(end.VmRSS ?? 0).toFixed(1)} MB (anonymous ${mb(end.RssAnon ?? 0).toFixed(1)} MB, file-backed ${mb(end.RssFile ?? 0).toFixed(1)} MB); VmHWM ${mb(end.VmHWM ?? 0).toFixed(1)} MB.`,
        ],
      );
    }
  } finally {
    for (const step of cleanup) await step();
  }
}

await main();
