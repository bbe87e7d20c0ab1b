/**
 * Memory soak (issue 12): a fleet of simulated servers pushes metrics and heartbeats to a real
 * custos-server at a steady production-like rate for an hour, after a short burst at full speed
 * (the load that once grew the server's RSS from 166 MB to 399 MB for good). custos-server's RSS is
 * sampled throughout; the verdict is whether it stays flat after warm-up and comes back after the
 * burst. Appends a dated section to bench/RESULTS.md.
 *
 *   cd /work/main && node bench/soak.ts [--minutes 60] [--help]
 */
import { prepareTemplate, startCustosServer } from "@custos/testkit";
import type { Pool } from "undici";
import { agentPool, type Fleet, heartbeat, register, sendBatch } from "./lib/agents.ts";
import { numberFlag, readFlagsOrUsage, resultsFlag } from "./lib/args.ts";
import { clusterSettings, startBenchCluster } from "./lib/cluster.ts";
import { forEachLimited, steadyLoad } from "./lib/load.ts";
import { findServerPid, machineFacts, memory } from "./lib/procfs.ts";
import { log, runMain } from "./lib/script.ts";
import { appendSection, gitState, machineLine } from "./lib/section.ts";
import { BodySource, SERIES_PER_SERVER } from "./lib/workload.ts";

const USAGE = `node bench/soak.ts [flags]   (every flag also as env BENCH_<NAME>)
  --minutes M        steady-load minutes (default 60)
  --warmup M         minutes of the steady load not judged (default 10)
  --servers N        simulated servers (default 1000)
  --orgs N           organizations, one agent key each (default 10)
  --push-every S     seconds between two metrics batches of one server (default 15)
  --hb-every S       seconds between two heartbeats of one server (default 15)
  --burst S          seconds of closed-loop metrics + heartbeats at full speed first (default 20)
  --burst-concurrency N   requests in flight during the burst (default 32)
  --idle S           seconds without load at the end (default 120)
  --sample S         seconds between two RSS samples (default 10)
  --results FILE|none     where to append the results section (default bench/RESULTS.md)`;

const flags = readFlagsOrUsage(USAGE);
const cfg = {
  minutes: numberFlag(flags, "minutes", 60),
  warmup: numberFlag(flags, "warmup", 10),
  servers: numberFlag(flags, "servers", 1000),
  orgs: numberFlag(flags, "orgs", 10),
  pushEvery: numberFlag(flags, "push-every", 15),
  hbEvery: numberFlag(flags, "hb-every", 15),
  burst: numberFlag(flags, "burst", 20),
  burstConcurrency: numberFlag(flags, "burst-concurrency", 32),
  idle: numberFlag(flags, "idle", 120),
  sample: numberFlag(flags, "sample", 10),
  results: resultsFlag(flags),
};
/** The judged growth: RSS at the end of the steady load over RSS when warm-up ended. */
const FLAT_GOAL_PERCENT = 10;
const SETUP_CONCURRENCY = 16;

const mib = (kb: number) => Math.round(kb / 1024);

interface Sample {
  /** seconds since the steady load began (negative before) */
  t: number;
  rssKb: number;
}

/** Least-squares slope of RSS over time, in MiB per hour. */
function slopeMiBPerHour(samples: Sample[]): number {
  const n = samples.length;
  if (n < 2) return Number.NaN;
  const mx = samples.reduce((s, p) => s + p.t, 0) / n;
  const my = samples.reduce((s, p) => s + p.rssKb, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of samples) {
    num += (p.t - mx) * (p.rssKb - my);
    den += (p.t - mx) ** 2;
  }
  return den === 0 ? 0 : ((num / den) * 3600) / 1024;
}

async function burst(pool: Pool, fleet: Fleet, bodies: BodySource, seconds: number, concurrency: number) {
  const until = Date.now() + seconds * 1000;
  let requests = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, worker) => {
      for (let i = 0; Date.now() < until; i++) {
        const failure =
          worker % 2 === 0
            ? await sendBatch(pool, fleet, bodies)
            : await heartbeat(pool, fleet, (worker * 7919 + i) % fleet.serverIds.length);
        requests++;
        if (failure) failed++;
      }
    }),
  );
  return { requests, failed };
}

async function main(): Promise<void> {
  const started = new Date();
  // the commit the server runs: taken now, as the hour may see later commits in the checkout
  const commit = gitState(["apps/server", "packages/backend", "bench"]);
  const facts = machineFacts();
  log(`machine: ${facts.nproc} cores (${facts.cpuModel}), ${facts.memGiB} GiB, Node ${facts.node}`);
  log(`config: ${JSON.stringify(cfg)}`);
  // test mode (fsync off): an hour of durable writes measures the disk, not the server's memory
  const cluster = await startBenchCluster({ mode: "test", statStatements: false });
  const cleanup: (() => Promise<unknown>)[] = [() => cluster.stop()];
  try {
    await prepareTemplate(cluster);
    const server = await startCustosServer({
      adminUrl: cluster.adminUrl,
      env: { CUSTOS_AGENT_RATE_LIMIT: "1000000", CUSTOS_API_KEY_CACHE_SECONDS: "10", CUSTOS_LOG: "warn" },
    });
    cleanup.unshift(() => server.stop());
    const pid = findServerPid(server.port);
    if (!pid) throw new Error("could not find the custos-server process");
    const rss = () => memory(pid).rssKb;
    const settings = await clusterSettings(server.databaseUrl);
    const rssAtStart = rss();

    const orgs = await Promise.all(
      Array.from({ length: cfg.orgs }, async (_, i) => {
        const id = await server.createOrg(`soak-org-${i}`);
        return { id, key: await server.createKey(id, "agent") };
      }),
    );
    const orgOf = (i: number) => orgs[i % orgs.length] as { id: string; key: string };
    const pool = agentPool(server.url, 64);
    cleanup.unshift(() => pool.close());
    const serverIds = new Array<string>(cfg.servers);
    const runId = started.getTime().toString(36);
    log(`registering ${cfg.servers} servers`);
    await forEachLimited(cfg.servers, SETUP_CONCURRENCY, async (i) => {
      serverIds[i] = await register(pool, orgOf(i).key, i, runId);
    });
    const fleet: Fleet = { serverIds, keyOf: (i) => orgOf(i).key };
    const bodies = new BodySource(serverIds, "ms", "live");
    await forEachLimited(cfg.servers, SETUP_CONCURRENCY, async () => {
      const failure = await sendBatch(pool, fleet, bodies);
      if (failure) throw new Error(`first batch: ${failure}`);
    });
    const rssAfterSetup = rss();
    log(`RSS ${mib(rssAtStart)} MiB after start, ${mib(rssAfterSetup)} MiB after the fleet's first batches`);

    log(`burst: ${cfg.burst} s closed loop at concurrency ${cfg.burstConcurrency}`);
    const burstResult = await burst(pool, fleet, bodies, cfg.burst, cfg.burstConcurrency);
    const rssAfterBurst = rss();
    log(
      `burst: ${burstResult.requests} requests, ${burstResult.failed} failed; RSS ${mib(rssAfterBurst)} MiB`,
    );

    const steadyStart = Date.now();
    const samples: Sample[] = [{ t: 0, rssKb: rssAfterBurst }];
    let hb = 0;
    const metrics = steadyLoad((cfg.pushEvery * 1000) / cfg.servers, () => sendBatch(pool, fleet, bodies));
    const beats = steadyLoad((cfg.hbEvery * 1000) / cfg.servers, () =>
      heartbeat(pool, fleet, hb++ % cfg.servers),
    );
    const sampler = setInterval(() => {
      const t = Math.round((Date.now() - steadyStart) / 1000);
      samples.push({ t, rssKb: rss() });
      if (t % 300 < cfg.sample)
        log(`steady ${Math.round(t / 60)} min: RSS ${mib(samples.at(-1)?.rssKb ?? 0)} MiB`);
    }, cfg.sample * 1000);
    await new Promise((r) => setTimeout(r, cfg.minutes * 60_000));
    clearInterval(sampler);
    const metricsResult = await metrics.stop();
    const beatsResult = await beats.stop();
    const rssEndOfLoad = rss();
    samples.push({ t: Math.round((Date.now() - steadyStart) / 1000), rssKb: rssEndOfLoad });

    log(`idle ${cfg.idle} s`);
    await new Promise((r) => setTimeout(r, cfg.idle * 1000));
    const rssIdle = rss();
    const peak = memory(pid).hwmKb;

    const judged = samples.filter((s) => s.t >= cfg.warmup * 60);
    const atWarm = judged[0]?.rssKb ?? Number.NaN;
    const maxJudged = Math.max(...judged.map((s) => s.rssKb));
    const growth = ((rssEndOfLoad - atWarm) / atWarm) * 100;
    const slope = slopeMiBPerHour(judged);
    const met = growth <= FLAT_GOAL_PERCENT;
    const every5 = samples.filter((s, i) => i === 0 || s.t % 300 < cfg.sample || i === samples.length - 1);
    const lines = [
      machineLine(facts, settings.server_version ?? "?", "Shared machine: other work ran at the same time."),
      `- Commit: ${commit} (when the server started)`,
      `- Fleet: ${cfg.servers} servers in ${cfg.orgs} orgs, ${SERIES_PER_SERVER} series each; one metrics batch per server every ${cfg.pushEvery} s and one heartbeat every ${cfg.hbEvery} s (${Math.round(cfg.servers / cfg.pushEvery)} batches/s + ${Math.round(cfg.servers / cfg.hbEvery)} heartbeats/s), after a ${cfg.burst} s burst at full speed (${burstResult.requests} requests, ${burstResult.failed} failed)`,
      `- Steady load: ${cfg.minutes} min; ${metricsResult.sent} batches (${metricsResult.failed} failed), ${beatsResult.sent} heartbeats (${beatsResult.failed} failed)${[...metricsResult.failures, ...beatsResult.failures].length ? `; failures: ${[...metricsResult.failures, ...beatsResult.failures].slice(0, 5).join("; ")}` : ""}`,
      `- custos-server RSS: ${mib(rssAtStart)} MiB after start, ${mib(rssAfterSetup)} MiB after the fleet's first batches, ${mib(rssAfterBurst)} MiB after the burst, ${mib(atWarm)} MiB when warm-up ended (${cfg.warmup} min), max ${mib(maxJudged)} MiB after it, ${mib(rssEndOfLoad)} MiB at the end of the load, ${mib(rssIdle)} MiB after ${cfg.idle} s idle; peak (VmHWM) ${mib(peak)} MiB`,
      `- After warm-up: growth ${growth.toFixed(1)} % (goal ≤ ${FLAT_GOAL_PERCENT} %: ${met ? "MET" : "MISSED"}), least-squares slope ${slope.toFixed(1)} MiB/h`,
      "",
      "| minute | RSS MiB |",
      "| -----: | ------: |",
      ...every5.map((s) => `| ${(s.t / 60).toFixed(1)} | ${mib(s.rssKb)} |`),
    ];
    console.log(lines.join("\n"));
    if (cfg.results !== "none") {
      appendSection(cfg.results, started, `node bench/soak.ts --minutes ${cfg.minutes}`, lines);
      log(`appended to ${cfg.results}`);
    }
  } finally {
    for (const step of cleanup) await step().catch(() => undefined);
  }
}

runMain(main);
