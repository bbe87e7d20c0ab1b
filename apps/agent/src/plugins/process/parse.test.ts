import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  isRunning,
  parseCgroupProcs,
  parseCmdline,
  parsePidFile,
  parseStat,
  parseStatus,
  parseUnitState,
} from "./parse.ts";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "fixtures", name), "utf8");

describe("reading recorded /proc/PID/stat", () => {
  it.each([
    {
      file: "odd-comm.stat.txt",
      expected: {
        pid: 2009,
        comm: "my (odd) app)",
        state: "S",
        ppid: 1,
        cpuTicks: 0,
        threads: 1,
        startTicks: 1216933,
        rssPages: 411,
      },
    },
    {
      file: "zombie.stat.txt",
      expected: { pid: 2050, comm: "my (odd) app)", state: "Z", ppid: 2048, rssPages: 0 },
    },
    { file: "kthreadd.stat.txt", expected: { pid: 2, comm: "kthreadd", state: "S", ppid: 0, startTicks: 9 } },
    {
      file: "node-busy.stat.txt",
      expected: { pid: 2075, comm: "MainThread", state: "R", cpuTicks: 99, threads: 7, startTicks: 1217902 },
    },
    { file: "node-busy-2s-later.stat.txt", expected: { pid: 2075, cpuTicks: 299, rssPages: 12461 } },
  ])("reads $file, ending comm at the last ')'", ({ file, expected }) => {
    expect(parseStat(fixture(file))).toMatchObject(expected);
  });

  it("treats a zombie as not running and a sleeping process as running", () => {
    expect(isRunning(parseStat(fixture("zombie.stat.txt")))).toBe(false);
    expect(isRunning(parseStat(fixture("odd-comm.stat.txt")))).toBe(true);
  });

  it.each([
    ["a line cut after the state", "2009 (my (odd) app)) S 1 2003", /no utime \(field 14\)/],
    ["no comm at all", "2009 S 1", /unreadable \/proc\/PID\/stat/],
    ["an empty file", "", /unreadable/],
  ])("refuses %s, naming what is missing", (_, text, error) => {
    expect(() => parseStat(text)).toThrow(error);
  });
});

describe("reading recorded /proc/PID/status", () => {
  it.each([
    { file: "odd-comm.status.txt", expected: { uid: 0, rssBytes: 1820 * 1024 } },
    { file: "node-busy.status.txt", expected: { uid: 0, rssBytes: 50148 * 1024 } },
    // Zombies and kernel threads have no memory: no Vm* lines at all.
    { file: "zombie.status.txt", expected: { uid: 0 } },
    { file: "kthreadd.status.txt", expected: { uid: 0 } },
  ])("reads the owner and VmRSS of $file", ({ file, expected }) => {
    expect(parseStatus(fixture(file))).toEqual(expected);
  });
});

describe("command lines", () => {
  it.each([
    ["node-busy.cmdline.bin", ["node", "-e", "for(;;){}", "custos-fixture-busy"]],
    ["odd-comm.cmdline.bin", ["/tmp/pcap/my (odd) app)", "300"]],
  ])("splits %s at NUL bytes", (file, args) => {
    expect(parseCmdline(fixture(file))).toEqual(args);
  });

  it("gives no arguments for a kernel thread's empty cmdline", () => {
    expect(parseCmdline("")).toEqual([]);
  });
});

it.each([
  ["1234\n", 1234],
  ["  42  ", 42],
  ["817\nsecond line\n", 817],
  ["", undefined],
  ["garbage", undefined],
  ["12a", undefined],
  ["-5", undefined],
  ["0\n", undefined],
])("reads pid file content %j as %s", (text, pid) => {
  expect(parsePidFile(text)).toBe(pid);
});

it("reads the pids of cgroup.procs, one per line", () => {
  expect(parseCgroupProcs("2353\n2360\n")).toEqual([2353, 2360]);
  expect(parseCgroupProcs("")).toEqual([]);
});

describe("reading recorded systemctl show output", () => {
  it("reads MainPID, ControlGroup, states and NRestarts of a running unit", () => {
    expect(parseUnitState(fixture("systemctl-show-hello-world.txt"))).toEqual({
      mainPid: 2353,
      controlGroup: "/system.slice/hello-world.service",
      activeState: "active",
      subState: "running",
      restarts: 0,
    });
  });

  it("copes with missing MainPID and ControlGroup (a unit waiting to restart)", () => {
    expect(parseUnitState(fixture("systemctl-show-auto-restart.txt"))).toEqual({
      mainPid: 0,
      controlGroup: "",
      activeState: "activating",
      subState: "auto-restart",
      restarts: 10,
    });
  });

  it("leaves NRestarts out when systemd does not report it (before 235)", () => {
    expect(parseUnitState("MainPID=0\nControlGroup=\nActiveState=inactive\nSubState=dead\n")).toEqual({
      mainPid: 0,
      controlGroup: "",
      activeState: "inactive",
      subState: "dead",
    });
  });

  it("refuses output without ActiveState", () => {
    expect(() => parseUnitState("")).toThrow(/no ActiveState/);
  });
});
