/**
 * The agent footprint benchmark (issue 3): the built single-executable agent running `run` with
 * the system, http, ping (TCP to loopback ports: no ping binary here) and docker (a fake Engine API
 * on a unix socket: no engine here) monitors plus its own `agent` monitor (which reports the V8
 * heap), at default intervals, pushing through a byte-counting TCP proxy to a real custos-server
 * on loopback. Samples RSS every 5 s, CPU over the steady window (after the first minute), bytes
 * sent; runs Debian's prometheus-node-exporter beside it (scraped every 15 s) for comparison.
 *
 *   cd /work/main && node bench/agent-footprint.ts [--minutes 10] [--warmup-minutes 1]
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@custos/testkit";
import { agentBackend, spawnAgent } from "./lib/agent-process.ts";
import { boolFlag, choiceFlag, numberFlag, readFlagsOrUsage, resultsFlag } from "./lib/args.ts";
import { benchMonitors, startMonitorTargets } from "./lib/monitor-targets.ts";
import {
  kbFields,
  loadAverage,
  machineCpu,
  machineFacts,
  memory,
  processCpuWithChildren,
} from "./lib/procfs.ts";
import { log, runCleanup, runMain } from "./lib/script.ts";
import { appendSection, gitState, machineLine } from "./lib/section.ts";
import { table } from "./lib/stats.ts";

const USAGE = `node bench/agent-footprint.ts [flags]   (every flag also as env BENCH_<NAME>)
  --minutes N          whole run, minutes (default 10)
  --warmup-minutes N   excluded from the steady figures (default 1)
  --monitors K         bench (system, http, ping, docker, agent) or install (install.sh's config:
                       system only) (default bench)
  --self-monitor B     include the agent's own "agent" monitor (heap figures) (default true)
  --node-exporter B    run /usr/bin/prometheus-node-exporter beside it (default true)
  --cold B             drop the binary from the page cache before it starts, as after a reboot
                       (default true; a binary still cached, e.g. just installed, starts with
                       ~20 MiB more of its pages resident)
  --binary PATH        default apps/agent/dist/custos-agent-linux-x64
  --results FILE|none  default bench/RESULTS.md`;

const flags = readFlagsOrUsage(USAGE);
const ROOT = join(import.meta.dirname, "..");
const cfg = {
  minutes: numberFlag(flags, "minutes", 10),
  monitors: choiceFlag(flags, "monitors", ["bench", "install"] as const, "bench"),
  warmupMinutes: numberFlag(flags, "warmup-minutes", 1),
  selfMonitor: boolFlag(flags, "self-monitor", true),
  cold: boolFlag(flags, "cold", true),
  nodeExporter: boolFlag(flags, "node-exporter", true),
  binary: flags.get("binary") ?? join(ROOT, "apps/agent/dist/custos-agent-linux-x64"),
  results: resultsFlag(flags),
};
// issue 14: 2 MB/day sent with install.sh's config, 2.5 with the bench monitors; first heartbeat within 1 s
const GOALS = { rssMiB: 60, cpuPct: 0.5, mbPerDay: cfg.monitors === "install" ? 2 : 2.5, firstBeatMs: 1_000 };
const NODE_EXPORTER = "/usr/bin/prometheus-node-exporter";
const SAMPLE_MS = 5_000;
const SCRAPE_MS = 15_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A TCP proxy counting the bytes each way (HTTP request and response bytes incl. headers). */
async function countingProxy(targetPort: number) {
  const counts = { up: 0, down: 0, connections: 0 };
  /** request bytes by "METHOD path" (a chunk starting with a request line starts a new request) */
  const byRequest = new Map<string, { requests: number; bytes: number }>();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    counts.connections++;
    const upstream = net.connect(targetPort, "127.0.0.1");
    sockets.add(client).add(upstream);
    let current = "?";
    client.on("data", (d: Buffer) => {
      counts.up += d.length;
      const line = /^(GET|POST|PUT|HEAD|DELETE|PATCH) (\S+) HTTP/.exec(d.subarray(0, 200).toString("latin1"));
      if (line) current = `${line[1]} ${(line[2] as string).replace(/^\/functions\/v1\/api\/agent/, "")}`;
      const e = byRequest.get(current) ?? { requests: 0, bytes: 0 };
      if (line) e.requests++;
      e.bytes += d.length;
      byRequest.set(current, e);
    });
    upstream.on("data", (d) => {
      counts.down += d.length;
    });
    client.pipe(upstream);
    upstream.pipe(client);
    const done = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", done).on("close", done);
    upstream.on("error", done).on("close", done);
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return {
    port,
    counts,
    byRequest,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** Drops a file's pages from the page cache (sync, then dd's nocache: POSIX_FADV_DONTNEED); false if it could not. */
function dropFromPageCache(file: string): boolean {
  try {
    execFileSync("sync", [file]);
    execFileSync("dd", [`if=${file}`, "iflag=nocache", "count=0", "status=none"]);
    return true;
  } catch {
    return false;
  }
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}
const mib = (kb: number) => (Number.isFinite(kb) ? (kb / 1024).toFixed(1) : "–");

interface Proc {
  name: string;
  pid: number;
  rss: { t: number; kb: number }[];
}

async function main(): Promise<void> {
  const started = new Date();
  const facts = machineFacts();
  if (!existsSync(cfg.binary))
    throw new Error(`${cfg.binary} missing: pnpm --filter @custos/agent build:binary`);
  const binaryBuilt = execFileSync("stat", ["-c", "%y", cfg.binary], { encoding: "utf8" })
    .trim()
    .slice(0, 19);
  // stat, not read: reading the file would put all of it in the page cache before the start
  const binaryMiB = statSync(cfg.binary).size / 2 ** 20;
  const loadBefore = loadAverage();
  log(
    `machine: ${facts.nproc} cores, load ${loadBefore}; run ${cfg.minutes} min, steady after ${cfg.warmupMinutes}`,
  );

  const cleanup: (() => Promise<unknown> | unknown)[] = [];
  const dir = mkdtempSync(join(tmpdir(), "custos-footprint-"));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  try {
    const { server, sql, pgVersion, key } = await agentBackend("footprint", cleanup);
    const proxy = await countingProxy(server.port);
    cleanup.unshift(() => proxy.close());

    // what the http monitor checks, what the TCP "ping" connects to, and a fake Docker Engine API
    const targets = await startMonitorTargets(dir, cleanup);
    const monitors =
      cfg.monitors === "install"
        ? ["  - type: system"]
        : benchMonitors(targets, server.port, cfg.selfMonitor);
    const config = join(dir, "agent.yaml");
    writeFileSync(
      config,
      [
        `api_key: ${key}`,
        `url: http://127.0.0.1:${proxy.port}`,
        "server_name: footprint-bench",
        "monitors:",
        ...monitors,
        `buffer: { path: ${join(dir, "agent.db")} }`,
        "",
      ].join("\n"),
      { mode: 0o600 },
    );

    const cold = cfg.cold && dropFromPageCache(cfg.binary);
    const spawnedAt = Date.now();
    const agent = spawnAgent(cfg.binary, ["run", "--config", config], dir);
    cleanup.unshift(() => agent.stop());
    // start-up to the first heartbeat the backend stored (registration included, as after install)
    let firstBeatMs = Number.NaN;
    for (let waited = 0; waited < 30_000; waited = Date.now() - spawnedAt) {
      const [beat] = await sql<{ n: number }[]>`
        select count(*)::int as n from servers where last_heartbeat_at is not null`;
      if (beat?.n) {
        firstBeatMs = Date.now() - spawnedAt;
        break;
      }
      await sleep(20);
    }
    log(`first heartbeat stored ${firstBeatMs} ms after the agent was started`);
    const procs: Proc[] = [{ name: "custos-agent", pid: agent.pid, rss: [] }];

    let ne: ChildProcess | undefined;
    let nePort = 0;
    let scrapeBytes = 0;
    let scrapes = 0;
    if (cfg.nodeExporter && existsSync(NODE_EXPORTER)) {
      nePort = await freePort();
      ne = spawn(NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${nePort}`], { stdio: "ignore" });
      const neExit = new Promise((r) => ne?.on("exit", r));
      cleanup.unshift(async () => {
        if (ne && ne.exitCode === null) {
          ne.kill("SIGTERM");
          await Promise.race([neExit, sleep(5_000)]);
        }
      });
      if (ne.pid) procs.push({ name: "node_exporter", pid: ne.pid, rss: [] });
    } else log("no node_exporter: apt-get install -y prometheus-node-exporter");

    const t0 = Date.now();
    const endAt = t0 + cfg.minutes * 60_000;
    const steadyAt = t0 + cfg.warmupMinutes * 60_000;
    let steady:
      | {
          t: number;
          agentCpu: number;
          neCpu: number;
          up: number;
          down: number;
          conns: number;
          machine: ReturnType<typeof machineCpu>;
        }
      | undefined;
    const scrape = async () => {
      if (!nePort) return;
      try {
        const res = await fetch(`http://127.0.0.1:${nePort}/metrics`);
        scrapeBytes += (await res.arrayBuffer()).byteLength;
        scrapes++;
      } catch {
        // not up yet
      }
    };
    const scrapeTimer = setInterval(scrape, SCRAPE_MS);
    cleanup.unshift(() => clearInterval(scrapeTimer));
    let nextLog = t0 + 60_000;
    while (Date.now() < endAt) {
      agent.assertAlive();
      const now = Date.now();
      for (const p of procs) p.rss.push({ t: now, kb: memory(p.pid).rssKb });
      if (!steady && now >= steadyAt) {
        steady = {
          t: now,
          agentCpu: processCpuWithChildren(agent.pid),
          neCpu: ne?.pid ? processCpuWithChildren(ne.pid) : Number.NaN,
          up: proxy.counts.up,
          down: proxy.counts.down,
          conns: proxy.counts.connections,
          machine: machineCpu(),
        };
      }
      if (now >= nextLog) {
        log(
          `${((now - t0) / 60_000).toFixed(0)} min: agent RSS ${mib(memory(agent.pid).rssKb)} MiB, sent ${proxy.counts.up} B, load ${loadAverage()}`,
        );
        nextLog += 60_000;
      }
      await sleep(Math.min(SAMPLE_MS, Math.max(0, endAt - Date.now())));
    }
    const tEnd = Date.now();
    if (!steady) throw new Error("run shorter than the warm-up");
    const windowS = (tEnd - steady.t) / 1000;
    const agentCpuS = processCpuWithChildren(agent.pid) - steady.agentCpu;
    const neCpuS = ne?.pid ? processCpuWithChildren(ne.pid) - steady.neCpu : Number.NaN;
    const machineEnd = machineCpu();
    const machineBusyPct = ((machineEnd.busy - steady.machine.busy) / windowS) * 100;
    const upS = proxy.counts.up - steady.up;
    const downS = proxy.counts.down - steady.down;
    const smaps = kbFields(`/proc/${agent.pid}/smaps_rollup`);
    const status = kbFields(`/proc/${agent.pid}/status`);
    const neStatus = ne?.pid ? kbFields(`/proc/${ne.pid}/status`) : {};
    const loadAfter = loadAverage();

    // the agent's own report of its heap (the `agent` monitor), as stored by the backend
    const selfRows = cfg.selfMonitor
      ? await sql<{ name: string; value: number }[]>`
          select m.name, s.value from metric_samples s join metric_series m on m.id = s.series_id
          where m.name in ('agent_heap_used_bytes', 'agent_rss_bytes') and s.ts >= ${new Date(steady.t)}
          order by s.ts`
      : [];
    const heapUsed = selfRows.filter((r) => r.name === "agent_heap_used_bytes").map((r) => r.value / 1024);
    const selfRss = selfRows.filter((r) => r.name === "agent_rss_bytes").map((r) => r.value / 1024);
    const stored = await sql<{ n: number }[]>`select count(*)::int as n from metric_samples`;
    const checks = await sql<{ n: number }[]>`select count(*)::int as n from check_results`;
    const hb = await sql<
      { n: number }[]
    >`select count(*)::int as n from servers where last_heartbeat_at is not null`;
    const monitorStates = await sql<{ name: string; status: string; message: string | null }[]>`
      select m.name, c.status::text, c.message from monitors m
      left join lateral (select status, message from check_results where monitor_id = m.id order by ts desc limit 1) c on true
      order by m.name`.catch(() => []);

    const stats = (p: Proc) => {
      const kb = p.rss.filter((s) => s.t >= steady.t).map((s) => s.kb);
      return { median: median(kb), max: Math.max(...kb), n: kb.length };
    };
    const a = stats(procs[0] as Proc);
    const n = procs[1] ? stats(procs[1]) : undefined;
    const agentCpuPct = (agentCpuS / windowS) * 100;
    const mbPerDay = ((upS / windowS) * 86_400) / 1e6;
    const downMbPerDay = ((downS / windowS) * 86_400) / 1e6;

    const rows = [
      [
        "custos-agent (SEA)",
        mib(a.median),
        mib(a.max),
        agentCpuPct.toFixed(3),
        mbPerDay.toFixed(2),
        downMbPerDay.toFixed(2),
      ],
    ];
    if (n)
      rows.push([
        "node_exporter 1.5 (scraped every 15 s)",
        mib(n.median),
        mib(n.max),
        ((neCpuS / windowS) * 100).toFixed(3),
        "–",
        `${(((scrapeBytes / Math.max(1, scrapes)) * (86_400 / 15)) / 1e6).toFixed(1)} (scrape bodies)`,
      ]);
    const t = table(
      ["process", "RSS median MiB", "RSS max MiB", "CPU % of a core", "sent MB/day", "received MB/day"],
      rows,
    );
    const ratio = n ? a.median / n.median : Number.NaN;
    const anonKb = smaps.Anonymous ?? Number.NaN;
    const fileKb = (status.RssFile ?? Number.NaN) + (status.RssShmem ?? 0);
    const heapMedianKb = median(heapUsed);
    const breakdown =
      `RSS at the end ${mib(status.VmRSS ?? Number.NaN)} MiB = anonymous ${mib(status.RssAnon ?? Number.NaN)} MiB ` +
      `(V8 heap, code space, native malloc: SQLite page cache, OpenSSL, libuv, ICU) + file-backed ${mib(fileKb)} MiB ` +
      `(pages of the ${binaryMiB.toFixed(0)} MiB executable and shared libraries actually touched); ` +
      `smaps_rollup: Rss ${mib(smaps.Rss ?? Number.NaN)}, Pss ${mib(smaps.Pss ?? Number.NaN)}, Anonymous ${mib(anonKb)}, ` +
      `Shared_Clean ${mib(smaps.Shared_Clean ?? Number.NaN)}, Private_Clean ${mib(smaps.Private_Clean ?? Number.NaN)}, ` +
      `Private_Dirty ${mib(smaps.Private_Dirty ?? Number.NaN)} MiB; VmHWM ${mib(status.VmHWM ?? Number.NaN)} MiB, ` +
      `VmSize ${mib(status.VmSize ?? Number.NaN)} MiB` +
      (heapUsed.length
        ? `; V8 heap used (agent monitor, every 60 s, steady window) median ${mib(heapMedianKb)} MiB, ` +
          `max ${mib(Math.max(...heapUsed))} MiB (so ~${mib(anonKb - heapMedianKb)} MiB anonymous is not live JS objects: ` +
          `V8 semi-spaces/free heap pages, code, and native allocations)` +
          (selfRss.length ? `; the agent's own RSS report median ${mib(median(selfRss))} MiB` : "")
        : "");
    const verdicts = [
      `steady RSS median ${mib(a.median)} MiB (max ${mib(a.max)}) — goal ≤ ${GOALS.rssMiB} MB: ` +
        `${a.max / 1024 <= GOALS.rssMiB ? "MET" : `MISSED by ${(a.median / 1024 - GOALS.rssMiB).toFixed(1)} MiB at the median (${((a.median / 1024 / GOALS.rssMiB) * 100).toFixed(0)} % of the goal)`}`,
      `start-up to the first heartbeat stored by the backend (registration included; polled every 20 ms) ${firstBeatMs} ms — ` +
        `goal ≤ ${GOALS.firstBeatMs} ms: ${firstBeatMs <= GOALS.firstBeatMs ? "MET" : `MISSED by ${(firstBeatMs - GOALS.firstBeatMs).toFixed(0)} ms`}`,
      `CPU ${agentCpuPct.toFixed(3)} % of one core (${agentCpuS.toFixed(2)} CPU s in ${windowS.toFixed(0)} s, incl. waited-for children) — ` +
        `goal ≤ ${GOALS.cpuPct} %: ${agentCpuPct <= GOALS.cpuPct ? "MET" : `MISSED (${(agentCpuPct / GOALS.cpuPct).toFixed(1)}× the goal)`}`,
      `sent to the backend ${upS.toLocaleString("en-US")} B in ${windowS.toFixed(0)} s (HTTP bytes incl. request lines and headers, ` +
        `over ${proxy.counts.connections - steady.conns} new TCP connections in the window) → ${mbPerDay.toFixed(2)} MB/day — goal ≤ ${GOALS.mbPerDay} MB/day: ` +
        `${mbPerDay <= GOALS.mbPerDay ? "MET" : `MISSED by ${(mbPerDay - GOALS.mbPerDay).toFixed(2)} MB/day (${(mbPerDay / GOALS.mbPerDay).toFixed(2)}× the goal)`}; ` +
        `TCP/IP framing (~66 B per packet incl. ACKs) not counted`,
      n
        ? `agent / node_exporter RSS (medians): ${ratio.toFixed(1)}× (${mib(a.median)} vs ${mib(n.median)} MiB; node_exporter VmHWM ${mib(neStatus.VmHWM ?? Number.NaN)} MiB)`
        : "node_exporter not measured",
    ];
    const duration = (tEnd - t0) / 60_000;
    const notes = [
      `run ${duration.toFixed(1)} min${cfg.minutes < 10 ? ` (shorter than the 10 min asked: --minutes ${cfg.minutes})` : ""}, ` +
        `steady window ${(windowS / 60).toFixed(1)} min after ${cfg.warmupMinutes} min warm-up; RSS sampled every 5 s (${a.n} samples); ` +
        `${cold ? "cold start (the binary dropped from the page cache first)" : "the binary may have been in the page cache at the start (--cold false or dd failed)"}`,
      `backend received ${stored[0]?.n ?? 0} samples and ${checks[0]?.n ?? 0} check results over the whole run; heartbeat seen: ${hb[0]?.n ? "yes" : "no"}; ` +
        `http target hit ${targets.hits.http}×, fake Docker API ${targets.hits.docker}×`,
      `bytes sent by request over the whole run: ${[...proxy.byRequest].map(([k, v]) => `${k} ${v.requests}× ${Math.round(v.bytes / Math.max(1, v.requests))} B avg`).join("; ")}`,
      `monitor states at the end: ${monitorStates.map((m) => `${m.name} ${m.status ?? "?"}${m.message && m.status !== "ok" ? ` (${m.message.slice(0, 80)})` : ""}`).join("; ") || "(none recorded)"}`,
    ];

    console.log(`\n${t.text}\n`);
    for (const v of [...verdicts, breakdown, ...notes]) console.log(`- ${v}`);

    if (cfg.results !== "none") {
      const command = `node bench/agent-footprint.ts --minutes ${cfg.minutes} --monitors ${cfg.monitors}`;
      appendSection(cfg.results, started, command, [
        `- Code under test: ${gitState(["apps/agent", "packages", "apps/server"])}; binary ${cfg.binary.replace(`${ROOT}/`, "")} ` +
          `(${binaryMiB.toFixed(0)} MiB, built ${binaryBuilt})`,
        machineLine(
          facts,
          pgVersion,
          `The agent, custos-server, PostgreSQL, node_exporter and the bench share these ${facts.nproc} cores, on loopback. ` +
            `Load average before ${loadBefore}, after ${loadAfter}; whole machine busy ${machineBusyPct.toFixed(0)} % of one core ` +
            `over the steady window (a shared machine: other benchmarks may have been running).`,
        ),
        (cfg.monitors === "install"
          ? "- Workload: `custos-agent-linux-x64 run` with install.sh's monitors (system, 30 s); "
          : `- Workload: \`custos-agent-linux-x64 run\` with monitors system (30 s), http (60 s, loopback HTTP server), ` +
            `ping with \`method: tcp\` to two loopback ports (30 s; no ping binary here), docker (60 s) against a fake Engine API on a unix ` +
            `socket serving the plugin's recorded v1.47 fixture (no engine here)${cfg.selfMonitor ? ", and the agent's own `agent` monitor (60 s) for the heap figure" : ""}; `) +
          `default heartbeat 60 s (and push 30 s where the backend has no combined push); pushes go through a byte-counting TCP proxy to custos-server (testkit PostgreSQL). ` +
          `node_exporter: \`${NODE_EXPORTER} --web.listen-address=127.0.0.1:<port>\` (default collectors), scraped every 15 s.`,
        "",
        t.markdown,
        "",
        ...verdicts.map((v) => `- ${v}`),
        `- What the agent's RSS is: ${breakdown}`,
        ...notes.map((v) => `- ${v}`),
      ]);
      log(`appended to ${cfg.results}`);
    }
  } finally {
    await runCleanup(cleanup);
  }
}

runMain(main);
