import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  cpuSamples,
  detectReboot,
  diskIoSamples,
  evaluate,
  fsUsage,
  MAX_RATE_GAP_SECONDS,
  memorySamples,
  netIoSamples,
  rateInterval,
  type Snapshot,
  selectDisks,
  selectInterfaces,
  selectMounts,
  swapSamples,
} from "./evaluate.ts";
import { parseDiskstats, parseMounts, parseNetDev, parseProcStat } from "./parse.ts";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const thresholds = {
  disk_warn_percent: 85,
  disk_crit_percent: 95,
  memory_warn_percent: 90,
  memory_crit_percent: 95,
};

describe("selectMounts", () => {
  const mounts = parseMounts(fixture("proc-mounts.txt"));

  it("keeps real filesystems and skips proc, sysfs, tmpfs, cgroup and the like", () => {
    expect(
      selectMounts(mounts, { ignoreMounts: [], includeFsTypes: [] }).map((mount) => mount.mountPoint),
    ).toEqual(["/"]);
  });

  it("reports a bind mount of the same disk once, under its shortest mount point", () => {
    // The fixture has /dev/vda on / and again on /run/netns (iproute2 bind-mounts that directory).
    expect(mounts.filter((mount) => mount.device === "/dev/vda").map((mount) => mount.mountPoint)).toEqual([
      "/",
      "/run/netns",
    ]);
    const selected = selectMounts(mounts, { ignoreMounts: [], includeFsTypes: [] });
    expect(selected.filter((mount) => mount.device === "/dev/vda").map((mount) => mount.mountPoint)).toEqual([
      "/",
    ]);
  });

  it("reports a skipped type when include_fs_types names it, once per mount point", () => {
    const selected = selectMounts(mounts, { ignoreMounts: [], includeFsTypes: ["tmpfs"] });
    expect(selected.map((mount) => mount.mountPoint).sort()).toEqual([
      "/",
      "/dev/shm",
      "/mnt/sandboxing/model_tools_env/v1/python",
      "/sys/fs/cgroup",
    ]);
  });

  it("leaves out mounts matching ignore_mounts, with * as a wildcard", () => {
    const selected = selectMounts(mounts, {
      ignoreMounts: ["/mnt/*", "/dev/shm"],
      includeFsTypes: ["tmpfs"],
    });
    expect(selected.map((mount) => mount.mountPoint).sort()).toEqual(["/", "/sys/fs/cgroup"]);
  });
});

describe("selectDisks and selectInterfaces", () => {
  const names = [
    "loop0",
    "ram0",
    "zram0",
    "sda",
    "sda1",
    "nvme0n1",
    "nvme0n1p2",
    "mmcblk0p1",
    "dm-0",
    "md0",
    "vda",
  ];

  it("keeps whole disks and drops partitions, loop, ram and zram devices by name", () => {
    expect(selectDisks(names, {})).toEqual(["sda", "nvme0n1", "dm-0", "md0", "vda"]);
  });

  it("trusts the /sys/block listing over names when it is available", () => {
    const blockDevices = new Set(["loop0", "zram0", "sda", "nvme0n1", "vda"]);
    expect(selectDisks(names, { blockDevices })).toEqual(["sda", "nvme0n1", "vda"]);
  });

  it("reports exactly the configured devices, partitions included", () => {
    expect(selectDisks(names, { devices: ["sda1", "loop0"] })).toEqual(["loop0", "sda1"]);
  });

  it("skips lo by default and honours an explicit interface list", () => {
    const ifaces = Object.keys(parseNetDev(fixture("proc-net-dev.txt")));
    expect(selectInterfaces(ifaces, { ignore: ["lo"] }).sort()).toEqual(["eth0", "ifb0", "ifb1"]);
    expect(selectInterfaces(ifaces, { interfaces: ["lo"], ignore: ["lo"] })).toEqual(["lo"]);
  });
});

describe("CPU, disk and network rates from two readings 2 s apart", () => {
  const before = parseProcStat(fixture("proc-stat.txt"));
  const after = parseProcStat(fixture("proc-stat-2s-later.txt"));

  it("computes total and per-core CPU percent from the jiffy deltas", () => {
    const samples = cpuSamples(before, after);
    const value = (name: string, core?: string) =>
      samples.find((sample) => sample.name === name && sample.labels?.core === core)?.value;
    // total: 401 jiffies, 335 of them idle or iowait -> 66 busy.
    expect(value("cpu.percent")).toBe(16.46);
    expect(value("cpu.iowait_percent")).toBe(0);
    expect(value("cpu.core.percent", "0")).toBe(15.2);
    expect(value("cpu.core.percent", "1")).toBe(18.18);
  });

  it("reports nothing for CPU on the first reading", () => {
    expect(cpuSamples(undefined, after)).toEqual([]);
  });

  it("turns sector counts into bytes per second (512-byte sectors)", () => {
    const samples = diskIoSamples(
      parseDiskstats(fixture("proc-diskstats.txt")),
      parseDiskstats(fixture("proc-diskstats-2s-later.txt")),
      ["vda"],
      2,
    );
    expect(Object.fromEntries(samples.map((sample) => [sample.name, sample.value]))).toEqual({
      "disk.read_bytes_per_s": (328 * 512) / 2,
      "disk.write_bytes_per_s": (2984 * 512) / 2,
      "disk.read_ops_per_s": 20.5,
      "disk.write_ops_per_s": 38.5,
      "disk.busy_percent": 0,
    });
    expect(samples.every((sample) => sample.labels?.device === "vda")).toBe(true);
  });

  it("skips a counter that went back instead of reporting a negative rate", () => {
    const later = parseNetDev(fixture("proc-net-dev.txt"));
    const reset = structuredClone(later);
    const eth0 = reset.eth0;
    if (!eth0) throw new Error("fixture has eth0");
    eth0.rxBytes = 10;
    eth0.txBytes = 662747 + 2000;
    const samples = netIoSamples(later, reset, ["eth0"], 2);
    expect(samples.find((sample) => sample.name === "net.rx_bytes_per_s")).toBeUndefined();
    expect(samples.find((sample) => sample.name === "net.tx_bytes_per_s")?.value).toBe(1000);
  });
});

describe("reboot detection", () => {
  const base: Snapshot = { at: 1_000_000, uptime: 5000, bootTime: 1795320938 };

  it("reports a reboot when uptime goes back", () => {
    expect(detectReboot(base, { at: 2_000_000, uptime: 40 })).toBe(true);
  });

  it("reports a reboot when the boot id changes even if uptime is now higher", () => {
    const previous = { ...base, bootId: "a" };
    expect(detectReboot(previous, { at: 9_000_000, uptime: 8000, bootId: "b" })).toBe(true);
  });

  it("does not report a reboot for the same boot id when a VM snapshot rewinds uptime", () => {
    expect(detectReboot({ ...base, bootId: "a" }, { at: 2_000_000, uptime: 10, bootId: "a" })).toBe(false);
  });

  it("falls back to the boot time from /proc/stat when there is no boot id", () => {
    expect(detectReboot(base, { at: 9_000_000, uptime: 9000, bootTime: base.bootTime ?? 0 })).toBe(false);
    expect(detectReboot(base, { at: 9_000_000, uptime: 9000, bootTime: (base.bootTime ?? 0) + 3600 })).toBe(
      true,
    );
  });

  it("never reports a reboot on the very first reading", () => {
    expect(detectReboot(undefined, base)).toBe(false);
  });

  it("computes no rates across a reboot or after a long gap", () => {
    const later: Snapshot = { at: 0, uptime: base.uptime + 30 };
    expect(rateInterval(base, later, false)).toBe(30);
    expect(rateInterval(base, later, true)).toBeUndefined();
    expect(
      rateInterval(base, { at: 0, uptime: base.uptime + MAX_RATE_GAP_SECONDS + 1 }, false),
    ).toBeUndefined();
  });
});

describe("memory, swap and filesystem usage", () => {
  it("counts memory as used = total - available", () => {
    const samples = memorySamples({ totalBytes: 1000, availableBytes: 250 });
    expect(samples).toContainEqual({ name: "memory.used_percent", value: 75 });
    expect(samples).toContainEqual({ name: "memory.used_bytes", value: 750 });
  });

  it("reports swap percent only when swap exists", () => {
    expect(swapSamples({ swapTotalBytes: 0, swapFreeBytes: 0 }).map((sample) => sample.name)).toEqual([
      "swap.used_bytes",
      "swap.total_bytes",
    ]);
    expect(swapSamples({ swapTotalBytes: 400, swapFreeBytes: 100 })[0]).toEqual({
      name: "swap.used_percent",
      value: 75,
    });
  });

  it("computes use the way df does, leaving out blocks reserved for root", () => {
    // 1000 blocks, 100 free of which 50 are reserved: df shows 900 / (900 + 50) = 94.74 %.
    const usage = fsUsage({ bsize: 4096, blocks: 1000, bfree: 100, bavail: 50, files: 100, ffree: 25 });
    expect(usage).toEqual({
      usedPercent: 94.74,
      usedBytes: 900 * 4096,
      freeBytes: 50 * 4096,
      totalBytes: 1000 * 4096,
      inodesUsedPercent: 75,
    });
    expect(fsUsage({ bsize: 4096, blocks: 0, bfree: 0, bavail: 0, files: 0, ffree: 0 })).toBeUndefined();
  });
});

describe("evaluate", () => {
  it("is ok with a short summary when nothing crosses a threshold", () => {
    const outcome = evaluate(
      {
        cpuPercent: 12.34,
        memoryUsedPercent: 40,
        disks: [{ mount: "/", usedPercent: 50 }],
        unresponsiveMounts: [],
      },
      thresholds,
    );
    expect(outcome).toEqual({ status: "ok", message: "cpu 12.3%, memory 40%, fullest disk / 50%" });
  });

  it("is degraded past disk_warn_percent and down past disk_crit_percent, naming the mount", () => {
    const degraded = evaluate(
      { disks: [{ mount: "/data", usedPercent: 86 }], unresponsiveMounts: [] },
      thresholds,
    );
    expect(degraded).toEqual({ status: "degraded", message: "disk /data 86% full (limit 85%)" });
    const down = evaluate(
      {
        disks: [
          { mount: "/data", usedPercent: 86 },
          { mount: "/", usedPercent: 97 },
        ],
        unresponsiveMounts: [],
      },
      thresholds,
    );
    expect(down.status).toBe("down");
    expect(down.message).toBe("disk /data 86% full (limit 85%); disk / 97% full (limit 95%)");
  });

  it("is down when memory crosses memory_crit_percent", () => {
    const outcome = evaluate({ memoryUsedPercent: 96, disks: [], unresponsiveMounts: [] }, thresholds);
    expect(outcome).toEqual({ status: "down", message: "memory 96% used (limit 95%)" });
  });

  it("ignores CPU unless CPU thresholds are configured", () => {
    const readings = { cpuPercent: 99, disks: [], unresponsiveMounts: [] };
    expect(evaluate(readings, thresholds).status).toBe("ok");
    expect(evaluate(readings, { ...thresholds, cpu_warn_percent: 90 }).status).toBe("degraded");
  });

  it("is degraded when a mount does not answer statfs", () => {
    const outcome = evaluate({ disks: [], unresponsiveMounts: ["/mnt/nas"] }, thresholds);
    expect(outcome).toEqual({ status: "degraded", message: "disk /mnt/nas not responding" });
  });

  it("puts the reboot first in the message and keeps the status from the thresholds", () => {
    const outcome = evaluate(
      {
        memoryUsedPercent: 10,
        disks: [],
        unresponsiveMounts: [],
        rebootMessage: "rebooted at 2026-11-22T04:15:38Z",
      },
      thresholds,
    );
    expect(outcome).toEqual({ status: "ok", message: "rebooted at 2026-11-22T04:15:38Z; memory 10%" });
  });
});
