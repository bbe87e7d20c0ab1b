/**
 * Pure evaluation of the process plugin's readings (data -> verdict): which processes match, CPU
 * use from two readings, restart detection, the samples and the check status. The runner
 * (index.ts) reads /proc, parse.ts turns the text into the values handed in here.
 */
import { type CheckStatus, formatDuration, worseStatus } from "@custos/protocol";
import type { Sample } from "../types.ts";

/** The kernel keeps the first 15 bytes of a process name in comm. */
const COMM_LENGTH = 15;

const baseName = (path: string) => path.slice(path.lastIndexOf("/") + 1);

/**
 * `process_name`: the comm the kernel keeps, or the file name of argv[0] (a longer name is cut
 * short in comm, and some programs rename their main thread, e.g. node's comm is "MainThread").
 */
export function matchesName(name: string, comm: string, args: readonly string[]): boolean {
  if (comm === name) return true;
  const argv0 = args[0];
  if (argv0 !== undefined) return baseName(argv0) === name;
  // No command line to ask (a kernel thread, or one we may not read): the cut-short comm has to do.
  return name.length > COMM_LENGTH && comm === name.slice(0, COMM_LENGTH);
}

/** `cmdline`: the pattern against the arguments joined by spaces; kernel threads have none and never match. */
export function matchesCmdline(pattern: RegExp, args: readonly string[]): boolean {
  return args.length > 0 && pattern.test(args.join(" "));
}

/** One matched process as measured in this collection. */
export interface Measured {
  pid: number;
  /** Clock ticks after boot; with the pid, tells a restarted process from one that kept its pid. */
  startTicks: number;
  cpuTicks: number;
  threads: number;
  rssBytes: number;
  /** undefined when /proc/PID/fd may not be read (another user's process). */
  openFds?: number;
}

interface Identity {
  pid: number;
  start: number;
}

export function oldest(processes: readonly Measured[]): Measured | undefined {
  let found: Measured | undefined;
  for (const candidate of processes) {
    if (
      !found ||
      candidate.startTicks < found.startTicks ||
      (candidate.startTicks === found.startTicks && candidate.pid < found.pid)
    ) {
      found = candidate;
    }
  }
  return found;
}

/** The process whose replacement is a restart: the unit's MainPID or the pid file's pid when given, else the oldest. */
export function mainProcess(processes: readonly Measured[], mainPid?: number): Identity | undefined {
  const main = processes.find((candidate) => candidate.pid === mainPid) ?? oldest(processes);
  return main && { pid: main.pid, start: main.startTicks };
}

/** The matched processes' CPU counters at one moment (uptime in s): [pid, startTicks, cpuTicks]. */
export interface CpuSnapshot {
  uptime: number;
  processes: [number, number, number][];
}

/** Readings further apart than this (the agent was stopped) are not turned into a CPU percentage. */
export const MAX_RATE_GAP_SECONDS = 15 * 60;

export function cpuSnapshot(uptime: number, processes: readonly Measured[]): CpuSnapshot {
  return { uptime, processes: processes.map((p) => [p.pid, p.startTicks, p.cpuTicks]) };
}

/**
 * CPU use over the interval, % of one core, summed over the processes: the rise of utime+stime
 * over elapsed time. A process that started within the interval counts with all its CPU time; one
 * that ended within it is missed (its last counters died with it).
 */
export function cpuPercent(
  previous: CpuSnapshot | undefined,
  current: CpuSnapshot,
  clockTicks: number,
): number | undefined {
  if (!previous) return undefined;
  const seconds = current.uptime - previous.uptime;
  if (!(seconds > 0) || seconds > MAX_RATE_GAP_SECONDS) return undefined;
  const before = new Map(previous.processes.map(([pid, start, ticks]) => [`${pid}:${start}`, ticks]));
  const intervalStartTicks = previous.uptime * clockTicks;
  let ticks = 0;
  for (const [pid, start, now] of current.processes) {
    const then = before.get(`${pid}:${start}`);
    if (then !== undefined) ticks += Math.max(0, now - then);
    else if (start >= intervalStartTicks) ticks += now;
  }
  return Math.round((ticks / clockTicks / seconds) * 100 * 100) / 100;
}

/** What the plugin remembers between collections (in ctx.state, so it survives agent restarts). */
export interface Previous {
  pids: number[];
  main?: Identity;
  cpu?: CpuSnapshot;
}

/**
 * A restart: processes were running last time and the main one is now a new process (another
 * pid, or the same pid reused). Going from none to some is the end of an outage, not a restart;
 * and when the oldest of several dies, the next oldest, already running last time, takes over
 * without anything having restarted (the count check reports the missing one).
 */
export function detectRestart(
  previous: Previous | undefined,
  main: Identity | undefined,
): { from: number; to: number } | undefined {
  if (!previous?.main || previous.pids.length === 0 || !main) return undefined;
  if (previous.main.pid === main.pid && previous.main.start === main.start) return undefined;
  if (previous.main.pid !== main.pid && previous.pids.includes(main.pid)) return undefined;
  return { from: previous.main.pid, to: main.pid };
}

interface Summary {
  count: number;
  /** The main process, named in the check message. */
  mainPid?: number;
  /** Absent on the first collection (no earlier counters). */
  cpuPercent?: number;
  rssBytes: number;
  threads: number;
  /** Absent when the descriptors of some matched process could not be counted. */
  openFds?: number;
  /** Of the oldest matched process. */
  uptimeSeconds?: number;
}

export function summarize(
  processes: readonly Measured[],
  at: { uptime: number; clockTicks: number; cpuPercent?: number; mainPid?: number },
): Summary {
  const sum = (pick: (p: Measured) => number) => processes.reduce((total, p) => total + pick(p), 0);
  const summary: Summary = {
    count: processes.length,
    rssBytes: sum((p) => p.rssBytes),
    threads: sum((p) => p.threads),
  };
  if (at.mainPid !== undefined) summary.mainPid = at.mainPid;
  if (at.cpuPercent !== undefined) summary.cpuPercent = at.cpuPercent;
  if (processes.length > 0 && processes.every((p) => p.openFds !== undefined)) {
    summary.openFds = sum((p) => p.openFds ?? 0);
  }
  const first = oldest(processes);
  if (first) summary.uptimeSeconds = Math.max(0, Math.floor(at.uptime - first.startTicks / at.clockTicks));
  return summary;
}

export function processSamples(
  summary: Summary,
  counters: { restartsTotal: number; unitRestarts?: number },
  labels: Record<string, string>,
): Sample[] {
  const samples: Sample[] = [{ name: "process.count", value: summary.count, labels }];
  if (summary.count > 0) {
    if (summary.cpuPercent !== undefined)
      samples.push({ name: "process.cpu_percent", value: summary.cpuPercent, labels });
    samples.push(
      { name: "process.rss_bytes", value: summary.rssBytes, labels },
      { name: "process.threads", value: summary.threads, labels },
    );
    if (summary.openFds !== undefined)
      samples.push({ name: "process.open_fds", value: summary.openFds, labels });
    if (summary.uptimeSeconds !== undefined)
      samples.push({ name: "process.uptime_seconds", value: summary.uptimeSeconds, labels });
  }
  samples.push({ name: "process.restarts_total", value: counters.restartsTotal, labels });
  if (counters.unitRestarts !== undefined)
    samples.push({ name: "process.unit_restarts", value: counters.unitRestarts, labels });
  return samples;
}

export interface Limits {
  min: number;
  max?: number | undefined;
  cpu_warn_percent?: number | undefined;
  cpu_crit_percent?: number | undefined;
  memory_warn_bytes?: number | undefined;
  memory_crit_bytes?: number | undefined;
}

export interface Target {
  /** How the processes are picked, for messages: `cmdline /worker/`, `systemd unit nginx.service`. */
  label: string;
  /** Why nothing matched, when the runner knows better than "no process matches" (a stale pid file). */
  absent?: string;
  /** A reason to be down whatever the processes (a unit that is not active). */
  down?: string;
}

const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

/** 1536 -> "1.5 KiB", in the binary units the config accepts ("512MiB"). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

const percent = (value: number) => `${Math.round(value * 10) / 10}%`;
const plural = (count: number) => (count === 1 ? "process" : "processes");

/** Which limit a value is over: `down` past crit, `degraded` past warn. */
function breach(value: number, warn: number | undefined, crit: number | undefined) {
  if (crit !== undefined && value > crit) return { status: "down" as const, limit: crit };
  if (warn !== undefined && value > warn) return { status: "degraded" as const, limit: warn };
  return undefined;
}

/**
 * The check: `down` when the count is outside min/max (or the target says so), `degraded` /
 * `down` past the CPU and memory limits, every problem named with how far over it is.
 */
export function evaluate(
  summary: Summary,
  limits: Limits,
  target: Target,
): { status: CheckStatus; message: string } {
  let status: CheckStatus = "ok";
  const problems: string[] = [];
  const raise = (next: CheckStatus, message: string) => {
    status = worseStatus(status, next);
    problems.push(message);
  };
  const none = target.absent ?? `no process matches ${target.label}`;

  if (target.down) raise("down", target.down);
  else if (summary.count < limits.min) {
    raise(
      "down",
      summary.count === 0
        ? none
        : `${summary.count} ${plural(summary.count)} ${summary.count === 1 ? "matches" : "match"} ${target.label}, expected at least ${limits.min}`,
    );
  }
  if (limits.max !== undefined && summary.count > limits.max) {
    raise("down", `${summary.count} processes match ${target.label}, expected at most ${limits.max}`);
  }
  if (summary.cpuPercent !== undefined) {
    const over = breach(summary.cpuPercent, limits.cpu_warn_percent, limits.cpu_crit_percent);
    if (over) {
      const by = Math.round((summary.cpuPercent - over.limit) * 10) / 10;
      raise(over.status, `cpu ${percent(summary.cpuPercent)}, ${by} points over the ${over.limit}% limit`);
    }
  }
  if (summary.count > 0) {
    const over = breach(summary.rssBytes, limits.memory_warn_bytes, limits.memory_crit_bytes);
    if (over) {
      raise(
        over.status,
        `memory ${formatBytes(summary.rssBytes)}, ${formatBytes(summary.rssBytes - over.limit)} over the ${formatBytes(over.limit)} limit`,
      );
    }
  }
  if (problems.length > 0) return { status, message: problems.join("; ") };
  if (summary.count === 0) return { status, message: `${none}, which min: 0 allows` };

  const parts = [
    summary.count === 1 && summary.mainPid !== undefined
      ? `running (pid ${summary.mainPid})`
      : `${summary.count} ${plural(summary.count)} running`,
  ];
  if (summary.cpuPercent !== undefined) parts.push(`cpu ${percent(summary.cpuPercent)}`);
  parts.push(`memory ${formatBytes(summary.rssBytes)}`);
  if (summary.uptimeSeconds !== undefined) parts.push(`up ${formatDuration(summary.uptimeSeconds * 1000)}`);
  return { status, message: parts.join(", ") };
}
