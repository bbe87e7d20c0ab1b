/**
 * Pure parsers for the Linux procfs files the system plugin reads. Each takes the file's text
 * and returns plain numbers; none of them touches the file system.
 */

/** Jiffies per CPU state, in /proc/stat column order. */
export interface CpuTimes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
}

export interface ProcStat {
  total: CpuTimes;
  /** Keyed by core number as written in the file ("0", "1", ...). */
  cores: Record<string, CpuTimes>;
  /** Boot time, seconds since the epoch (the `btime` line). */
  bootTime?: number;
}

const CPU_FIELDS = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"] as const;

function toNumbers(fields: string[]): number[] {
  return fields.map((field) => Number(field));
}

/** /proc/stat: the aggregate `cpu` line, one `cpuN` line per core, and `btime`. */
export function parseProcStat(text: string): ProcStat {
  let total: CpuTimes | undefined;
  const cores: Record<string, CpuTimes> = {};
  let bootTime: number | undefined;
  for (const line of text.split("\n")) {
    const fields = line.trim().split(/\s+/);
    const key = fields[0];
    if (key === undefined) continue;
    if (key.startsWith("cpu")) {
      const values = toNumbers(fields.slice(1));
      const times = {} as CpuTimes;
      CPU_FIELDS.forEach((name, index) => {
        const value = values[index];
        times[name] = value !== undefined && Number.isFinite(value) ? value : 0;
      });
      if (key === "cpu") total = times;
      else cores[key.slice(3)] = times;
    } else if (key === "btime") {
      const value = Number(fields[1]);
      if (Number.isFinite(value)) bootTime = value;
    }
  }
  if (!total) throw new Error("no aggregate cpu line in /proc/stat");
  return bootTime === undefined ? { total, cores } : { total, cores, bootTime };
}

interface Meminfo {
  totalBytes: number;
  availableBytes: number;
  swapTotalBytes: number;
  swapFreeBytes: number;
}

/** /proc/meminfo (values in kB). Kernels before 3.14 have no MemAvailable: free + buffers + cached then. */
export function parseMeminfo(text: string): Meminfo {
  const kb: Record<string, number> = {};
  for (const line of text.split("\n")) {
    const match = /^([A-Za-z0-9_()]+):\s+(\d+)/.exec(line);
    if (match?.[1] && match[2]) kb[match[1]] = Number(match[2]);
  }
  const total = kb.MemTotal;
  if (total === undefined) throw new Error("no MemTotal in /proc/meminfo");
  const available = kb.MemAvailable ?? (kb.MemFree ?? 0) + (kb.Buffers ?? 0) + (kb.Cached ?? 0);
  return {
    totalBytes: total * 1024,
    availableBytes: available * 1024,
    swapTotalBytes: (kb.SwapTotal ?? 0) * 1024,
    swapFreeBytes: (kb.SwapFree ?? 0) * 1024,
  };
}

export interface Mount {
  device: string;
  mountPoint: string;
  fsType: string;
  options: string[];
}

/** /proc/mounts escapes space, tab, newline and backslash as octal (\040, \011, \012, \134). */
function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

/** /proc/mounts (or /proc/self/mounts): one mount per line. */
export function parseMounts(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split("\n")) {
    const [device, mountPoint, fsType, options] = line.trim().split(/\s+/);
    if (!device || !mountPoint || !fsType) continue;
    mounts.push({
      device: unescapeMountField(device),
      mountPoint: unescapeMountField(mountPoint),
      fsType,
      options: (options ?? "").split(","),
    });
  }
  return mounts;
}

export interface DiskCounters {
  readsCompleted: number;
  sectorsRead: number;
  writesCompleted: number;
  sectorsWritten: number;
  /** Milliseconds the device had I/O in flight (field 13: io_ticks). */
  ioTicksMs: number;
}

/** /proc/diskstats: major minor name, then the counters (Documentation/admin-guide/iostats.rst). */
export function parseDiskstats(text: string): Record<string, DiskCounters> {
  const disks: Record<string, DiskCounters> = {};
  for (const line of text.split("\n")) {
    const fields = line.trim().split(/\s+/);
    const name = fields[2];
    if (!name || fields.length < 14) continue;
    const value = (index: number) => Number(fields[index]);
    disks[name] = {
      readsCompleted: value(3),
      sectorsRead: value(5),
      writesCompleted: value(7),
      sectorsWritten: value(9),
      ioTicksMs: value(12),
    };
  }
  return disks;
}

export interface NetCounters {
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
}

/** /proc/net/dev: two header lines, then `iface: 8 receive columns, 8 transmit columns`. */
export function parseNetDev(text: string): Record<string, NetCounters> {
  const interfaces: Record<string, NetCounters> = {};
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const values = toNumbers(
      line
        .slice(colon + 1)
        .trim()
        .split(/\s+/),
    );
    if (!name || values.length < 16 || values.some((value) => !Number.isFinite(value))) continue;
    const at = (index: number) => values[index] ?? 0;
    interfaces[name] = {
      rxBytes: at(0),
      rxPackets: at(1),
      rxErrors: at(2),
      txBytes: at(8),
      txPackets: at(9),
      txErrors: at(10),
    };
  }
  return interfaces;
}

/** /proc/loadavg: "0.02 0.09 0.04 1/91 5331". */
export function parseLoadavg(text: string): { load1: number; load5: number; load15: number } {
  const match = /^\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)/.exec(text);
  if (!match) throw new Error(`unreadable /proc/loadavg: ${JSON.stringify(text.slice(0, 80))}`);
  return { load1: Number(match[1]), load5: Number(match[2]), load15: Number(match[3]) };
}

/** /proc/uptime: seconds since boot (CLOCK_BOOTTIME), then idle seconds summed over cores. */
export function parseUptime(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s/.exec(text);
  if (!match) throw new Error(`unreadable /proc/uptime: ${JSON.stringify(text.slice(0, 80))}`);
  return Number(match[1]);
}
