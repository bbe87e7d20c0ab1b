import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SystemMonitorOptions } from "@custos/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { jsonState } from "../../../test/helpers/test-plugins.ts";
import type { Collected, PluginContext, Sample } from "../types.ts";
import { UnsupportedError } from "../types.ts";
import { plugin } from "./index.ts";

/** A context like the runtime's: state goes through JSON, as it does on disk. */
function testContext(state = new Map<string, string>()): PluginContext {
  return {
    monitorName: "system",
    timeoutMs: 10_000,
    log: { info() {}, warn() {} },
    exec: () => Promise.reject(new Error("the system plugin runs no commands")),
    state: jsonState(state),
  };
}

async function collectOnce(options: Record<string, unknown>, ctx: PluginContext): Promise<Collected> {
  const instance = await plugin.create(SystemMonitorOptions.parse(options), ctx);
  return instance.collect(new AbortController().signal);
}

const find = (collected: Collected, name: string, labels?: Record<string, string>): Sample | undefined =>
  collected.samples.find(
    (sample) =>
      sample.name === name &&
      Object.entries(labels ?? {}).every(([key, value]) => sample.labels?.[key] === value),
  );

describe("system plugin on this machine", () => {
  it("reports sane CPU, memory, load, uptime and root filesystem numbers over two collections", async () => {
    const ctx = testContext();
    const instance = await plugin.create(SystemMonitorOptions.parse({}), ctx);
    const first = await instance.collect(new AbortController().signal);
    // No previous counters yet: no CPU percentage, but everything that needs no delta is there.
    expect(find(first, "cpu.percent")).toBeUndefined();
    expect(find(first, "memory.total_bytes")?.value).toBeGreaterThan(0);

    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = await instance.collect(new AbortController().signal);
    const cpu = find(second, "cpu.percent")?.value;
    expect(cpu).toBeGreaterThanOrEqual(0);
    expect(cpu).toBeLessThanOrEqual(100);
    const cores = second.samples.filter((sample) => sample.name === "cpu.core.percent");
    expect(cores.length).toBeGreaterThan(0);
    for (const core of cores) {
      expect(core.value).toBeGreaterThanOrEqual(0);
      expect(core.value).toBeLessThanOrEqual(100);
    }
    const memoryUsed = find(second, "memory.used_percent")?.value;
    expect(memoryUsed).toBeGreaterThan(0);
    expect(memoryUsed).toBeLessThan(100);
    expect(find(second, "load.1")?.value).toBeGreaterThanOrEqual(0);
    expect(find(second, "uptime.seconds")?.value).toBeGreaterThan(0);
    const root = find(second, "disk.used_percent", { mount: "/" });
    expect(root?.value).toBeGreaterThan(0);
    expect(root?.value).toBeLessThanOrEqual(100);
    expect(second.samples.some((sample) => sample.labels?.iface === "lo")).toBe(false);
    for (const sample of second.samples) {
      expect(sample.name).toMatch(/^[A-Za-z0-9_.:\-/]+$/);
      expect(Number.isFinite(sample.value)).toBe(true);
    }
    expect(second.checks).toHaveLength(1);
    expect(second.checks[0]?.message).toMatch(/fullest disk \/ /);
    expect(second.events ?? []).toEqual([]);
  });

  it("resumes from the counters in state after an agent restart", async () => {
    const state = new Map<string, string>();
    await collectOnce({ metrics: ["cpu"] }, testContext(state));
    await new Promise((resolve) => setTimeout(resolve, 300));
    // A new instance (as after a restart) with the same state reports CPU on its first collection.
    const afterRestart = await collectOnce({ metrics: ["cpu"] }, testContext(state));
    expect(find(afterRestart, "cpu.percent")?.value).toBeGreaterThanOrEqual(0);
  });

  it("collects only the groups listed in metrics", async () => {
    const collected = await collectOnce({ metrics: ["ram", "load"] }, testContext());
    const groups = new Set(collected.samples.map((sample) => sample.name.split(".")[0]));
    expect([...groups].sort()).toEqual(["load", "memory"]);
  });

  it("goes down when the root filesystem is past disk_crit_percent", async () => {
    const collected = await collectOnce(
      { metrics: ["disk"], disk_warn_percent: 0, disk_crit_percent: 0 },
      testContext(),
    );
    expect(collected.checks[0]?.status).toBe("down");
    expect(collected.checks[0]?.message).toMatch(/^disk \/ [\d.]+% full \(limit 0%\)/);
  });
});

describe("system plugin on recorded /proc files", () => {
  let dir: string;
  const fixtures = new URL("./fixtures/", import.meta.url).pathname;

  async function useProc(set: "first" | "later", uptime?: string) {
    const later = set === "later" ? "-2s-later" : "";
    await mkdir(join(dir, "proc", "net"), { recursive: true });
    await copyFile(join(fixtures, `proc-stat${later}.txt`), join(dir, "proc", "stat"));
    await copyFile(join(fixtures, `proc-diskstats${later}.txt`), join(dir, "proc", "diskstats"));
    await copyFile(join(fixtures, `proc-net-dev${later}.txt`), join(dir, "proc", "net", "dev"));
    await copyFile(join(fixtures, "proc-meminfo.txt"), join(dir, "proc", "meminfo"));
    await copyFile(join(fixtures, "proc-loadavg.txt"), join(dir, "proc", "loadavg"));
    await copyFile(join(fixtures, "proc-mounts.txt"), join(dir, "proc", "mounts"));
    if (uptime) await writeFile(join(dir, "proc", "uptime"), uptime);
    else await copyFile(join(fixtures, `proc-uptime${later}.txt`), join(dir, "proc", "uptime"));
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "custos-system-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const options = () => ({
    proc_path: join(dir, "proc"),
    sys_path: join(dir, "sys"),
    metrics: ["cpu", "diskio", "network", "uptime"],
  });

  it("reports rates computed over the uptime elapsed between two collections", async () => {
    await useProc("first");
    const instance = await plugin.create(SystemMonitorOptions.parse(options()), testContext());
    await instance.collect(new AbortController().signal);
    await useProc("later");
    const collected = await instance.collect(new AbortController().signal);
    expect(find(collected, "cpu.percent")?.value).toBe(16.46);
    expect(find(collected, "disk.write_bytes_per_s", { device: "vda" })?.value).toBe(763904);
    // No /sys/block here: loop and zram devices are still recognised by name.
    expect(collected.samples.some((sample) => sample.labels?.device?.startsWith("loop"))).toBe(false);
    expect(find(collected, "net.rx_bytes_per_s", { iface: "eth0" })?.value).toBe(0);
    expect(find(collected, "uptime.seconds")?.value).toBe(1143);
  });

  it("emits a reboot event and says so in the check when uptime goes back", async () => {
    const state = new Map<string, string>();
    await useProc("later");
    await collectOnce(options(), testContext(state));
    await useProc("first", "35.20 60.00\n");
    const collected = await collectOnce(options(), testContext(state));
    expect(collected.events).toEqual([
      expect.objectContaining({
        kind: "reboot",
        message: "rebooted at 2026-11-22T04:15:38Z (the previous boot had been up 19m 4s)",
      }),
    ]);
    expect(collected.events?.[0]?.data).toMatchObject({
      boot_time: "2026-11-22T04:15:38Z",
      uptime_seconds: 35.2,
    });
    expect(collected.checks[0]).toEqual({ status: "ok", message: "rebooted at 2026-11-22T04:15:38Z" });
    // Counters from before the reboot are not mixed with the new ones.
    expect(find(collected, "cpu.percent")).toBeUndefined();
  });

  it("reports the plugin unsupported where there is no procfs", async () => {
    await expect(plugin.create(SystemMonitorOptions.parse(options()), testContext())).rejects.toThrow(
      UnsupportedError,
    );
    await expect(plugin.create(SystemMonitorOptions.parse(options()), testContext())).rejects.toThrow(
      /procfs/,
    );
  });
});

describe("system config", () => {
  it("rejects unknown keys, naming them", () => {
    const result = SystemMonitorOptions.safeParse({ metrics: ["cpu"], disk_warn: 80 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/disk_warn/);
  });

  it("rejects an unknown metric group and a warn threshold above crit", () => {
    expect(SystemMonitorOptions.safeParse({ metrics: ["gpu"] }).success).toBe(false);
    const result = SystemMonitorOptions.safeParse({ disk_warn_percent: 96, disk_crit_percent: 90 });
    expect(result.error?.issues[0]?.path).toEqual(["disk_warn_percent"]);
  });

  it("accepts the seed design's metrics list with ram", () => {
    expect(SystemMonitorOptions.parse({ metrics: ["cpu", "ram", "disk", "network"] }).metrics).toEqual([
      "cpu",
      "memory",
      "disk",
      "network",
    ]);
  });
});
