/**
 * process: is a program running, how many copies, and what it costs (CPU, memory, threads, open
 * files, uptime), with its restarts counted across agent restarts. Processes are picked by name,
 * command line, pid file or systemd unit (find.ts); everything else is read from procfs.
 */
import { readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { ProcessMonitorOptions } from "@custos/protocol";
import { parseUptime } from "../system/parse.ts";
import type { Collected, PluginContext } from "../types.ts";
import { definePlugin, UnsupportedError } from "../types.ts";
import {
  cpuPercent,
  cpuSnapshot,
  detectRestart,
  evaluate,
  mainProcess,
  type Previous,
  processSamples,
  summarize,
} from "./evaluate.ts";
import { findProcesses } from "./find.ts";
import { measure } from "./procfs.ts";

const PREVIOUS_KEY = "previous";
const RESTARTS_KEY = "restarts_total";

interface HostFacts {
  /** USER_HZ, the unit of the CPU times in /proc/PID/stat. */
  clockTicks: number;
  pageSize: number;
}

/**
 * Asked once per monitor. The fallbacks hold on every mainstream Linux (USER_HZ is 100 on all of
 * them); the page size only matters for processes without VmRSS.
 */
async function hostFacts(ctx: PluginContext): Promise<HostFacts> {
  const getconf = async (name: string, fallback: number) => {
    try {
      const result = await ctx.exec("getconf", [name], { timeoutMs: Math.min(ctx.timeoutMs, 2_000) });
      const value = Number(result.stdout.trim());
      if (result.code === 0 && Number.isInteger(value) && value > 0) return value;
    } catch {
      // no getconf (a minimal container): the fallback
    }
    return fallback;
  };
  const [clockTicks, pageSize] = await Promise.all([getconf("CLK_TCK", 100), getconf("PAGESIZE", 4096)]);
  return { clockTicks, pageSize };
}

async function collectProcess(
  config: ProcessMonitorOptions,
  ctx: PluginContext,
  facts: HostFacts,
  pattern: RegExp | undefined,
  warned: Set<string>,
  signal: AbortSignal,
): Promise<Collected> {
  const uptime = parseUptime(await readFile(join(config.proc_path, "uptime"), "utf8"));
  const found = await findProcesses(config, ctx, pattern);
  signal.throwIfAborted();
  const measured = await Promise.all(
    found.stats.map((stat) => measure(config.proc_path, stat, facts.pageSize)),
  );
  const measurements = measured.filter((m) => m !== undefined);
  const processes = measurements.map((m) => m.process);

  const denied = measurements.find((m) => m.fdsDenied);
  if (denied && !warned.has("fds")) {
    // Say it once: it stays true for as long as the agent runs as another user.
    warned.add("fds");
    ctx.log.warn("cannot count the open files of another user's process; process.open_fds is left out", {
      pid: denied.process.pid,
      uid: denied.fdsDenied?.uid,
    });
  }

  const previous = ctx.state.get<Previous>(PREVIOUS_KEY);
  const cpu = cpuSnapshot(uptime, processes);
  const main = mainProcess(processes, found.mainPid);
  const restart = detectRestart(previous, main);
  let restartsTotal = ctx.state.get<number>(RESTARTS_KEY) ?? 0;
  const events: NonNullable<Collected["events"]> = [];
  if (restart) {
    restartsTotal += 1;
    ctx.state.set(RESTARTS_KEY, restartsTotal);
    events.push({
      kind: "process_restarted",
      message: `restarted (pid ${restart.from} → ${restart.to})`,
      data: { previous_pid: restart.from, pid: restart.to, restarts_total: restartsTotal },
    });
  }
  const next: Previous = { pids: processes.map((p) => p.pid).sort((a, b) => a - b), cpu };
  if (main) next.main = main;
  ctx.state.set(PREVIOUS_KEY, next);

  const percent = cpuPercent(previous?.cpu, cpu, facts.clockTicks);
  const summary = summarize(processes, {
    uptime,
    clockTicks: facts.clockTicks,
    ...(percent === undefined ? {} : { cpuPercent: percent }),
    ...(main ? { mainPid: main.pid } : {}),
  });
  const samples = processSamples(
    summary,
    {
      restartsTotal,
      ...(found.unitRestarts === undefined ? {} : { unitRestarts: found.unitRestarts }),
    },
    { process: ctx.monitorName },
  );
  const verdict = evaluate(summary, config, found.target);
  if (restart) verdict.message = `${events[0]?.message}; ${verdict.message}`;
  return { samples, checks: [verdict], ...(events.length > 0 ? { events } : {}) };
}

/** `process:nginx`, `process:nginx.service`, `process:myapp` (from /run/myapp.pid); cmdline monitors want a name. */
function defaultName(config: ProcessMonitorOptions): string {
  if (config.process_name !== undefined) return `process:${config.process_name}`;
  if (config.systemd_unit !== undefined) return `process:${config.systemd_unit}`;
  if (config.pid_file !== undefined) return `process:${basename(config.pid_file).replace(/\.pid$/, "")}`;
  return "process:cmdline";
}

export const plugin = definePlugin({
  type: "process",
  configSchema: ProcessMonitorOptions,
  defaultIntervalMs: 30_000,
  defaultName,
  async create(config, ctx) {
    const uptimePath = join(config.proc_path, "uptime");
    try {
      parseUptime(await readFile(uptimePath, "utf8"));
    } catch {
      throw new UnsupportedError(
        `the process plugin reads the Linux procfs, and ${uptimePath} is not readable here`,
      );
    }
    const pattern = config.cmdline === undefined ? undefined : new RegExp(config.cmdline);
    const warned = new Set<string>();
    let facts: Promise<HostFacts> | undefined;
    return {
      async collect(signal) {
        facts ??= hostFacts(ctx);
        return collectProcess(config, ctx, await facts, pattern, warned, signal);
      },
    };
  },
});
