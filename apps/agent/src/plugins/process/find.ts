/**
 * Which processes a monitor watches: a scan of procfs for `process_name` and `cmdline`, the pid in
 * a `pid_file`, or the pids in a `systemd_unit`'s cgroup. Zombies and the agent itself never count.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ProcessMonitorOptions } from "@custos/protocol";
import { NO_SYSTEMD, unitName } from "../systemd/parse.ts";
import type { ExecResult, PluginContext } from "../types.ts";
import { UnsupportedError } from "../types.ts";
import { matchesCmdline, matchesName, type Target } from "./evaluate.ts";
import {
  isRunning,
  type ProcStat,
  parseCgroupProcs,
  parsePidFile,
  parseUnitState,
  UNIT_PROPERTIES,
  type UnitState,
} from "./parse.ts";
import { listPids, readArgs, readStat } from "./procfs.ts";

export interface Found {
  /** stat of every matched, running process. */
  stats: ProcStat[];
  /** The unit's MainPID or the pid file's pid: the process whose replacement is a restart. */
  mainPid?: number;
  target: Target;
  /** systemd's NRestarts, for `systemd_unit`. */
  unitRestarts?: number;
}

const isOwnPid = (pid: number) => pid === process.pid;

async function runningStats(proc: string, pids: number[]): Promise<ProcStat[]> {
  const stats = await Promise.all(pids.filter((pid) => !isOwnPid(pid)).map((pid) => readStat(proc, pid)));
  return stats.filter((stat): stat is ProcStat => stat !== undefined && isRunning(stat));
}

/** Every running process for which `keep` says yes; the arguments are read only when asked for. */
async function scan(
  proc: string,
  keep: (stat: ProcStat, args: () => Promise<string[]>) => boolean | Promise<boolean>,
): Promise<ProcStat[]> {
  const stats = await runningStats(proc, await listPids(proc));
  const kept = await Promise.all(stats.map((stat) => keep(stat, () => readArgs(proc, stat.pid))));
  return stats.filter((_, index) => kept[index]);
}

async function byPidFile(proc: string, path: string): Promise<Found> {
  const label = `pid file ${path}`;
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const absent =
      (error as NodeJS.ErrnoException).code === "ENOENT"
        ? `pid file ${path} does not exist`
        : `cannot read pid file ${path}: ${(error as Error).message}`;
    return { stats: [], target: { label, absent } };
  }
  const pid = parsePidFile(text);
  if (pid === undefined) {
    const content = JSON.stringify(text.trim().slice(0, 40));
    return { stats: [], target: { label, absent: `pid file ${path} holds no pid (${content})` } };
  }
  const stats = await runningStats(proc, [pid]);
  if (stats.length === 0) {
    return { stats, target: { label, absent: `pid ${pid} from ${path} is not running (stale pid file)` } };
  }
  return { stats, mainPid: pid, target: { label } };
}

/** The unit's processes: cgroup v2 first, then systemd's own hierarchy on cgroup v1 hosts, else MainPID. */
async function unitPids(cgroupRoot: string, unit: UnitState): Promise<number[]> {
  const fallback = unit.mainPid > 0 ? [unit.mainPid] : [];
  if (!unit.controlGroup) return fallback;
  for (const base of [cgroupRoot, join(cgroupRoot, "systemd")]) {
    try {
      return parseCgroupProcs(await readFile(join(base, unit.controlGroup, "cgroup.procs"), "utf8"));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  return fallback;
}

async function bySystemdUnit(
  config: ProcessMonitorOptions,
  ctx: PluginContext,
  name: string,
): Promise<Found> {
  const unit = unitName(name);
  const label = `systemd unit ${unit}`;
  let result: ExecResult;
  try {
    result = await ctx.exec("systemctl", ["show", `--property=${UNIT_PROPERTIES.join(",")}`, "--", unit], {
      timeoutMs: ctx.timeoutMs,
    });
  } catch (error) {
    if (error instanceof UnsupportedError)
      throw new UnsupportedError(`${error.message}; systemd_unit needs systemd`);
    return { stats: [], target: { label, down: `systemctl show ${unit}: ${(error as Error).message}` } };
  }
  if (result.code !== 0) {
    if (NO_SYSTEMD.test(result.stderr)) {
      throw new UnsupportedError(`systemd is not running here: ${result.stderr.trim().split("\n")[0]}`);
    }
    const reason = result.stderr.trim() || `exit ${result.code}`;
    return { stats: [], target: { label, down: `systemctl show ${unit} failed: ${reason}` } };
  }
  const state = parseUnitState(result.stdout);
  const found: Found = {
    stats: await runningStats(config.proc_path, await unitPids(config.cgroup_root, state)),
    target: { label },
  };
  if (state.mainPid > 0) found.mainPid = state.mainPid;
  if (state.restarts !== undefined) found.unitRestarts = state.restarts;
  if (state.activeState !== "active")
    found.target.down = `${unit} is ${state.activeState} (${state.subState})`;
  return found;
}

export async function findProcesses(
  config: ProcessMonitorOptions,
  ctx: PluginContext,
  pattern: RegExp | undefined,
): Promise<Found> {
  const proc = config.proc_path;
  if (config.pid_file !== undefined) return byPidFile(proc, config.pid_file);
  if (config.systemd_unit !== undefined) return bySystemdUnit(config, ctx, config.systemd_unit);
  if (pattern) {
    const stats = await scan(proc, async (_, args) => matchesCmdline(pattern, await args()));
    return { stats, target: { label: `cmdline /${pattern.source}/` } };
  }
  const name = config.process_name ?? "";
  // comm is in stat already; the arguments are read only for processes whose comm differs.
  const stats = await scan(
    proc,
    async (stat, args) => stat.comm === name || matchesName(name, stat.comm, await args()),
  );
  return { stats, target: { label: `process_name ${name}` } };
}
