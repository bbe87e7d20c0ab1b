/**
 * Pure evaluation of the system plugin's readings (data -> verdict): which mounts, disks and
 * interfaces count, CPU percentages and byte rates from two counter snapshots, reboot detection,
 * and the check status from thresholds. The runner (index.ts) reads the files, parse.ts turns
 * their text into the values handed in here.
 */
import { type CheckStatus, formatDuration, OVERVIEW_METRICS, worseStatus } from "@custos/protocol";
import type { CheckOutcome, Sample } from "../types.ts";
import type { CpuTimes, DiskCounters, Mount, NetCounters } from "./parse.ts";

/** Filesystems that hold no user data or are always full (squashfs snaps, ISO images). */
const SKIPPED_FS_TYPES: ReadonlySet<string> = new Set([
  "aufs",
  "autofs",
  "binfmt_misc",
  "bpf",
  "cgroup",
  "cgroup2",
  "configfs",
  "debugfs",
  "devpts",
  "devtmpfs",
  "efivarfs",
  "fuse.gvfsd-fuse",
  "fuse.lxcfs",
  "fuse.portal",
  "fuse.snapfuse",
  "fusectl",
  "hugetlbfs",
  "iso9660",
  "mqueue",
  "nfsd",
  "nsfs",
  "overlay",
  "proc",
  "pstore",
  "ramfs",
  "rpc_pipefs",
  "securityfs",
  "selinuxfs",
  "shiftfs",
  "squashfs",
  "sysfs",
  "tmpfs",
  "tracefs",
]);

/** A mount pattern with `*` wildcards, matched against the whole mount point. */
function mountMatcher(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`);
}

/**
 * Real filesystems to report: one entry per mount point (a later mount hides an earlier one), and
 * one per block device, so a bind mount of / does not report the same disk twice (the shortest
 * mount point wins). Devices that are not paths (tmpfs, "pool/dataset", "server:/export") are
 * separate filesystems even when their names repeat, and are all kept.
 */
export function selectMounts(
  mounts: Mount[],
  options: { ignoreMounts: string[]; includeFsTypes: string[] },
): Mount[] {
  const included = new Set(options.includeFsTypes);
  const ignored = options.ignoreMounts.map(mountMatcher);
  const byMountPoint = new Map<string, Mount>();
  for (const mount of mounts) {
    if (SKIPPED_FS_TYPES.has(mount.fsType) && !included.has(mount.fsType)) continue;
    if (ignored.some((pattern) => pattern.test(mount.mountPoint))) continue;
    byMountPoint.delete(mount.mountPoint);
    byMountPoint.set(mount.mountPoint, mount);
  }
  const byDevice = new Map<string, Mount>();
  const selected: Mount[] = [];
  for (const mount of byMountPoint.values()) {
    if (!mount.device.startsWith("/")) {
      selected.push(mount);
      continue;
    }
    const seen = byDevice.get(mount.device);
    if (!seen || mount.mountPoint.length < seen.mountPoint.length) byDevice.set(mount.device, mount);
  }
  return [...byDevice.values(), ...selected];
}

const VIRTUAL_DISK = /^(loop|ram|zram)\d+$/;
const PARTITION = /^((sd|vd|xvd|hd)[a-z]+\d+|(nvme\d+n\d+|mmcblk\d+)p\d+)$/;

/**
 * Devices to report I/O for. `blockDevices` is the listing of /sys/block (whole disks only);
 * without it, partitions are recognised by name.
 */
export function selectDisks(
  names: string[],
  options: { devices?: string[]; blockDevices?: ReadonlySet<string> },
): string[] {
  if (options.devices) {
    const wanted = new Set(options.devices);
    return names.filter((name) => wanted.has(name));
  }
  return names.filter((name) => {
    if (VIRTUAL_DISK.test(name)) return false;
    if (options.blockDevices) return options.blockDevices.has(name);
    return !PARTITION.test(name);
  });
}

export function selectInterfaces(
  names: string[],
  options: { interfaces?: string[]; ignore: string[] },
): string[] {
  if (options.interfaces) {
    const wanted = new Set(options.interfaces);
    return names.filter((name) => wanted.has(name));
  }
  const ignored = new Set(options.ignore);
  return names.filter((name) => !ignored.has(name));
}

interface CpuUsage {
  percent: number;
  iowaitPercent: number;
  stealPercent: number;
}

function busyAndTotal(times: CpuTimes): { total: number; idle: number } {
  // guest and guest_nice are already included in user and nice.
  const idle = times.idle + times.iowait;
  const total = idle + times.user + times.nice + times.system + times.irq + times.softirq + times.steal;
  return { total, idle };
}

const round2 = (value: number) => Math.round(value * 100) / 100;
const clampPercent = (value: number) => round2(Math.min(100, Math.max(0, value)));

/** CPU use between two readings of the same counters; undefined when they did not advance. */
export function cpuUsage(previous: CpuTimes, current: CpuTimes): CpuUsage | undefined {
  const before = busyAndTotal(previous);
  const after = busyAndTotal(current);
  const total = after.total - before.total;
  const idle = after.idle - before.idle;
  if (!(total > 0) || idle < 0) return undefined;
  return {
    percent: clampPercent((100 * (total - idle)) / total),
    iowaitPercent: clampPercent((100 * (current.iowait - previous.iowait)) / total),
    stealPercent: clampPercent((100 * (current.steal - previous.steal)) / total),
  };
}

/** What the plugin remembers between collections (in ctx.state, so it survives a restart). */
export interface Snapshot {
  /** Wall clock of the reading (ms since the epoch). */
  at: number;
  /** Seconds since boot: the clock for rates, immune to wall-clock steps and agent restarts. */
  uptime: number;
  bootId?: string;
  bootTime?: number;
  cpu?: { total: CpuTimes; cores: Record<string, CpuTimes> };
  disks?: Record<string, DiskCounters>;
  nets?: Record<string, NetCounters>;
}

/** Readings further apart than this are not turned into rates (the agent was stopped meanwhile). */
export const MAX_RATE_GAP_SECONDS = 15 * 60;

/**
 * A reboot happened between two readings when the kernel's boot id changed, or, where there is
 * no boot id, when uptime went back or the boot time moved by more than a minute.
 */
export function detectReboot(previous: Snapshot | undefined, current: Snapshot): boolean {
  if (!previous) return false;
  if (previous.bootId && current.bootId) return previous.bootId !== current.bootId;
  if (current.uptime < previous.uptime) return true;
  if (previous.bootTime !== undefined && current.bootTime !== undefined) {
    return Math.abs(current.bootTime - previous.bootTime) > 60;
  }
  return false;
}

/** Seconds between two readings of the same boot, or undefined when rates would be meaningless. */
export function rateInterval(
  previous: Snapshot | undefined,
  current: Snapshot,
  rebooted: boolean,
): number | undefined {
  if (!previous || rebooted) return undefined;
  const elapsed = current.uptime - previous.uptime;
  if (!(elapsed > 0) || elapsed > MAX_RATE_GAP_SECONDS) return undefined;
  return elapsed;
}

export function cpuSamples(previous: Snapshot["cpu"], current: NonNullable<Snapshot["cpu"]>): Sample[] {
  if (!previous) return [];
  const samples: Sample[] = [];
  const total = cpuUsage(previous.total, current.total);
  if (total) {
    samples.push(
      { name: OVERVIEW_METRICS.cpu, value: total.percent },
      { name: "cpu.iowait_percent", value: total.iowaitPercent },
      { name: "cpu.steal_percent", value: total.stealPercent },
    );
  }
  for (const [core, times] of Object.entries(current.cores)) {
    const before = previous.cores[core];
    const usage = before && cpuUsage(before, times);
    if (usage) samples.push({ name: "cpu.core.percent", value: usage.percent, labels: { core } });
  }
  return samples;
}

/** Per-second increase of a counter; undefined when it went back (counter reset or wrap). */
function perSecond(before: number, after: number, seconds: number): number | undefined {
  const delta = after - before;
  return delta >= 0 ? round2(delta / seconds) : undefined;
}

const SECTOR_BYTES = 512;

export function diskIoSamples(
  previous: Record<string, DiskCounters> | undefined,
  current: Record<string, DiskCounters>,
  devices: string[],
  seconds: number | undefined,
): Sample[] {
  if (!previous || seconds === undefined) return [];
  const samples: Sample[] = [];
  for (const device of devices) {
    const before = previous[device];
    const after = current[device];
    if (!before || !after) continue;
    const labels = { device };
    const rates: [string, number | undefined][] = [
      [
        "disk.read_bytes_per_s",
        perSecond(before.sectorsRead * SECTOR_BYTES, after.sectorsRead * SECTOR_BYTES, seconds),
      ],
      [
        "disk.write_bytes_per_s",
        perSecond(before.sectorsWritten * SECTOR_BYTES, after.sectorsWritten * SECTOR_BYTES, seconds),
      ],
      ["disk.read_ops_per_s", perSecond(before.readsCompleted, after.readsCompleted, seconds)],
      ["disk.write_ops_per_s", perSecond(before.writesCompleted, after.writesCompleted, seconds)],
    ];
    const busyMs = after.ioTicksMs - before.ioTicksMs;
    if (busyMs >= 0) rates.push(["disk.busy_percent", clampPercent(busyMs / (seconds * 10))]);
    for (const [name, value] of rates) if (value !== undefined) samples.push({ name, value, labels });
  }
  return samples;
}

export function netIoSamples(
  previous: Record<string, NetCounters> | undefined,
  current: Record<string, NetCounters>,
  interfaces: string[],
  seconds: number | undefined,
): Sample[] {
  if (!previous || seconds === undefined) return [];
  const samples: Sample[] = [];
  for (const iface of interfaces) {
    const before = previous[iface];
    const after = current[iface];
    if (!before || !after) continue;
    const labels = { iface };
    const rates: [string, number | undefined][] = [
      ["net.rx_bytes_per_s", perSecond(before.rxBytes, after.rxBytes, seconds)],
      ["net.tx_bytes_per_s", perSecond(before.txBytes, after.txBytes, seconds)],
      ["net.rx_packets_per_s", perSecond(before.rxPackets, after.rxPackets, seconds)],
      ["net.tx_packets_per_s", perSecond(before.txPackets, after.txPackets, seconds)],
      [
        "net.errors_per_s",
        perSecond(before.rxErrors + before.txErrors, after.rxErrors + after.txErrors, seconds),
      ],
    ];
    for (const [name, value] of rates) if (value !== undefined) samples.push({ name, value, labels });
  }
  return samples;
}

export function memorySamples(memory: { totalBytes: number; availableBytes: number }): Sample[] {
  const used = Math.max(0, memory.totalBytes - memory.availableBytes);
  return [
    {
      name: OVERVIEW_METRICS.memory,
      value: memory.totalBytes > 0 ? clampPercent((100 * used) / memory.totalBytes) : 0,
    },
    { name: "memory.used_bytes", value: used },
    { name: "memory.available_bytes", value: memory.availableBytes },
    { name: "memory.total_bytes", value: memory.totalBytes },
  ];
}

export function swapSamples(swap: { swapTotalBytes: number; swapFreeBytes: number }): Sample[] {
  const used = Math.max(0, swap.swapTotalBytes - swap.swapFreeBytes);
  const samples: Sample[] = [
    { name: "swap.used_bytes", value: used },
    { name: "swap.total_bytes", value: swap.swapTotalBytes },
  ];
  // No swap configured: a percentage would be meaningless.
  if (swap.swapTotalBytes > 0) {
    samples.unshift({ name: "swap.used_percent", value: clampPercent((100 * used) / swap.swapTotalBytes) });
  }
  return samples;
}

/** The numbers node's fs.statfs returns (all counts in blocks of `bsize` bytes). */
export interface FsStats {
  bsize: number;
  blocks: number;
  bfree: number;
  bavail: number;
  files: number;
  ffree: number;
}

interface FsUsage {
  usedPercent: number;
  usedBytes: number;
  freeBytes: number;
  totalBytes: number;
  inodesUsedPercent?: number;
}

/** Usage as `df` shows it: used / (used + available to unprivileged users). */
export function fsUsage(stats: FsStats): FsUsage | undefined {
  if (!(stats.blocks > 0)) return undefined;
  const usedBlocks = stats.blocks - stats.bfree;
  const visible = usedBlocks + stats.bavail;
  const usage: FsUsage = {
    usedPercent: visible > 0 ? clampPercent((100 * usedBlocks) / visible) : 0,
    usedBytes: usedBlocks * stats.bsize,
    freeBytes: stats.bavail * stats.bsize,
    totalBytes: stats.blocks * stats.bsize,
  };
  if (stats.files > 0)
    usage.inodesUsedPercent = clampPercent((100 * (stats.files - stats.ffree)) / stats.files);
  return usage;
}

export function fsSamples(mount: string, usage: FsUsage): Sample[] {
  const labels = { mount };
  const samples: Sample[] = [
    { name: OVERVIEW_METRICS.disk, value: usage.usedPercent, labels },
    { name: "disk.used_bytes", value: usage.usedBytes, labels },
    { name: "disk.free_bytes", value: usage.freeBytes, labels },
    { name: "disk.total_bytes", value: usage.totalBytes, labels },
  ];
  if (usage.inodesUsedPercent !== undefined) {
    samples.push({ name: "disk.inodes_used_percent", value: usage.inodesUsedPercent, labels });
  }
  return samples;
}

export interface Thresholds {
  disk_warn_percent: number;
  disk_crit_percent: number;
  memory_warn_percent: number;
  memory_crit_percent: number;
  cpu_warn_percent?: number;
  cpu_crit_percent?: number;
}

export interface Readings {
  cpuPercent?: number;
  memoryUsedPercent?: number;
  disks: { mount: string; usedPercent: number; inodesUsedPercent?: number }[];
  /** Mounts whose statfs did not answer in time (a hung network share). */
  unresponsiveMounts: string[];
  /** "rebooted at ..." when this collection noticed a reboot. */
  rebootMessage?: string;
}

function level(value: number, warn: number | undefined, crit: number | undefined): CheckStatus {
  if (crit !== undefined && value >= crit) return "down";
  if (warn !== undefined && value >= warn) return "degraded";
  return "ok";
}

const pct = (value: number) => `${Math.round(value * 10) / 10}%`;

/** The one check result: the worst of the thresholds, with every breach named in the message. */
export function evaluate(readings: Readings, thresholds: Thresholds): CheckOutcome {
  let status: CheckStatus = "ok";
  const problems: string[] = [];
  const raise = (next: CheckStatus, message: string) => {
    status = worseStatus(status, next);
    problems.push(message);
  };

  for (const disk of readings.disks) {
    const diskLevel = level(disk.usedPercent, thresholds.disk_warn_percent, thresholds.disk_crit_percent);
    if (diskLevel !== "ok") {
      const limit = diskLevel === "down" ? thresholds.disk_crit_percent : thresholds.disk_warn_percent;
      raise(diskLevel, `disk ${disk.mount} ${pct(disk.usedPercent)} full (limit ${limit}%)`);
    }
    if (disk.inodesUsedPercent !== undefined) {
      const inodeLevel = level(
        disk.inodesUsedPercent,
        thresholds.disk_warn_percent,
        thresholds.disk_crit_percent,
      );
      if (inodeLevel !== "ok")
        raise(inodeLevel, `disk ${disk.mount} inodes ${pct(disk.inodesUsedPercent)} used`);
    }
  }
  for (const mount of readings.unresponsiveMounts) raise("degraded", `disk ${mount} not responding`);
  if (readings.memoryUsedPercent !== undefined) {
    const memoryLevel = level(
      readings.memoryUsedPercent,
      thresholds.memory_warn_percent,
      thresholds.memory_crit_percent,
    );
    if (memoryLevel !== "ok") {
      const limit = memoryLevel === "down" ? thresholds.memory_crit_percent : thresholds.memory_warn_percent;
      raise(memoryLevel, `memory ${pct(readings.memoryUsedPercent)} used (limit ${limit}%)`);
    }
  }
  if (readings.cpuPercent !== undefined) {
    const cpuLevel = level(readings.cpuPercent, thresholds.cpu_warn_percent, thresholds.cpu_crit_percent);
    if (cpuLevel !== "ok") {
      const limit = cpuLevel === "down" ? thresholds.cpu_crit_percent : thresholds.cpu_warn_percent;
      raise(cpuLevel, `cpu ${pct(readings.cpuPercent)} busy (limit ${limit}%)`);
    }
  }

  const parts: string[] = [];
  if (readings.rebootMessage) parts.push(readings.rebootMessage);
  if (problems.length > 0) {
    parts.push(...problems);
  } else {
    const summary: string[] = [];
    if (readings.cpuPercent !== undefined) summary.push(`cpu ${pct(readings.cpuPercent)}`);
    if (readings.memoryUsedPercent !== undefined) summary.push(`memory ${pct(readings.memoryUsedPercent)}`);
    const fullest = [...readings.disks].sort((a, b) => b.usedPercent - a.usedPercent)[0];
    if (fullest) summary.push(`fullest disk ${fullest.mount} ${pct(fullest.usedPercent)}`);
    if (summary.length > 0) parts.push(summary.join(", "));
  }
  return { status, message: parts.length > 0 ? parts.join("; ") : "ok" };
}

/** The reboot event and the message the check carries in the same cycle. */
export function rebootEvent(
  previous: Snapshot,
  current: Snapshot,
): { kind: string; message: string; data: Record<string, unknown> } {
  const bootTimeMs =
    current.bootTime !== undefined ? current.bootTime * 1000 : current.at - current.uptime * 1000;
  const bootedAt = new Date(bootTimeMs).toISOString().replace(/\.\d{3}Z$/, "Z");
  const data: Record<string, unknown> = {
    boot_time: bootedAt,
    uptime_seconds: current.uptime,
    previous_uptime_seconds: previous.uptime,
    last_seen_before_reboot: new Date(previous.at).toISOString(),
  };
  if (previous.bootId) data.previous_boot_id = previous.bootId;
  if (current.bootId) data.boot_id = current.bootId;
  return {
    kind: "reboot",
    message: `rebooted at ${bootedAt} (the previous boot had been up ${formatDuration(previous.uptime * 1000)})`,
    data,
  };
}
