import { availableParallelism } from "node:os";
import type { Sql } from "postgres";
import { clusterCpu, machineCpu, memory, processCpu } from "./procfs.ts";
import { Latencies, type LatencySummary } from "./stats.ts";

/**
 * A closed loop: `concurrency` workers, each issuing one operation after another. Operations
 * that complete during the warm-up are not counted; the measured window is the next
 * `durationMs`; after it no new operation starts and the loop waits for those in flight.
 */
export async function closedLoop(options: {
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** resolves on success; rejects (or resolves a message) on failure */
  op: (worker: number) => Promise<string | undefined>;
  onWindow?: (phase: "start" | "end") => void;
}): Promise<LoopResult> {
  const latencies = new Latencies();
  const errorMessages = new Map<string, number>();
  let errors = 0;
  let measuring = false;
  let stopped = false;
  const t0 = performance.now();
  const windowStart = t0 + options.warmupMs;
  const windowEnd = windowStart + options.durationMs;

  const startTimer = setTimeout(() => {
    measuring = true;
    options.onWindow?.("start");
  }, options.warmupMs);
  const endTimer = setTimeout(() => {
    measuring = false;
    stopped = true;
    options.onWindow?.("end");
  }, options.warmupMs + options.durationMs);

  const worker = async (w: number) => {
    while (!stopped) {
      const started = performance.now();
      let failure: string | undefined;
      try {
        failure = await options.op(w);
      } catch (error) {
        failure = error instanceof Error ? error.message : String(error);
      }
      const done = performance.now();
      const inWindow = measuring && done >= windowStart && done <= windowEnd;
      if (failure === undefined) {
        if (inWindow) latencies.add(done - started);
      } else {
        // every failure counts, in the warm-up too
        errors++;
        const key = `${inWindow ? "" : "(warm-up) "}${failure.slice(0, 200)}`;
        errorMessages.set(key, (errorMessages.get(key) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, (_, i) => worker(i)));
  clearTimeout(startTimer);
  clearTimeout(endTimer);
  return {
    ok: latencies.count,
    errors,
    errorMessages: [...errorMessages].map(([m, n]) => `${n}x ${m}`),
    seconds: options.durationMs / 1000,
    latency: latencies.summary(),
  };
}

export interface LoopResult {
  ok: number;
  errors: number;
  errorMessages: string[];
  seconds: number;
  latency: LatencySummary;
}

export interface ResourceUse {
  /** CPU use in % of one core over the window (200 % = both cores of this machine). */
  serverCpu: number;
  postgresCpu: number;
  benchCpu: number;
  machineCpu: number;
  /** machine minus server, PostgreSQL and bench: other processes (and kernel time not charged to a process) */
  otherCpu: number;
  serverRssMaxKb: number;
  serverRssEndKb: number;
  /** mean number of custos-server (or ceiling) backends executing a statement at a sample */
  activeBackends: number;
  /** what active backends were doing: "CPU" or wait_event_type:wait_event, in % of samples */
  waits: [string, number][];
  /** cluster-wide over the window: WAL written, full-page images, checkpoints and their sync time */
  wal: WalStats;
}

export interface WalStats {
  bytes: number;
  fpi: number;
  records: number;
  checkpointsTimed: number;
  checkpointsRequested: number;
  checkpointSyncMs: number;
  checkpointWriteMs: number;
}

async function walSnapshot(sql: Sql): Promise<WalStats> {
  const [w] = await sql<{ bytes: string; fpi: string; records: string }[]>`
    select wal_bytes::text as bytes, wal_fpi::text as fpi, wal_records::text as records from pg_stat_wal`;
  const [c] = await sql<{ timed: string; requested: string; sync: number; write: number }[]>`
    select num_timed::text as timed, num_requested::text as requested, sync_time as sync, write_time as write
    from pg_stat_checkpointer`;
  return {
    bytes: Number(w?.bytes ?? 0),
    fpi: Number(w?.fpi ?? 0),
    records: Number(w?.records ?? 0),
    checkpointsTimed: Number(c?.timed ?? 0),
    checkpointsRequested: Number(c?.requested ?? 0),
    checkpointSyncMs: c?.sync ?? 0,
    checkpointWriteMs: c?.write ?? 0,
  };
}

/**
 * Samples what the system does during a window: CPU time of custos-server, of the whole
 * PostgreSQL cluster and of this process; the server's RSS; and pg_stat_activity of the backends
 * of one application_name (every 100 ms) to see whether PostgreSQL was busy, waiting, or idle.
 */
export class ResourceMonitor {
  readonly #serverPid: number | undefined;
  readonly #postmasterPid: number;
  readonly #sql: Sql;
  readonly #applicationName: string;
  #start?: {
    server: number;
    pg: number;
    bench: number;
    machine: { busy: number; total: number };
    at: number;
  };
  #rss: number[] = [];
  #timer?: NodeJS.Timeout;
  #samples = 0;
  #activeSum = 0;
  #waits = new Map<string, number>();
  #polling: Promise<void> = Promise.resolve();
  #walStart: Promise<WalStats> | undefined;

  constructor(options: {
    serverPid: number | undefined;
    postmasterPid: number;
    sql: Sql;
    applicationName: string;
  }) {
    this.#serverPid = options.serverPid;
    this.#postmasterPid = options.postmasterPid;
    this.#sql = options.sql;
    this.#applicationName = options.applicationName;
  }

  #benchCpu(): number {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  }

  start(): void {
    this.#walStart = walSnapshot(this.#sql);
    this.#start = {
      server: this.#serverPid ? processCpu(this.#serverPid) : Number.NaN,
      pg: clusterCpu(this.#postmasterPid),
      bench: this.#benchCpu(),
      machine: machineCpu(),
      at: performance.now(),
    };
    let busy = false;
    this.#timer = setInterval(() => {
      if (this.#serverPid) this.#rss.push(memory(this.#serverPid).rssKb);
      if (busy) return;
      busy = true;
      this.#polling = this.#poll().finally(() => {
        busy = false;
      });
    }, 100);
  }

  async #poll(): Promise<void> {
    const rows = await this.#sql<{ w: string; n: number }[]>`
      select coalesce(wait_event_type || ':' || wait_event, 'CPU') as w, count(*)::int as n
      from pg_stat_activity
      where application_name = ${this.#applicationName} and state = 'active' and pid <> pg_backend_pid()
      group by 1`;
    this.#samples++;
    for (const r of rows) {
      this.#activeSum += r.n;
      this.#waits.set(r.w, (this.#waits.get(r.w) ?? 0) + r.n);
    }
  }

  async stop(): Promise<ResourceUse> {
    clearInterval(this.#timer);
    await this.#polling.catch(() => undefined);
    const s = this.#start;
    if (!s) throw new Error("monitor not started");
    const seconds = (performance.now() - s.at) / 1000;
    const w0 = await (this.#walStart as Promise<WalStats>);
    const w1 = await walSnapshot(this.#sql);
    const m = machineCpu();
    const pct = (a: number, b: number) => ((a - b) / seconds) * 100;
    const end = this.#serverPid ? memory(this.#serverPid).rssKb : Number.NaN;
    const waitTotal = [...this.#waits.values()].reduce((a, b) => a + b, 0);
    const serverCpu = this.#serverPid ? pct(processCpu(this.#serverPid), s.server) : 0;
    const postgresCpu = pct(clusterCpu(this.#postmasterPid), s.pg);
    const benchCpu = pct(this.#benchCpu(), s.bench);
    const machine = ((m.busy - s.machine.busy) / (m.total - s.machine.total)) * 100 * availableParallelism();
    return {
      serverCpu,
      postgresCpu,
      benchCpu,
      machineCpu: machine,
      otherCpu: Math.max(0, machine - serverCpu - postgresCpu - benchCpu),
      serverRssMaxKb: Math.max(end, ...this.#rss),
      serverRssEndKb: end,
      activeBackends: this.#samples ? this.#activeSum / this.#samples : 0,
      wal: {
        bytes: w1.bytes - w0.bytes,
        fpi: w1.fpi - w0.fpi,
        records: w1.records - w0.records,
        checkpointsTimed: w1.checkpointsTimed - w0.checkpointsTimed,
        checkpointsRequested: w1.checkpointsRequested - w0.checkpointsRequested,
        checkpointSyncMs: w1.checkpointSyncMs - w0.checkpointSyncMs,
        checkpointWriteMs: w1.checkpointWriteMs - w0.checkpointWriteMs,
      },
      waits: [...this.#waits]
        .map(([w, n]): [string, number] => [w, waitTotal ? (n / waitTotal) * 100 : 0])
        .sort((a, b) => b[1] - a[1]),
    };
  }
}

export interface LevelResult {
  label: string;
  concurrency: number;
  loop: LoopResult;
  use: ResourceUse;
  /** operations per second and samples per second (0 for heartbeats) */
  opsPerSec: number;
  samplesPerSec: number;
  statements?: { query: string; calls: number; totalMs: number; meanMs: number }[];
  liveBodies?: number;
  /** how many times the level ran (it is repeated when other processes used the CPU) */
  attempts: number;
}

/**
 * Other work on this shared machine (other test runs) distorts a level. Waits, up to `maxWaitMs`,
 * until CPU used by processes other than custos-server, PostgreSQL and this one stays below
 * `thresholdPct` (% of one core) for two consecutive seconds. Returns the seconds waited and the
 * last reading.
 */
export async function waitForQuiet(options: {
  serverPid: number | undefined;
  postmasterPid: number;
  thresholdPct: number;
  maxWaitMs: number;
}): Promise<{ waitedS: number; otherPct: number }> {
  const t0 = performance.now();
  let calm = 0;
  let other = 0;
  while (true) {
    const at = performance.now();
    const m0 = machineCpu();
    const ours0 = (options.serverPid ? processCpu(options.serverPid) : 0) + clusterCpu(options.postmasterPid);
    const b0 = process.cpuUsage();
    await new Promise((r) => setTimeout(r, 1000));
    const m1 = machineCpu();
    const ours1 = (options.serverPid ? processCpu(options.serverPid) : 0) + clusterCpu(options.postmasterPid);
    const b = process.cpuUsage(b0);
    const seconds = (performance.now() - at) / 1000;
    const machine = ((m1.busy - m0.busy) / (m1.total - m0.total)) * 100 * availableParallelism();
    other = Math.max(0, machine - ((ours1 - ours0 + (b.user + b.system) / 1e6) / seconds) * 100);
    calm = other < options.thresholdPct ? calm + 1 : 0;
    const waited = performance.now() - t0;
    if (calm >= 2 || waited > options.maxWaitMs) return { waitedS: waited / 1000, otherPct: other };
  }
}

/** Requests at a fixed rate (open loop: a slow answer does not slow the sender), counted. */
export function steadyLoad(period: number, send: () => Promise<string | undefined>) {
  let sent = 0;
  let failed = 0;
  const failures = new Map<string, number>();
  const inFlight = new Set<Promise<void>>();
  const timer = setInterval(() => {
    const p = send()
      .then((failure) => {
        sent++;
        if (failure) throw new Error(failure);
      })
      .catch((error: unknown) => {
        failed++;
        const m = error instanceof Error ? error.message : String(error);
        failures.set(m, (failures.get(m) ?? 0) + 1);
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }, period);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.allSettled([...inFlight]);
      return { sent, failed, failures: [...failures].map(([m, n]) => `${n}x ${m}`) };
    },
  };
}

/** Runs fn(0 … n-1) with at most `limit` calls in flight. */
export async function forEachLimited(
  n: number,
  limit: number,
  fn: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, n) }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}
