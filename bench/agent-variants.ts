/**
 * Agent builds and runtime settings side by side (decision 0030): each variant is a private copy
 * of a built single-executable agent (its own file, dropped from the page cache before it starts,
 * so no two variants share page-cache pages) started at the same time with its own state
 * directory, environment and NODE_OPTIONS, pushing to one backend on loopback: custos-server
 * (`--backend real`, an organization and API key per variant) or the agent tests' fake backend
 * (`--backend fake`: no database, lighter on a small machine). Same monitors as
 * bench/agent-footprint.ts (`--monitors bench`) or the install.sh config (`--monitors install`:
 * system only). Reports the median RSS over the steady window, its anonymous and file-backed
 * parts, PSS (smaps_rollup at the end), threads, CPU, warning lines in the agent's log, and
 * (`--inspect true`, default) asks each process through its inspector (SIGUSR1, one at a time,
 * after the measurement) whether undici was loaded. Compare variants within one run: the
 * machine is shared. `--out FILE` appends the table as Markdown.
 *
 *   cd /work/main && node bench/agent-variants.ts --variants variants.json [--minutes 6] [--warmup-minutes 2]
 *
 * variants.json: [{ "name": "base", "binary": "/tmp/a/custos-agent", "env": { "MALLOC_ARENA_MAX": "2" },
 *                   "nodeOptions": "--max-old-space-size=64" }, ...]   (env and nodeOptions optional;
 * the SEA refuses some V8 flags in NODE_OPTIONS, e.g. --single-threaded: build those in instead)
 */
import { spawn, spawnSync } from "node:child_process";
import {
  appendFileSync,
  copyFileSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeBackend } from "../apps/agent/test/helpers/fake-backend.ts";
import { agentBackend } from "./lib/agent-process.ts";
import { choiceFlag, numberFlag, readFlags } from "./lib/args.ts";
import { benchMonitors, startMonitorTargets } from "./lib/monitor-targets.ts";
import { kbFields, loadAverage, processCpuWithChildren } from "./lib/procfs.ts";
import { log, runCleanup, runMain } from "./lib/script.ts";
import { table } from "./lib/stats.ts";

interface Variant {
  name: string;
  binary: string;
  env?: Record<string, string>;
  nodeOptions?: string;
}

const flags = readFlags(process.argv.slice(2));
const variantsFile = flags.get("variants");
if (!variantsFile) throw new Error("--variants FILE (a JSON list, see the header)");
const variants = JSON.parse(readFileSync(variantsFile, "utf8")) as Variant[];
const minutes = numberFlag(flags, "minutes", 6);
const warmupMinutes = numberFlag(flags, "warmup-minutes", 2);
const monitorsKind = choiceFlag(flags, "monitors", ["bench", "install"] as const, "bench");
/** real: custos-server with testkit PostgreSQL; fake: the agent tests' loopback backend (no database). */
const backendKind = choiceFlag(flags, "backend", ["real", "fake"] as const, "real");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mib = (kb: number) => (Number.isFinite(kb) ? (kb / 1024).toFixed(1) : "–");
function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * What the process loaded, asked through its inspector (SIGUSR1 opens it on 127.0.0.1:9229; one
 * process at a time, after the measurement): undici, and the built-in modules' count.
 */
async function loadedModules(pid: number): Promise<string> {
  process.kill(pid, "SIGUSR1");
  let url: string | undefined;
  for (let i = 0; i < 50 && !url; i++) {
    await sleep(100);
    try {
      const list = (await (await fetch("http://127.0.0.1:9229/json/list")).json()) as {
        webSocketDebuggerUrl: string;
      }[];
      url = list[0]?.webSocketDebuggerUrl;
    } catch {
      // not listening yet
    }
  }
  if (!url) return "inspector did not open";
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  const ask = (id: number, expression: string) =>
    new Promise<string>((resolve) => {
      ws.onmessage = (event) => {
        const answer = JSON.parse(String(event.data)) as {
          id?: number;
          result?: { result?: { value?: string } };
        };
        if (answer.id === id) resolve(String(answer.result?.result?.value));
      };
      ws.send(JSON.stringify({ id, method: "Runtime.evaluate", params: { expression } }));
    });
  const value = await ask(
    1,
    `(() => { const l = process.moduleLoadList; const u = l.filter((m) => /undici|wasm/i.test(m)); ` +
      `return \`\${l.length} modules; \${u.length ? u.join(" ") : "no undici"}\`; })()`,
  );
  // closes the inspector, so no answer comes back
  ws.send(
    JSON.stringify({ id: 2, method: "Runtime.evaluate", params: { expression: "process._debugEnd()" } }),
  );
  ws.close();
  await sleep(500);
  return value;
}

/** Drops one file's pages from the page cache (sync, then dd's nocache: POSIX_FADV_DONTNEED). */
function dropFromPageCache(file: string): void {
  spawnSync("sync", [file], { stdio: "ignore" });
  spawnSync("dd", [`if=${file}`, "iflag=nocache", "count=0", "status=none"], { stdio: "ignore" });
}

function threads(pid: number): number {
  try {
    return readdirSync(`/proc/${pid}/task`).length;
  } catch {
    return Number.NaN;
  }
}

async function main(): Promise<void> {
  const cleanup: (() => unknown)[] = [];
  const dir = mkdtempSync(join(tmpdir(), "custos-variants-"));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  try {
    let server: { port: number; key: (i: number) => Promise<string> };
    if (backendKind === "real") {
      const real = (await agentBackend("variants", cleanup)).server;
      server = {
        port: real.port,
        key: async (i) => real.createKey(await real.createOrg(`variant-${i}`), "agent"),
      };
    } else {
      const fake = await startFakeBackend();
      cleanup.unshift(() => fake.close());
      fake.samples.push = () => 0;
      fake.checks.push = () => 0;
      fake.requests.push = () => 0;
      fake.heartbeats.push = () => 0;
      server = { port: Number(new URL(fake.url).port), key: async () => fake.apiKey };
    }
    const targets = await startMonitorTargets(dir, cleanup);
    const monitors =
      monitorsKind === "install" ? ["  - type: system"] : benchMonitors(targets, server.port, true);

    const running: { v: Variant; pid: number; dir: string; rss: number[]; anon: number[]; file: number[] }[] =
      [];
    for (const [i, v] of variants.entries()) {
      const own = mkdtempSync(join(dir, `v${i}-`));
      const binary = join(own, "custos-agent");
      copyFileSync(v.binary, binary);
      dropFromPageCache(binary);
      const key = await server.key(i);
      const config = join(own, "agent.yaml");
      writeFileSync(
        config,
        [
          `api_key: ${key}`,
          `url: http://127.0.0.1:${server.port}`,
          `server_name: variant-${i}`,
          "heartbeat_interval: 60s",
          "metrics_push_interval: 30s",
          "monitors:",
          ...monitors,
          `buffer: { path: ${join(own, "agent.db")} }`,
          "",
        ].join("\n"),
        { mode: 0o600 },
      );
      running.push({ v, pid: 0, dir: own, rss: [], anon: [], file: [] });
    }
    await sleep(1_000);
    for (const r of running) {
      const logFile = join(r.dir, "agent.log");
      const child = spawn(join(r.dir, "custos-agent"), ["run", "--config", join(r.dir, "agent.yaml")], {
        cwd: r.dir,
        env: {
          PATH: "/usr/sbin:/usr/bin:/sbin:/bin",
          HOME: r.dir,
          CUSTOS_LOG_LEVEL: "warn",
          ...(r.v.nodeOptions ? { NODE_OPTIONS: r.v.nodeOptions } : {}),
          ...r.v.env,
        },
        stdio: ["ignore", openSync(logFile, "a"), openSync(logFile, "a")],
      });
      if (!child.pid) throw new Error(`${r.v.name} did not start`);
      r.pid = child.pid;
      cleanup.unshift(() => child.kill("SIGTERM"));
    }
    log(
      `${running.length} variants started (${monitorsKind} monitors), ${minutes} min, steady after ${warmupMinutes}`,
    );
    const t0 = Date.now();
    const cpuAtSteady = new Map<number, number>();
    let steadyT = 0;
    while (Date.now() < t0 + minutes * 60_000) {
      const now = Date.now();
      const steady = now >= t0 + warmupMinutes * 60_000;
      if (steady && !steadyT) {
        steadyT = now;
        for (const r of running) cpuAtSteady.set(r.pid, processCpuWithChildren(r.pid));
      }
      for (const r of running) {
        const s = kbFields(`/proc/${r.pid}/status`);
        if (s.VmRSS === undefined)
          throw new Error(
            `${r.v.name} exited:\n${readFileSync(join(r.dir, "agent.log"), "utf8").slice(-2000)}`,
          );
        if (steady) {
          r.rss.push(s.VmRSS);
          r.anon.push(s.RssAnon ?? Number.NaN);
          r.file.push((s.RssFile ?? 0) + (s.RssShmem ?? 0));
        }
      }
      await sleep(5_000);
    }
    const windowS = (Date.now() - steadyT) / 1000;
    const rows = running.map((r) => {
      const smaps = kbFields(`/proc/${r.pid}/smaps_rollup`);
      const status = kbFields(`/proc/${r.pid}/status`);
      const cpu = ((processCpuWithChildren(r.pid) - (cpuAtSteady.get(r.pid) ?? 0)) / windowS) * 100;
      const logText = readFileSync(join(r.dir, "agent.log"), "utf8");
      const errors = logText
        .split("\n")
        .filter((l) => /"level":"(error|warn)"|error|warning/i.test(l)).length;
      return [
        r.v.name,
        mib(median(r.rss)),
        mib(Math.max(...r.rss)),
        mib(median(r.anon)),
        mib(median(r.file)),
        mib(smaps.Pss ?? Number.NaN),
        mib(status.VmHWM ?? Number.NaN),
        String(threads(r.pid)),
        cpu.toFixed(3),
        String(errors),
      ];
    });
    const loaded: string[] = [];
    if (flags.get("inspect") !== "false")
      for (const r of running) loaded.push(`${r.v.name}: ${await loadedModules(r.pid)}`);
    const t = table(
      [
        "variant",
        "RSS median MiB",
        "RSS max",
        "anon",
        "file",
        "PSS end",
        "HWM",
        "threads",
        "CPU %",
        "log warn/err lines",
      ],
      rows,
    );
    console.log(`\n${t.markdown}\n`);
    const out = flags.get("out");
    if (out) {
      const lines = [
        `## ${new Date().toISOString().slice(0, 16)} variants (${minutes} min, ${monitorsKind} monitors, ${backendKind} backend)`,
        "",
        t.markdown,
        "",
        `- load ${loadAverage()}`,
        ...loaded.map((l) => `- loaded: ${l}`),
        ...running.map(
          (r) =>
            `- ${r.v.name}: ${r.v.binary} env ${JSON.stringify(r.v.env ?? {})} NODE_OPTIONS ${r.v.nodeOptions ?? "-"}`,
        ),
        "",
      ];
      appendFileSync(out, `${lines.join("\n")}\n`);
    }
    console.log(
      `- ${minutes} min, steady window ${(windowS / 60).toFixed(1)} min; ${monitorsKind} monitors, ${backendKind} backend; load ${loadAverage()}; http target hit ${targets.hits.http}×`,
    );
    for (const l of loaded) console.log(`- loaded: ${l}`);
    for (const r of running)
      console.log(
        `- ${r.v.name}: ${r.v.binary} env ${JSON.stringify(r.v.env ?? {})} NODE_OPTIONS ${r.v.nodeOptions ?? "-"}`,
      );
  } finally {
    await runCleanup(cleanup);
  }
}

runMain(main);
