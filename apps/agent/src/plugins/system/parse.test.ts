import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  parseDiskstats,
  parseLoadavg,
  parseMeminfo,
  parseMounts,
  parseNetDev,
  parseProcStat,
  parseUptime,
} from "./parse.ts";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

describe("parseProcStat", () => {
  it("reads the aggregate line, one entry per core and the boot time", () => {
    const stat = parseProcStat(fixture("proc-stat.txt"));
    expect(stat.total).toEqual({
      user: 6674,
      nice: 0,
      system: 2187,
      idle: 218731,
      iowait: 257,
      irq: 0,
      softirq: 61,
      steal: 2,
    });
    expect(Object.keys(stat.cores)).toEqual(["0", "1"]);
    expect(stat.cores["1"]?.user).toBe(3758);
    expect(stat.bootTime).toBe(1795320938);
  });

  it("rejects text without an aggregate cpu line", () => {
    expect(() => parseProcStat("intr 1 2 3\nbtime 5\n")).toThrow(/no aggregate cpu line/);
  });
});

describe("parseMeminfo", () => {
  it("converts kB to bytes and takes MemAvailable", () => {
    expect(parseMeminfo(fixture("proc-meminfo.txt"))).toEqual({
      totalBytes: 24684096 * 1024,
      availableBytes: 23936388 * 1024,
      swapTotalBytes: 0,
      swapFreeBytes: 0,
    });
  });

  it("estimates available memory from free + buffers + cached on kernels without MemAvailable", () => {
    const old =
      "MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 250 kB\nSwapTotal: 512 kB\nSwapFree: 128 kB\n";
    expect(parseMeminfo(old)).toEqual({
      totalBytes: 1000 * 1024,
      availableBytes: 400 * 1024,
      swapTotalBytes: 512 * 1024,
      swapFreeBytes: 128 * 1024,
    });
  });
});

describe("parseMounts", () => {
  it("lists every mount with its type", () => {
    const mounts = parseMounts(fixture("proc-mounts.txt"));
    expect(mounts.find((mount) => mount.mountPoint === "/")).toMatchObject({
      device: "/dev/vda",
      fsType: "ext4",
    });
    expect(mounts.filter((mount) => mount.fsType === "cgroup")).toHaveLength(9);
  });

  it("decodes the octal escape of a space in a mount point", () => {
    const mounts = parseMounts(fixture("proc-mounts-with-space.txt"));
    expect(mounts.find((mount) => mount.device === "custos-test")?.mountPoint).toBe(
      "/root/custos-scratch/my disk",
    );
  });
});

describe("parseDiskstats", () => {
  it("reads sectors, completed I/Os and busy time per device", () => {
    const disks = parseDiskstats(fixture("proc-diskstats.txt"));
    expect(Object.keys(disks)).toEqual([
      "loop0",
      "loop1",
      "loop2",
      "loop3",
      "loop4",
      "loop5",
      "loop6",
      "loop7",
      "vda",
      "zram0",
    ]);
    expect(disks.vda).toEqual({
      readsCompleted: 22707,
      sectorsRead: 1965378,
      writesCompleted: 18710,
      sectorsWritten: 3523800,
      ioTicksMs: 3356,
    });
  });
});

describe("parseNetDev", () => {
  it("reads byte, packet and error counters per interface and skips the headers", () => {
    const nets = parseNetDev(fixture("proc-net-dev.txt"));
    expect(Object.keys(nets).sort()).toEqual(["eth0", "ifb0", "ifb1", "lo"]);
    expect(nets.eth0).toEqual({
      rxBytes: 415295327,
      rxPackets: 12227,
      rxErrors: 0,
      txBytes: 662747,
      txPackets: 6894,
      txErrors: 0,
    });
  });
});

describe("parseLoadavg and parseUptime", () => {
  it("reads the three load averages", () => {
    expect(parseLoadavg(fixture("proc-loadavg.txt"))).toEqual({ load1: 0.21, load5: 0.17, load15: 0.08 });
  });

  it("reads seconds since boot", () => {
    expect(parseUptime(fixture("proc-uptime.txt"))).toBe(1141.83);
  });

  it("rejects garbage instead of reporting NaN", () => {
    expect(() => parseUptime("")).toThrow(/unreadable/);
    expect(() => parseLoadavg("x y z")).toThrow(/unreadable/);
  });
});
