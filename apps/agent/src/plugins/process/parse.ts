/**
 * Pure parsers for what the process plugin reads: /proc/PID/stat, /proc/PID/status,
 * /proc/PID/cmdline, a pid file, a cgroup's cgroup.procs and `systemctl show`. None of them
 * touches the file system.
 */
import { parseShow } from "../systemd/parse.ts";

export interface ProcStat {
  pid: number;
  /** /proc/PID/comm: the name the process goes by, at most 15 bytes, any characters. */
  comm: string;
  /** One letter: R running, S sleeping, D disk wait, Z zombie, T stopped, I idle kernel thread, X dead. */
  state: string;
  ppid: number;
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
  threads: number;
  /** When the process started, in clock ticks after boot. */
  startTicks: number;
  /** Resident set size in pages. */
  rssPages: number;
}

/**
 * /proc/PID/stat: `pid (comm) state ppid ...`. comm is whatever the program calls itself, spaces
 * and parentheses included ("2009 (my (odd) app)) S 1 ..."), so it ends at the LAST ")".
 */
export function parseStat(text: string): ProcStat {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open)
    throw new Error(`unreadable /proc/PID/stat: ${JSON.stringify(text.slice(0, 80))}`);
  const fields = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  // fields[0] is field 3 of proc_pid_stat(5), the state: field N is fields[N - 3].
  const field = (n: number, name: string) => {
    const value = Number(fields[n - 3]);
    if (fields[n - 3] === undefined || !Number.isFinite(value)) {
      throw new Error(`/proc/PID/stat has no ${name} (field ${n})`);
    }
    return value;
  };
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: fields[0] ?? "",
    ppid: field(4, "ppid"),
    cpuTicks: field(14, "utime") + field(15, "stime"),
    threads: field(20, "num_threads"),
    startTicks: field(22, "starttime"),
    rssPages: field(24, "rss"),
  };
}

/** A zombie has exited and only waits for its parent to collect it: nothing is running. */
export function isRunning(stat: ProcStat): boolean {
  return stat.state !== "Z" && stat.state !== "X";
}

interface ProcStatus {
  /** Real user id: whose process it is. */
  uid?: number;
  /** VmRSS; zombies and kernel threads have none. */
  rssBytes?: number;
}

/** /proc/PID/status: `Key:<tab>value` lines; sizes are in kB (KiB, really). */
export function parseStatus(text: string): ProcStatus {
  const status: ProcStatus = {};
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const key = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    if (key === "Uid") {
      const uid = Number(value.split(/\s+/)[0]);
      if (Number.isInteger(uid)) status.uid = uid;
    } else if (key === "VmRSS") {
      const match = /^(\d+)\s*kB$/.exec(value);
      if (match) status.rssBytes = Number(match[1]) * 1024;
    }
  }
  return status;
}

/** /proc/PID/cmdline: arguments separated (and ended) by NUL; empty for kernel threads and zombies. */
export function parseCmdline(text: string): string[] {
  const args = text.split("\0");
  if (args.at(-1) === "") args.pop();
  return args;
}

/** A pid file: the pid on its first line. undefined when the file holds no pid. */
export function parsePidFile(text: string): number | undefined {
  const first = text.split("\n")[0]?.trim() ?? "";
  if (!/^\d{1,10}$/.test(first)) return undefined;
  const pid = Number(first);
  return pid > 0 ? pid : undefined;
}

/** cgroup.procs: one pid per line. */
export function parseCgroupProcs(text: string): number[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => /^\d+$/.test(line))
    .map(Number);
}

/** What `systemctl show --property=` says about one unit. */
export interface UnitState {
  /** 0 while the unit has no main process. */
  mainPid: number;
  /** Path below the cgroup root, e.g. /system.slice/nginx.service; empty while the unit is stopped. */
  controlGroup: string;
  activeState: string;
  subState: string;
  /** NRestarts: automatic restarts since the unit was started by hand (systemd 235 and later). */
  restarts?: number;
}

/** The properties the runner asks for. */
export const UNIT_PROPERTIES = ["MainPID", "ControlGroup", "ActiveState", "SubState", "NRestarts"] as const;

/** One unit's `systemctl show --property=MainPID,ControlGroup,ActiveState,SubState,NRestarts` output. */
export function parseUnitState(text: string): UnitState {
  const props = parseShow(text)[0] ?? {};
  if (props.ActiveState === undefined) throw new Error("systemctl show printed no ActiveState");
  const mainPid = Number(props.MainPID);
  const restarts = props.NRestarts ? Number(props.NRestarts) : Number.NaN;
  return {
    mainPid: Number.isInteger(mainPid) && mainPid > 0 ? mainPid : 0,
    controlGroup: props.ControlGroup ?? "",
    activeState: props.ActiveState,
    subState: props.SubState ?? "",
    ...(Number.isInteger(restarts) ? { restarts } : {}),
  };
}
