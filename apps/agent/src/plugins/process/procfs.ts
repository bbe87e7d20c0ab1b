/**
 * Reading processes from procfs. A process can end between any two reads, so every reader answers
 * undefined for a vanished process instead of failing the whole collection.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Measured } from "./evaluate.ts";
import { type ProcStat, parseCmdline, parseStat, parseStatus } from "./parse.ts";

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException).code ?? "";
/** ESRCH: the process ended after its file was opened. */
const vanished = (error: unknown) => ["ENOENT", "ESRCH"].includes(errorCode(error));

async function readProcFile(proc: string, pid: number, file: string): Promise<string | undefined> {
  try {
    return await readFile(join(proc, String(pid), file), "utf8");
  } catch (error) {
    if (vanished(error)) return undefined;
    throw error;
  }
}

/** Every pid in procfs; a hardened agent (ProtectProc=invisible) sees only its own user's. */
export async function listPids(proc: string): Promise<number[]> {
  return (await readdir(proc)).filter((entry) => /^\d+$/.test(entry)).map(Number);
}

export async function readStat(proc: string, pid: number): Promise<ProcStat | undefined> {
  const text = await readProcFile(proc, pid, "stat");
  return text === undefined ? undefined : parseStat(text);
}

/** The arguments; [] when they may not be read or the process is gone. */
export async function readArgs(proc: string, pid: number): Promise<string[]> {
  try {
    return parseCmdline((await readProcFile(proc, pid, "cmdline")) ?? "");
  } catch {
    return [];
  }
}

/**
 * Open descriptors: the entries of /proc/PID/fd. Only the process's owner (or root) may list them,
 * so another user's process answers "denied" and the caller leaves the figure out.
 */
async function countFds(proc: string, pid: number): Promise<number | "denied" | undefined> {
  try {
    return (await readdir(join(proc, String(pid), "fd"))).length;
  } catch (error) {
    if (vanished(error)) return undefined;
    if (["EACCES", "EPERM"].includes(errorCode(error))) return "denied";
    throw error;
  }
}

export interface Measurement {
  process: Measured;
  /** Set when the descriptors could not be counted: whose process it is. */
  fdsDenied?: { uid?: number };
}

/** Memory (VmRSS, else stat's rss pages) and descriptors of a process whose stat was read. */
export async function measure(
  proc: string,
  stat: ProcStat,
  pageSize: number,
): Promise<Measurement | undefined> {
  const [statusText, fds] = await Promise.all([
    readProcFile(proc, stat.pid, "status"),
    countFds(proc, stat.pid),
  ]);
  if (statusText === undefined || fds === undefined) return undefined;
  const status = parseStatus(statusText);
  const process: Measured = {
    pid: stat.pid,
    startTicks: stat.startTicks,
    cpuTicks: stat.cpuTicks,
    threads: stat.threads,
    rssBytes: status.rssBytes ?? stat.rssPages * pageSize,
  };
  if (fds !== "denied") {
    process.openFds = fds;
    return { process };
  }
  return { process, fdsDenied: status.uid === undefined ? {} : { uid: status.uid } };
}
