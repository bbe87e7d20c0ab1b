/**
 * The alerting benchmark (issue 4): 1,000 simulated servers heartbeating once a minute (random
 * phase) against a real custos-server whose scheduler sweeps every 10 s and dispatches; one
 * webhook channel to a loopback sink. Stop 10 servers per round and time, for each, the
 * notification reaching the sink minus (last heartbeat + timeout). Then the sweep's own cost with
 * 10,000 servers, calling private.sweep_heartbeats() directly: nothing due, and 100 due at once.
 *
 *   cd /work/main && node bench/alert-latency.ts [--rounds 3] [--timeout 90]
 */
import http from "node:http";
import { freePort, prepareTemplate, startCustosServer } from "@custos/testkit";
import postgres from "postgres";
import { agentPool, heartbeat, register } from "./lib/agents.ts";
import { numberFlag, readFlagsOrUsage, resultsFlag } from "./lib/args.ts";
import { clusterSettings, startBenchCluster } from "./lib/cluster.ts";
import { loadAverage, machineCpu, machineFacts } from "./lib/procfs.ts";
import { log, runCleanup, runMain } from "./lib/script.ts";
import { appendSection, gitState, machineLine } from "./lib/section.ts";
import { fmtInt, fmtMs, quantile, table } from "./lib/stats.ts";

const USAGE = `node bench/alert-latency.ts [flags]   (every flag also as env BENCH_<NAME>)
  --servers N          simulated servers heartbeating (default 1000)
  --stop N             servers stopped per round (default 10)
  --rounds N           rounds (default 3)
  --interval S         heartbeat interval (default 60)
  --timeout S          heartbeat timeout of every server, set by SQL (default 90: it must exceed the
                       interval plus jitter, or live servers would go down between heartbeats)
  --sweep-servers N    servers for the sweep-cost phase (default 10000)
  --sweep-runs N       sweeps timed with nothing due (default 200)
  --down-runs N        sweeps timed with --down-at-once servers due (default 20)
  --down-at-once N     (default 100)
  --phases LIST        latency,sweep (default both)
  --results FILE|none  default bench/RESULTS.md`;

const flags = readFlagsOrUsage(USAGE);
const cfg = {
  servers: numberFlag(flags, "servers", 1000),
  stop: numberFlag(flags, "stop", 10),
  rounds: numberFlag(flags, "rounds", 3),
  interval: numberFlag(flags, "interval", 60),
  timeout: numberFlag(flags, "timeout", 90),
  sweepServers: numberFlag(flags, "sweep-servers", 10_000),
  sweepRuns: numberFlag(flags, "sweep-runs", 200),
  downRuns: numberFlag(flags, "down-runs", 20),
  downAtOnce: numberFlag(flags, "down-at-once", 100),
  phases: new Set((flags.get("phases") ?? "latency,sweep").split(",").map((s) => s.trim())),
  results: resultsFlag(flags),
};
const GOALS = { latencyP95S: 15, sweepMs: 100 };
const SECRET = "bench-signing-secret-0123456789";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function summary(values: number[]) {
  const s = Float64Array.from(values).sort();
  return {
    n: s.length,
    p50: quantile(s, 0.5),
    p95: quantile(s, 0.95),
    max: s.length ? (s[s.length - 1] as number) : Number.NaN,
    min: s[0] ?? Number.NaN,
  };
}

/** A row of the latency table: the measure, then n, p50, p95, max and min of its summary, each by `format`. */
function summaryRow(
  measure: string,
  s: ReturnType<typeof summary>,
  format: (value: number) => string,
): string[] {
  return [measure, String(s.n), format(s.p50), format(s.p95), format(s.max), format(s.min)];
}

const seconds = (value: number) => value.toFixed(2);

interface Delivery {
  at: number;
  event: string;
  body: string;
}

async function main(): Promise<void> {
  const started = new Date();
  const facts = machineFacts();
  const loadBefore = loadAverage();
  log(
    `machine: ${facts.nproc} cores, load ${loadBefore}; config ${JSON.stringify({ ...cfg, phases: [...cfg.phases] })}`,
  );
  const cleanup: (() => Promise<unknown> | unknown)[] = [];
  const md: string[] = [];
  const printed: string[] = [];
  try {
    const cluster = await startBenchCluster({ mode: "durable", statStatements: false });
    cleanup.unshift(() => cluster.stop());
    await prepareTemplate(cluster);
    const server = await startCustosServer({
      adminUrl: cluster.adminUrl,
      env: { CUSTOS_AGENT_RATE_LIMIT: "1000000", CUSTOS_API_KEY_CACHE_SECONDS: "10", CUSTOS_LOG: "warn" },
    });
    let serverRunning = true;
    cleanup.unshift(async () => {
      if (serverRunning) await server.stop();
    });
    const sql = postgres(server.databaseUrl, { max: 2, onnotice: () => undefined });
    cleanup.unshift(() => sql.end({ timeout: 5 }));
    const settings = await clusterSettings(server.databaseUrl);

    // --- the sink and the channel --------------------------------------------------------------
    const deliveries: Delivery[] = [];
    const sink = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        deliveries.push({
          at: Date.now(),
          event: String(req.headers["x-custos-event"] ?? "?"),
          body: Buffer.concat(chunks).toString(),
        });
        res.writeHead(204).end();
      });
    });
    const sinkPort = await freePort();
    await new Promise<void>((r) => sink.listen(sinkPort, "127.0.0.1", r));
    cleanup.unshift(() => new Promise((r) => sink.close(r)));

    const org = await server.createOrg("alert-bench");
    const key = await server.createKey(org, "agent");
    const [channel] = await sql<{ id: string }[]>`
      insert into public.channels (org_id, name, kind, config)
      values (${org}, 'bench sink', 'webhook', ${sql.json({ url: `http://127.0.0.1:${sinkPort}/hook` })})
      returning id`;
    if (!channel) throw new Error("no channel");
    await sql`insert into public.channel_secrets (channel_id, org_id, secret) values (${channel.id}, ${org}, ${sql.json({ signing_secret: SECRET })})`;
    await sql`insert into public.alert_rules (org_id, name, channel_ids) values (${org}, 'page the sink', ${[channel.id]}::uuid[])`;

    const pgVersion = settings.server_version ?? "?";
    const verdicts: string[] = [];
    let workloadLine = "";

    if (cfg.phases.has("latency")) {
      // --- the fleet ---------------------------------------------------------------------------
      const pool = agentPool(server.url, 16);
      cleanup.unshift(() => pool.close());
      const runId = started.getTime().toString(36);
      const ids: string[] = new Array(cfg.servers);
      log(`registering ${cfg.servers} servers`);
      let next = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < cfg.servers) {
            const i = next++;
            ids[i] = await register(pool, key, i, runId);
          }
        }),
      );
      await sql`update public.servers set heartbeat_timeout_seconds = ${cfg.timeout} where org_id = ${org}`;
      const fleet = { serverIds: ids, keyOf: () => key };
      const stopped = new Set<number>();
      const hbFailures: string[] = [];
      let hbSent = 0;
      const timers: NodeJS.Timeout[] = [];
      const beat = (i: number) => {
        if (stopped.has(i)) return;
        hbSent++;
        heartbeat(pool, fleet, i).then(
          (f) => f && hbFailures.push(f),
          (e: unknown) => hbFailures.push(String(e)),
        );
      };
      for (let i = 0; i < cfg.servers; i++) {
        const phase = Math.random() * cfg.interval * 1000;
        timers.push(
          setTimeout(() => {
            beat(i);
            timers.push(setInterval(() => beat(i), cfg.interval * 1000));
          }, phase),
        );
      }
      cleanup.unshift(() => {
        for (const t of timers) clearTimeout(t);
      });
      log(
        `fleet heartbeating every ${cfg.interval} s (random phase); waiting one interval so every server has beaten`,
      );
      await sleep(cfg.interval * 1000 + 2_000);

      const latencies: number[] = [];
      const detections: number[] = [];
      const deliveriesMs: number[] = [];
      let missing = 0;
      let falseDowns = 0;
      const everStopped = new Set<string>();
      const cpu0 = machineCpu();
      const t0 = Date.now();
      for (let round = 1; round <= cfg.rounds; round++) {
        const pick: number[] = [];
        while (pick.length < cfg.stop) {
          const i = Math.floor(Math.random() * cfg.servers);
          if (!pick.includes(i)) pick.push(i);
        }
        for (const i of pick) stopped.add(i);
        const stopAt = Date.now();
        await sleep(2_000); // heartbeats in flight land
        const victims = pick.map((i) => ids[i] as string);
        const last = await sql<{ id: string; name: string; last: Date; timeout: number }[]>`
          select id, name, last_heartbeat_at as last, heartbeat_timeout_seconds as timeout
          from public.servers where id = any(${victims}::uuid[])`;
        const due = new Map(last.map((r) => [r.id, r.last.getTime() + r.timeout * 1000]));
        const deadline = Math.max(...due.values()) + 60_000;
        log(
          `round ${round}: stopped ${pick.length} servers; last timeout expires in ${((Math.max(...due.values()) - Date.now()) / 1000).toFixed(0)} s`,
        );
        const found = new Map<string, number>();
        while (Date.now() < deadline && found.size < victims.length) {
          await sleep(500);
          for (const d of deliveries) {
            if (d.event !== "down" || d.at < stopAt) continue;
            for (const id of victims) if (!found.has(id) && d.body.includes(id)) found.set(id, d.at);
          }
        }
        const outbox = await sql<{ server_id: string; created: Date }[]>`
          select i.server_id, o.created_at as created from public.notification_outbox o
          join public.incidents i on i.id = o.incident_id
          where o.event = 'down' and i.server_id = any(${victims}::uuid[]) and o.created_at >= ${new Date(stopAt)}`;
        const createdOf = new Map(outbox.map((r) => [r.server_id, r.created.getTime()]));
        for (const id of victims) {
          const at = found.get(id);
          const expiry = due.get(id) as number;
          if (at === undefined) {
            missing++;
            continue;
          }
          latencies.push((at - expiry) / 1000);
          const created = createdOf.get(id);
          if (created !== undefined) {
            detections.push((created - expiry) / 1000);
            deliveriesMs.push(at - created);
          }
        }
        const rl = victims.flatMap((id) => {
          const at = found.get(id);
          return at === undefined ? [] : [(at - (due.get(id) as number)) / 1000];
        });
        log(
          `round ${round}: ${found.size}/${victims.length} notified; after the timeout: ${rl.map((s) => s.toFixed(1)).join(", ")} s`,
        );
        // every other down notification is a false page: a live server declared down
        for (const id of victims) everStopped.add(id);
        falseDowns = deliveries.filter(
          (d) => d.event === "down" && ![...everStopped].some((id) => d.body.includes(id)),
        ).length;
        for (const i of pick) stopped.delete(i);
        for (const i of pick) beat(i); // back: they recover (a "restored" page each)
      }
      const windowS = (Date.now() - t0) / 1000;
      const machinePct = ((machineCpu().busy - cpu0.busy) / windowS) * 100;
      for (const t of timers) clearTimeout(t);
      const l = summary(latencies);
      const d = summary(detections);
      const dl = summary(deliveriesMs);
      const lt = table(
        ["measure", "n", "p50", "p95", "max", "min"],
        [
          summaryRow("timeout expiry → webhook at the sink (s)", l, seconds),
          summaryRow("timeout expiry → sweep found it (outbox row) (s)", d, seconds),
          summaryRow("outbox row → webhook at the sink (ms)", dl, fmtMs),
        ],
      );
      printed.push(lt.text);
      md.push(lt.markdown, "");
      verdicts.push(
        `alert latency after the timeout: p50 ${l.p50.toFixed(1)} s, p95 ${l.p95.toFixed(1)} s, max ${l.max.toFixed(1)} s over ${l.n} stopped servers in ${cfg.rounds} rounds ` +
          `(${missing} never notified, ${falseDowns} down pages for live servers) — goal p95 ≤ ${GOALS.latencyP95S} s: ` +
          `${missing === 0 && l.p95 <= GOALS.latencyP95S ? `MET (${(GOALS.latencyP95S - l.p95).toFixed(1)} s to spare)` : `MISSED${missing ? ` (${missing} missing)` : ` by ${(l.p95 - GOALS.latencyP95S).toFixed(1)} s`}`}`,
        `heartbeats sent ${fmtInt(hbSent)} (${hbFailures.length} failed${hbFailures.length ? `: ${hbFailures[0]?.slice(0, 120)}` : ""}); whole machine busy ${machinePct.toFixed(0)} % of one core during the rounds`,
      );
      workloadLine =
        `- Workload (latency): ${cfg.servers} servers registered over HTTP in one org, heartbeating every ${cfg.interval} s with a random phase each; ` +
        `heartbeat_timeout_seconds = ${cfg.timeout} for all (set by SQL; a 30 s timeout is shorter than the 60 s heartbeat interval and would take the whole fleet down between beats), ` +
        `so a stopped server's timeout expires ${cfg.timeout - cfg.interval}–${cfg.timeout} s after it stops, at a phase independent of the sweep's. custos-server's scheduler as shipped: ` +
        `sweep every 10 s then dispatch, dispatcher every 2 s. One webhook channel (HMAC-signed) to a loopback HTTP sink, one alert rule. ` +
        `${cfg.rounds} rounds × ${cfg.stop} servers stopped; "timeout expiry" = servers.last_heartbeat_at + timeout, read from the database after the stop.`;
    }

    if (cfg.phases.has("sweep")) {
      // --- sweep cost: the custos-server stops so only our calls sweep ------------------------
      await server.stop();
      serverRunning = false;
      const have = (await sql<{ n: number }[]>`select count(*)::int as n from public.servers`)[0]?.n ?? 0;
      const add = Math.max(0, cfg.sweepServers - have);
      log(`sweep cost: adding ${add} servers by SQL to reach ${cfg.sweepServers}`);
      await sql`
        insert into public.servers (org_id, name, hostname, identity_key, status, last_heartbeat_at, heartbeat_timeout_seconds)
        select ${org}, 'sweep-' || g, 'sweep-' || g || '.example.internal', 'sweep-' || g, 'up', now(), 120
        from generate_series(1, ${add}) g`;
      await sql`update public.servers set status = 'up', last_heartbeat_at = now(), heartbeat_timeout_seconds = 120`;
      await sql`update public.incidents set status = 'resolved', resolved_at = now() where resolved_at is null`;
      await sql`analyze public.servers`;
      // the grace after a sweep pause must not hide due servers: resumed long ago, last run now
      const freshJobRun = () =>
        sql`update private.job_runs set last_run_at = now(), resumed_at = now() - interval '1 hour' where job = 'sweep'`;
      await freshJobRun();
      const timeSweep = async () => {
        const t = performance.now();
        const r = await sql`select * from private.sweep_heartbeats()`;
        return { ms: performance.now() - t, rows: r.length };
      };
      for (let i = 0; i < 5; i++) await timeSweep(); // warm
      const idle: number[] = [];
      let idleRows = 0;
      for (let i = 0; i < cfg.sweepRuns; i++) {
        const r = await timeSweep();
        idle.push(r.ms);
        idleRows += r.rows;
      }
      const down: number[] = [];
      const downRows: number[] = [];
      for (let i = 0; i < cfg.downRuns; i++) {
        await sql`update public.incidents set status = 'resolved', resolved_at = now() where resolved_at is null`;
        await sql`
          update public.servers set status = 'up', last_heartbeat_at = now() - interval '300 seconds'
          where id in (select id from public.servers order by id limit ${cfg.downAtOnce})`;
        await sql`update public.servers set last_heartbeat_at = now() where id not in (select id from public.servers order by id limit ${cfg.downAtOnce})`;
        await freshJobRun();
        const r = await timeSweep();
        down.push(r.ms);
        downRows.push(r.rows);
        await sql`update public.servers set status = 'up', last_heartbeat_at = now()`;
      }
      const outboxRows =
        (
          await sql<
            { n: number }[]
          >`select count(*)::int as n from public.notification_outbox where event = 'down'`
        )[0]?.n ?? 0;
      const si = summary(idle);
      const sd = summary(down);
      const st = table(
        [
          `sweep with ${fmtInt(cfg.sweepServers)} servers`,
          "runs",
          "rows returned",
          "p50 ms",
          "p95 ms",
          "max ms",
        ],
        [
          [`nothing due`, String(si.n), String(idleRows), fmtMs(si.p50), fmtMs(si.p95), fmtMs(si.max)],
          [
            `${cfg.downAtOnce} due at once (incident + outbox row each)`,
            String(sd.n),
            `${Math.min(...downRows)}–${Math.max(...downRows)} per run`,
            fmtMs(sd.p50),
            fmtMs(sd.p95),
            fmtMs(sd.max),
          ],
        ],
      );
      printed.push(st.text);
      md.push(st.markdown, "");
      const worst = Math.max(si.p95, sd.p95);
      verdicts.push(
        `sweep cost with ${fmtInt(cfg.sweepServers)} servers: nothing due p50 ${fmtMs(si.p50)} / p95 ${fmtMs(si.p95)} / max ${fmtMs(si.max)} ms; ` +
          `${cfg.downAtOnce} down at once p50 ${fmtMs(sd.p50)} / p95 ${fmtMs(sd.p95)} / max ${fmtMs(sd.max)} ms — goal < ${GOALS.sweepMs} ms: ` +
          `${worst < GOALS.sweepMs ? `MET (worst p95 ${((worst / GOALS.sweepMs) * 100).toFixed(0)} % of it)` : `MISSED (worst p95 ${fmtMs(worst)} ms)`}` +
          `; ${outboxRows} down outbox rows written in all`,
      );
      workloadLine +=
        `${workloadLine ? "\n" : ""}- Workload (sweep cost): custos-server stopped; servers added by SQL to ${fmtInt(cfg.sweepServers)} in that org (status up, fresh heartbeats, timeout 120 s; the org has the webhook rule, ` +
        `so a due server costs an incident and an outbox row); \`select * from private.sweep_heartbeats()\` timed at the client over one loopback connection ` +
        `(durable PostgreSQL, one commit each), ${cfg.sweepRuns} runs with nothing due after 5 warm-up runs; then ${cfg.downRuns} runs each with ${cfg.downAtOnce} servers' heartbeats set 300 s back ` +
        `(private.job_runs.resumed_at set 1 h back so the restart grace does not hide them; open incidents resolved between runs).`;
    }

    const loadAfter = loadAverage();
    console.log("");
    for (const p of printed) console.log(`${p}\n`);
    for (const v of verdicts) console.log(`- ${v}`);
    if (cfg.results !== "none") {
      appendSection(
        cfg.results,
        started,
        `node bench/alert-latency.ts${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(" ")}` : ""}`,
        [
          `- Code under test: ${gitState(["packages", "apps/server", "supabase"])}`,
          machineLine(
            facts,
            pgVersion,
            `The simulated fleet, the sink, custos-server and PostgreSQL share these ${facts.nproc} cores, on loopback. ` +
              `Load average before ${loadBefore}, after ${loadAfter} (a shared machine: other benchmarks may have been running).`,
          ),
          `- PostgreSQL settings (durable): ${Object.entries(settings)
            .filter(([k]) => ["fsync", "synchronous_commit", "shared_buffers", "work_mem"].includes(k))
            .map(([k, v]) => `${k}=${v}`)
            .join(", ")}`,
          workloadLine,
          "",
          ...md,
          ...verdicts.map((v) => `- ${v}`),
        ],
      );
      log(`appended to ${cfg.results}`);
    }
  } finally {
    await runCleanup(cleanup);
  }
}

runMain(main);
