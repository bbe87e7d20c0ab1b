import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseUptime } from "../system/parse.ts";
import {
  type CpuSnapshot,
  cpuPercent,
  cpuSnapshot,
  detectRestart,
  evaluate,
  formatBytes,
  type Limits,
  type Measured,
  mainProcess,
  matchesCmdline,
  matchesName,
  processSamples,
  summarize,
} from "./evaluate.ts";
import { parseCmdline, parseStat, parseStatus } from "./parse.ts";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "fixtures", name), "utf8");

/** A process as the runner measures it, from recorded stat and status files. */
function measuredFrom(statFile: string, statusFile: string): Measured {
  const stat = parseStat(fixture(statFile));
  return {
    pid: stat.pid,
    startTicks: stat.startTicks,
    cpuTicks: stat.cpuTicks,
    threads: stat.threads,
    rssBytes: parseStatus(fixture(statusFile)).rssBytes ?? 0,
    openFds: 21,
  };
}

const busy = measuredFrom("node-busy.stat.txt", "node-busy.status.txt");
const busyLater = measuredFrom("node-busy-2s-later.stat.txt", "node-busy.status.txt");
const odd = measuredFrom("odd-comm.stat.txt", "odd-comm.status.txt");
const busyUptime = parseUptime(fixture("node-busy.uptime.txt"));
const laterUptime = parseUptime(fixture("node-busy-2s-later.uptime.txt"));

describe("matching by process_name", () => {
  const nodeArgs = parseCmdline(fixture("node-busy.cmdline.bin"));
  const oddArgs = parseCmdline(fixture("odd-comm.cmdline.bin"));

  it.each([
    { name: "my (odd) app)", comm: "my (odd) app)", args: oddArgs, matches: true },
    // node renames its main thread: comm is MainThread, argv[0] still says node
    { name: "node", comm: "MainThread", args: nodeArgs, matches: true },
    { name: "MainThread", comm: "MainThread", args: nodeArgs, matches: true },
    { name: "nginx", comm: "MainThread", args: nodeArgs, matches: false },
    // comm keeps 15 bytes; argv[0] has the whole name
    {
      name: "systemd-journald",
      comm: "systemd-journal",
      args: ["/lib/systemd/systemd-journald"],
      matches: true,
    },
    {
      name: "systemd-journald-other",
      comm: "systemd-journal",
      args: ["/lib/systemd/systemd-journald"],
      matches: false,
    },
    // without a command line (kernel thread), the cut-short comm is all there is
    { name: "kworker-with-a-long-name", comm: "kworker-with-a-", args: [], matches: true },
    { name: "sleep", comm: "kthreadd", args: [], matches: false },
  ])("$name against comm $comm and argv[0] $args.0: $matches", ({ name, comm, args, matches }) => {
    expect(matchesName(name, comm, args)).toBe(matches);
  });
});

describe("matching by cmdline", () => {
  const nodeArgs = parseCmdline(fixture("node-busy.cmdline.bin"));
  it.each([
    [/custos-fixture-busy/, nodeArgs, true],
    [/-e for\(;;\)\{\}/, nodeArgs, true], // arguments joined by spaces
    [/^node -e/, nodeArgs, true],
    [/custos-fixture-idle/, nodeArgs, false],
    [/.*/, [], false], // kernel threads and zombies have no command line
  ])("%s against %j: %s", (pattern, args, matches) => {
    expect(matchesCmdline(pattern, args)).toBe(matches);
  });
});

describe("CPU use between two readings", () => {
  const before = cpuSnapshot(busyUptime, [busy]);
  const after = cpuSnapshot(laterUptime, [busyLater]);

  it("is 100% of a core for the recorded busy loop (200 ticks in 2.00 s)", () => {
    expect(cpuPercent(before, after, 100)).toBe(100);
  });

  it("has no value on the first collection", () => {
    expect(cpuPercent(undefined, after, 100)).toBeUndefined();
  });

  it.each([
    ["readings 16 minutes apart", { ...after, uptime: busyUptime + 16 * 60 }],
    ["a reboot in between (uptime went back)", { ...after, uptime: 10 }],
    ["no time passed", { ...after, uptime: busyUptime }],
  ])("has no value for %s", (_, current: CpuSnapshot) => {
    expect(cpuPercent(before, current, 100)).toBeUndefined();
  });

  it("counts all CPU time of a process that started within the interval", () => {
    const newcomer: Measured = { ...odd, pid: 4000, startTicks: busyUptime * 100 + 50, cpuTicks: 30 };
    expect(cpuPercent(before, cpuSnapshot(laterUptime, [busyLater, newcomer]), 100)).toBe(115);
  });

  it("leaves out a process seen for the first time that is older than the interval", () => {
    expect(cpuPercent(before, cpuSnapshot(laterUptime, [busyLater, { ...odd, cpuTicks: 5000 }]), 100)).toBe(
      100,
    );
  });

  it("takes a reused pid for a new process, not for a counter that went down", () => {
    const reused: Measured = { ...busyLater, startTicks: busyUptime * 100 + 10, cpuTicks: 20 };
    expect(cpuPercent(before, cpuSnapshot(laterUptime, [reused]), 100)).toBe(10);
  });

  it("follows the clock tick rate", () => {
    expect(cpuPercent(before, after, 250)).toBe(40);
  });
});

describe("restarts", () => {
  const main = { pid: 2075, start: 1217902 };
  it.each([
    { case: "first collection", previous: undefined, now: main, restart: undefined },
    { case: "same process", previous: { pids: [2075], main }, now: main, restart: undefined },
    {
      case: "another pid",
      previous: { pids: [2075], main },
      now: { pid: 2099, start: 1218500 },
      restart: { from: 2075, to: 2099 },
    },
    {
      case: "same pid, started again (pid reused)",
      previous: { pids: [2075], main },
      now: { pid: 2075, start: 1300000 },
      restart: { from: 2075, to: 2075 },
    },
    {
      case: "back after being down (nothing ran last time)",
      previous: { pids: [] },
      now: main,
      restart: undefined,
    },
    { case: "now down", previous: { pids: [2075], main }, now: undefined, restart: undefined },
    {
      case: "the oldest of two died, the other one was running already",
      previous: { pids: [2075, 2099], main },
      now: { pid: 2099, start: 1218500 },
      restart: undefined,
    },
  ])("$case: $restart", ({ previous, now, restart }) => {
    expect(detectRestart(previous, now)).toEqual(restart);
  });

  it("takes the given main pid, else the oldest process (lowest pid on a tie)", () => {
    const twin: Measured = { ...busy, pid: 3000 };
    expect(mainProcess([busy, odd], busy.pid)).toEqual({ pid: 2075, start: 1217902 });
    expect(mainProcess([busy, odd])).toEqual({ pid: 2009, start: 1216933 });
    expect(mainProcess([twin, busy])).toEqual({ pid: 2075, start: 1217902 });
    expect(mainProcess([busy, odd], 9999)).toEqual({ pid: 2009, start: 1216933 });
    expect(mainProcess([])).toBeUndefined();
  });
});

describe("summary and samples", () => {
  it("sums memory, threads and descriptors and takes the uptime of the oldest", () => {
    const summary = summarize([busyLater, odd], { uptime: laterUptime, clockTicks: 100, cpuPercent: 100 });
    expect(summary).toEqual({
      count: 2,
      cpuPercent: 100,
      rssBytes: (50148 + 1820) * 1024,
      threads: 8,
      openFds: 42,
      // odd-comm started at 12169.33 s after boot, read at 12182.03
      uptimeSeconds: 12,
    });
  });

  it("leaves the descriptor count out when one process's could not be read", () => {
    const { openFds: _, ...unreadable } = odd;
    expect(summarize([busy, unreadable], { uptime: busyUptime, clockTicks: 100 }).openFds).toBeUndefined();
  });

  it("reports count and restarts only when nothing runs", () => {
    const samples = processSamples(
      summarize([], { uptime: 1, clockTicks: 100 }),
      { restartsTotal: 2 },
      { process: "p" },
    );
    expect(samples.map((s) => [s.name, s.value])).toEqual([
      ["process.count", 0],
      ["process.restarts_total", 2],
    ]);
  });

  it("names every metric, labelled with the monitor", () => {
    const summary = summarize([busyLater], { uptime: laterUptime, clockTicks: 100, cpuPercent: 100 });
    const samples = processSamples(summary, { restartsTotal: 0, unitRestarts: 3 }, { process: "web" });
    expect(samples.map((s) => [s.name, s.value])).toEqual([
      ["process.count", 1],
      ["process.cpu_percent", 100],
      ["process.rss_bytes", 50148 * 1024],
      ["process.threads", 7],
      ["process.open_fds", 21],
      ["process.uptime_seconds", 3],
      ["process.restarts_total", 0],
      ["process.unit_restarts", 3],
    ]);
    expect(new Set(samples.map((s) => JSON.stringify(s.labels)))).toEqual(new Set(['{"process":"web"}']));
  });
});

describe("check status", () => {
  const one = summarize([busyLater], {
    uptime: laterUptime,
    clockTicks: 100,
    cpuPercent: 100,
    mainPid: 2075,
  });
  const none = summarize([], { uptime: laterUptime, clockTicks: 100 });
  const limits: Limits = { min: 1 };
  const target = { label: "cmdline /custos-fixture-busy/" };

  it.each([
    {
      case: "one process within limits",
      summary: one,
      limits,
      target,
      status: "ok",
      message: "running (pid 2075), cpu 100%, memory 49.0 MiB, up 3s",
    },
    {
      case: "nothing matches",
      summary: none,
      limits,
      target,
      status: "down",
      message: "no process matches cmdline /custos-fixture-busy/",
    },
    {
      case: "a stale pid file",
      summary: none,
      limits,
      target: {
        label: "pid file /run/x.pid",
        absent: "pid 2075 from /run/x.pid is not running (stale pid file)",
      },
      status: "down",
      message: "pid 2075 from /run/x.pid is not running (stale pid file)",
    },
    {
      case: "nothing running and min 0",
      summary: none,
      limits: { min: 0 },
      target,
      status: "ok",
      message: "no process matches cmdline /custos-fixture-busy/, which min: 0 allows",
    },
    {
      case: "fewer than min",
      summary: one,
      limits: { min: 2 },
      target,
      status: "down",
      message: "1 process matches cmdline /custos-fixture-busy/, expected at least 2",
    },
    {
      case: "more than max",
      summary: { ...one, count: 3 },
      limits: { min: 1, max: 2 },
      target,
      status: "down",
      message: "3 processes match cmdline /custos-fixture-busy/, expected at most 2",
    },
    {
      case: "cpu over warn",
      summary: one,
      limits: { min: 1, cpu_warn_percent: 80, cpu_crit_percent: 150 },
      target,
      status: "degraded",
      message: "cpu 100%, 20 points over the 80% limit",
    },
    {
      case: "cpu over crit",
      summary: one,
      limits: { min: 1, cpu_warn_percent: 50, cpu_crit_percent: 90 },
      target,
      status: "down",
      message: "cpu 100%, 10 points over the 90% limit",
    },
    {
      case: "memory over warn",
      summary: one,
      limits: { min: 1, memory_warn_bytes: 32 * 1024 * 1024 },
      target,
      status: "degraded",
      message: "memory 49.0 MiB, 17.0 MiB over the 32.0 MiB limit",
    },
    {
      case: "memory over crit and cpu over warn",
      summary: one,
      limits: { min: 1, cpu_warn_percent: 80, memory_crit_bytes: 48 * 1024 * 1024 },
      target,
      status: "down",
      message: "cpu 100%, 20 points over the 80% limit; memory 49.0 MiB, 996.0 KiB over the 48.0 MiB limit",
    },
    {
      case: "a unit that is not active",
      summary: none,
      limits,
      target: { label: "systemd unit flaky.service", down: "flaky.service is activating (auto-restart)" },
      status: "down",
      message: "flaky.service is activating (auto-restart)",
    },
  ])("$case: $status", ({ summary, limits, target, status, message }) => {
    expect(evaluate(summary, limits, target)).toEqual({ status, message });
  });

  it("judges no CPU threshold on the first collection", () => {
    const first = summarize([busy], { uptime: busyUptime, clockTicks: 100, mainPid: 2075 });
    expect(evaluate(first, { min: 1, cpu_crit_percent: 1 }, target).status).toBe("ok");
  });
});

it.each([
  [512, "512 B"],
  [1536, "1.5 KiB"],
  [536_870_912, "512.0 MiB"],
  [3 * 1024 ** 3, "3.0 GiB"],
])("writes %i bytes as %s", (bytes, text) => {
  expect(formatBytes(bytes)).toBe(text);
});
