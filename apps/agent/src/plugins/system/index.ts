/**
 * system: CPU, load, memory, swap, filesystems, disk and network I/O, uptime and reboots, read
 * straight from /proc and statfs (no systeminformation: it costs tens of MB of RSS).
 */
import { readdir, readFile, statfs } from "node:fs/promises";
import { join } from "node:path";
import { OVERVIEW_METRICS, SystemMonitorOptions } from "@custos/protocol";
import type { Collected, PluginContext, Sample } from "../types.ts";
import { definePlugin, UnsupportedError } from "../types.ts";
import {
  cpuSamples,
  detectReboot,
  diskIoSamples,
  evaluate,
  type FsStats,
  fsSamples,
  fsUsage,
  memorySamples,
  netIoSamples,
  type Readings,
  rateInterval,
  rebootEvent,
  type Snapshot,
  selectDisks,
  selectInterfaces,
  selectMounts,
  swapSamples,
} from "./evaluate.ts";
import {
  parseDiskstats,
  parseLoadavg,
  parseMeminfo,
  parseMounts,
  parseNetDev,
  parseProcStat,
  parseUptime,
} from "./parse.ts";

const STATE_KEY = "previous";
/** A statfs slower than this marks the mount as not responding (a hung NFS/CIFS share). */
const STATFS_TIMEOUT_MS = 2_000;

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * statfs on a dead network share blocks a libuv thread until the share answers. Keep at most one
 * call per mount in flight: a mount whose previous call still hangs is reported, not asked again.
 */
class StatfsGuard {
  readonly #pending = new Map<string, Promise<FsStats>>();

  async stat(path: string, timeoutMs: number): Promise<FsStats | "timeout"> {
    let pending = this.#pending.get(path);
    if (!pending) {
      const call = statfs(path);
      pending = call;
      this.#pending.set(path, call);
      const forget = () => this.#pending.delete(path);
      call.then(forget, forget);
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    try {
      return await Promise.race([pending, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

async function collectSystem(
  config: SystemMonitorOptions,
  ctx: PluginContext,
  guard: StatfsGuard,
  warned: Set<string>,
  signal: AbortSignal,
): Promise<Collected> {
  const groups = new Set(config.metrics);
  const proc = (...parts: string[]) => join(config.proc_path, ...parts);

  const [statText, uptimeText, bootIdText] = await Promise.all([
    readFile(proc("stat"), "utf8"),
    readFile(proc("uptime"), "utf8"),
    readOptional(proc("sys", "kernel", "random", "boot_id")),
  ]);
  const stat = parseProcStat(statText);
  const current: Snapshot = { at: Date.now(), uptime: parseUptime(uptimeText) };
  const bootId = bootIdText?.trim();
  if (bootId) current.bootId = bootId;
  if (stat.bootTime !== undefined) current.bootTime = stat.bootTime;

  const previous = ctx.state.get<Snapshot>(STATE_KEY);
  const rebooted = detectReboot(previous, current);
  const seconds = rateInterval(previous, current, rebooted);
  const samples: Sample[] = [];
  const readings: Readings = { disks: [], unresponsiveMounts: [] };

  if (groups.has("cpu")) {
    current.cpu = { total: stat.total, cores: stat.cores };
    if (seconds !== undefined) {
      const cpu = cpuSamples(previous?.cpu, current.cpu);
      samples.push(...cpu);
      readings.cpuPercent = cpu.find((sample) => sample.name === OVERVIEW_METRICS.cpu)?.value;
    }
  }
  if (groups.has("load")) {
    const load = parseLoadavg(await readFile(proc("loadavg"), "utf8"));
    samples.push(
      { name: OVERVIEW_METRICS.load1, value: load.load1 },
      { name: "load.5", value: load.load5 },
      { name: "load.15", value: load.load15 },
    );
  }
  if (groups.has("memory") || groups.has("swap")) {
    const memory = parseMeminfo(await readFile(proc("meminfo"), "utf8"));
    if (groups.has("memory")) {
      const memoryValues = memorySamples(memory);
      samples.push(...memoryValues);
      readings.memoryUsedPercent = memoryValues[0]?.value;
    }
    if (groups.has("swap")) samples.push(...swapSamples(memory));
  }
  if (groups.has("diskio")) {
    const disks = parseDiskstats(await readFile(proc("diskstats"), "utf8"));
    current.disks = disks;
    const blockListing = await readdir(join(config.sys_path, "block")).catch(() => undefined);
    const devices = selectDisks(Object.keys(disks), {
      ...(config.disk_devices ? { devices: config.disk_devices } : {}),
      ...(blockListing ? { blockDevices: new Set(blockListing) } : {}),
    });
    samples.push(...diskIoSamples(previous?.disks, disks, devices, seconds));
  }
  if (groups.has("network")) {
    const nets = parseNetDev(await readFile(proc("net", "dev"), "utf8"));
    current.nets = nets;
    const interfaces = selectInterfaces(Object.keys(nets), {
      ...(config.interfaces ? { interfaces: config.interfaces } : {}),
      ignore: config.ignore_interfaces,
    });
    samples.push(...netIoSamples(previous?.nets, nets, interfaces, seconds));
  }
  if (groups.has("uptime")) samples.push({ name: "uptime.seconds", value: Math.floor(current.uptime) });
  if (groups.has("disk")) {
    signal.throwIfAborted();
    const mounts = selectMounts(parseMounts(await readFile(proc("mounts"), "utf8")), {
      ignoreMounts: config.ignore_mounts,
      includeFsTypes: config.include_fs_types,
    });
    const timeoutMs = Math.min(STATFS_TIMEOUT_MS, Math.max(100, ctx.timeoutMs / 2));
    const results = await Promise.all(
      mounts.map(async (mount) => {
        try {
          return { mount, stats: await guard.stat(mount.mountPoint, timeoutMs) };
        } catch (error) {
          // A mount we may not read (EACCES) or one that vanished: say so once, not every cycle.
          if (!warned.has(mount.mountPoint)) {
            warned.add(mount.mountPoint);
            ctx.log.warn("cannot read filesystem usage", { mount: mount.mountPoint, error: String(error) });
          }
          return { mount, stats: undefined };
        }
      }),
    );
    for (const { mount, stats } of results) {
      if (stats === "timeout") {
        readings.unresponsiveMounts.push(mount.mountPoint);
        continue;
      }
      const usage = stats && fsUsage(stats);
      if (!usage) continue;
      samples.push(...fsSamples(mount.mountPoint, usage));
      readings.disks.push({
        mount: mount.mountPoint,
        usedPercent: usage.usedPercent,
        ...(usage.inodesUsedPercent !== undefined ? { inodesUsedPercent: usage.inodesUsedPercent } : {}),
      });
    }
  }

  const collected: Collected = { samples, checks: [] };
  if (rebooted && previous) {
    const event = rebootEvent(previous, current);
    collected.events = [event];
    readings.rebootMessage = event.message.replace(/ \(.*\)$/, "");
  }
  collected.checks.push(evaluate(readings, config));
  ctx.state.set(STATE_KEY, current);
  return collected;
}

export const plugin = definePlugin({
  type: "system",
  configSchema: SystemMonitorOptions,
  defaultIntervalMs: 30_000,
  defaultName: () => "system",
  async create(config, ctx) {
    const statPath = join(config.proc_path, "stat");
    try {
      parseProcStat(await readFile(statPath, "utf8"));
    } catch {
      throw new UnsupportedError(
        `the system plugin reads the Linux procfs, and ${statPath} is not readable here`,
      );
    }
    const guard = new StatfsGuard();
    const warned = new Set<string>();
    return { collect: (signal) => collectSystem(config, ctx, guard, warned, signal) };
  },
});
