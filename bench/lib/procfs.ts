import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";

/** Facts about the machine for the results section. */
export function machineFacts(): {
  nproc: number;
  cpuModel: string;
  memGiB: number;
  kernel: string;
  node: string;
} {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? cpus()[0]?.model ?? "unknown";
  return {
    nproc: Number(execFileSync("nproc", { encoding: "utf8" }).trim()),
    cpuModel: model,
    memGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: readFileSync("/proc/sys/kernel/osrelease", "utf8").trim(),
    node: process.version,
  };
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function pids(): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** The custos-server child listening on `port`: a node process running cli.ts with PORT=<port>. */
export function findServerPid(port: number): number | undefined {
  for (const pid of pids()) {
    const cmdline = read(`/proc/${pid}/cmdline`);
    if (!cmdline?.includes("cli.ts") || !cmdline.includes("start")) continue;
    const environ = read(`/proc/${pid}/environ`);
    if (environ?.split("\0").includes(`PORT=${port}`)) return pid;
  }
  return undefined;
}

interface Stat {
  ppid: number;
  /** utime + stime, seconds */
  cpu: number;
  /** cutime + cstime (waited-for children), seconds */
  childCpu: number;
}

function stat(pid: number): Stat | undefined {
  const text = read(`/proc/${pid}/stat`);
  if (!text) return undefined;
  // the command name is in parentheses and may contain spaces
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const n = (i: number) => Number(fields[i - 3]);
  return { ppid: n(4), cpu: (n(14) + n(15)) / CLK_TCK, childCpu: (n(16) + n(17)) / CLK_TCK };
}

/** CPU seconds used so far by one process. */
export function processCpu(pid: number): number {
  return stat(pid)?.cpu ?? Number.NaN;
}

/**
 * CPU seconds used so far by a PostgreSQL cluster: the postmaster, its live children (backends,
 * walwriter, checkpointer, ...) and the children that already exited (counted in cutime).
 */
export function clusterCpu(postmasterPid: number): number {
  const root = stat(postmasterPid);
  if (!root) return Number.NaN;
  let total = root.cpu + root.childCpu;
  for (const pid of pids()) {
    const s = stat(pid);
    if (s && s.ppid === postmasterPid) total += s.cpu;
  }
  return total;
}

/** Busy and total CPU seconds of the whole machine (all cores) from /proc/stat. */
export function machineCpu(): { busy: number; total: number } {
  const line = (read("/proc/stat") ?? "").split("\n")[0] ?? "";
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user)
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { busy: (total - idle) / CLK_TCK, total: total / CLK_TCK };
}

/** Resident set size now and its high-water mark, in KiB. */
export function memory(pid: number): { rssKb: number; hwmKb: number } {
  const status = read(`/proc/${pid}/status`) ?? "";
  const kb = (key: string) =>
    Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return { rssKb: kb("VmRSS"), hwmKb: kb("VmHWM") };
}

/** CPU seconds of one process including its waited-for children (utime+stime+cutime+cstime). */
export function processCpuWithChildren(pid: number): number {
  const s = stat(pid);
  return s ? s.cpu + s.childCpu : Number.NaN;
}

/** Selected `Key: N kB` fields of /proc/<pid>/status or /proc/<pid>/smaps_rollup, in KiB. */
export function kbFields(path: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of (read(path) ?? "").matchAll(/^(\w+):\s+(\d+) kB$/gm)) out[m[1] as string] = Number(m[2]);
  return out;
}

/** The 1, 5 and 15 minute load averages. */
export function loadAverage(): string {
  return (read("/proc/loadavg") ?? "").split(" ").slice(0, 3).join(" ");
}
