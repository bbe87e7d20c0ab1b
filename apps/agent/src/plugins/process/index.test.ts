import { type ChildProcess, execFile, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import type { Collected, ExecResult, PluginContext } from "../types.ts";
import { UnsupportedError } from "../types.ts";
import { type TestContext, testContext } from "../ups/test-context.ts";
import { plugin } from "./index.ts";

/** Whether user `nobody` can execute `binary` and read `file` (the kernel decides). */
function nobodyCanRun(binary: string, file: string): boolean {
  const as = { uid: 65534, gid: 65534, stdio: "ignore" as const };
  return (
    spawnSync("test", ["-x", binary], as).status === 0 && spawnSync("test", ["-r", file], as).status === 0
  );
}

const fixtures = join(import.meta.dirname, "fixtures");
const signal = () => new AbortController().signal;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Unique per test run, so `cmdline` matches only the children started here. */
const marker = `custos-process-test-${process.pid}-${Date.now()}`;
const children = new Set<ChildProcess>();
const tempDirs: string[] = [];

/**
 * A real node process whose command line carries `marker-<tag>`: idle, or a spinner that says
 * "ready" once started (its start-up CPU is spent), then idles until sent a number of ms, spins
 * until it has used that much CPU time and answers "done".
 */
async function startChild(
  tag: string,
  kind: "idle" | "spinner" = "idle",
): Promise<ChildProcess & { pid: number }> {
  const code =
    kind === "spinner"
      ? "process.on('message',(ms)=>{const t=process.cpuUsage();for(;;){const u=process.cpuUsage(t);if(u.user+u.system>=ms*1e3)break}process.send('done')});process.send('ready')"
      : "setInterval(()=>{},1000)";
  const child = spawn(process.execPath, ["-e", code, `${marker}-${tag}`], {
    stdio: kind === "spinner" ? ["ignore", "ignore", "ignore", "ipc"] : "ignore",
  });
  children.add(child);
  await once(child, kind === "spinner" ? "message" : "spawn");
  return child as ChildProcess & { pid: number };
}

/** SIGKILL and wait until node has reaped it (no zombie left to count), at most 5 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = once(child, "exit");
    child.kill("SIGKILL");
    await Promise.race([exited, sleep(5_000)]);
  }
  children.delete(child);
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "custos-process-"));
  tempDirs.push(dir);
  return dir;
}

afterEach(async () => {
  await Promise.all([...children].map(stopChild));
  await Promise.all(tempDirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function monitor(options: Record<string, unknown>, ctx: PluginContext = testContext()) {
  const instance = await plugin.create(plugin.configSchema.parse(options), ctx);
  return () => instance.collect(signal());
}

const sample = (collected: Collected, name: string) => collected.samples.find((s) => s.name === name)?.value;

describe("process plugin against real processes", () => {
  it("counts the processes whose command line matches, and only those", async () => {
    await Promise.all([startChild("web"), startChild("web"), startChild("worker")]);
    const collect = await monitor({ cmdline: `${marker}-web$` }, testContext({ monitorName: "web" }));
    const collected = await collect();

    expect(collected.checks).toEqual([
      { status: "ok", message: expect.stringMatching(/^2 processes running, memory [\d.]+ MiB, up \d+s$/) },
    ]);
    expect(sample(collected, "process.count")).toBe(2);
    expect(sample(collected, "process.rss_bytes")).toBeGreaterThan(1_000_000);
    expect(sample(collected, "process.threads")).toBeGreaterThanOrEqual(2);
    expect(sample(collected, "process.open_fds")).toBeGreaterThan(0);
    expect(sample(collected, "process.uptime_seconds")).toBeGreaterThanOrEqual(0);
    expect(sample(collected, "process.cpu_percent")).toBeUndefined(); // first collection
    expect(new Set(collected.samples.map((s) => s.labels?.process))).toEqual(new Set(["web"]));
  });

  it("matches process_name on argv[0] when the kernel's comm differs (node's is MainThread)", async () => {
    const child = await startChild("by-name");
    const ctx = testContext();
    const collected = await (await monitor({ process_name: "node" }, ctx))();
    expect(sample(collected, "process.count")).toBeGreaterThanOrEqual(1);
    expect(ctx.stored.get("previous")).toMatchObject({ pids: expect.arrayContaining([child.pid]) });
  });

  it("never counts the agent's own process", async () => {
    const own = (await readFile("/proc/self/cmdline", "utf8")).split("\0").filter(Boolean).join(" ");
    const ctx = testContext();
    await (await monitor({ cmdline: `^${own.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, min: 0 }, ctx))();
    expect(ctx.stored.get("previous")).toMatchObject({ pids: expect.not.arrayContaining([process.pid]) });
  });

  it("is down, saying how many are missing, when a process dies and min is no longer met", async () => {
    const [first] = await Promise.all([startChild("pair"), startChild("pair")]);
    const collect = await monitor({ cmdline: `${marker}-pair`, min: 2 });
    expect((await collect()).checks[0]?.status).toBe("ok");

    await stopChild(first);
    const collected = await collect();
    expect(collected.checks).toEqual([
      { status: "down", message: `1 process matches cmdline /${marker}-pair/, expected at least 2` },
    ]);
    expect(sample(collected, "process.count")).toBe(1);
  });

  it("is down when nothing matches, and ok with min: 0", async () => {
    const down = await (await monitor({ cmdline: `${marker}-nobody-runs-this` }))();
    expect(down.checks[0]).toEqual({
      status: "down",
      message: `no process matches cmdline /${marker}-nobody-runs-this/`,
    });
    expect(down.samples.map((s) => [s.name, s.value])).toEqual([
      ["process.count", 0],
      ["process.restarts_total", 0],
    ]);
    const allowed = await (await monitor({ cmdline: `${marker}-nobody-runs-this`, min: 0 }))();
    expect(allowed.checks[0]?.status).toBe("ok");
  });

  it("is down when more processes run than max", async () => {
    await Promise.all([startChild("many"), startChild("many"), startChild("many")]);
    const collected = await (await monitor({ cmdline: `${marker}-many`, max: 2 }))();
    expect(collected.checks[0]).toEqual({
      status: "down",
      message: `3 processes match cmdline /${marker}-many/, expected at most 2`,
    });
  });

  describe("restarts", () => {
    it("counts a replaced process as a restart, with an event, and keeps the count through an agent restart", async () => {
      const ctx = testContext();
      const options = { cmdline: `${marker}-daemon` };
      const first = await startChild("daemon");
      let collect = await monitor(options, ctx);
      expect((await collect()).events).toBeUndefined();

      await stopChild(first);
      const second = await startChild("daemon");
      const restarted = await collect();
      expect(restarted.events).toEqual([
        {
          kind: "process_restarted",
          message: `restarted (pid ${first.pid} → ${second.pid})`,
          data: { previous_pid: first.pid, pid: second.pid, restarts_total: 1 },
        },
      ]);
      expect(restarted.checks[0]?.message).toMatch(
        new RegExp(`^restarted \\(pid ${first.pid} → ${second.pid}\\); running \\(pid ${second.pid}\\)`),
      );
      expect(sample(restarted, "process.restarts_total")).toBe(1);
      expect(ctx.stored.get("restarts_total")).toBe(1);

      // the agent restarts: a new instance on the same stored state
      collect = await monitor(options, ctx);
      const resumed = await collect();
      expect(resumed.events).toBeUndefined();
      expect(sample(resumed, "process.restarts_total")).toBe(1);

      await stopChild(second);
      const third = await startChild("daemon");
      const again = await collect();
      expect(again.events?.[0]?.message).toBe(`restarted (pid ${second.pid} → ${third.pid})`);
      expect(sample(again, "process.restarts_total")).toBe(2);
    });

    it("does not count a process that was down in between as restarted", async () => {
      const ctx = testContext();
      const collect = await monitor({ cmdline: `${marker}-flappy` }, ctx);
      const first = await startChild("flappy");
      await collect();
      await stopChild(first);
      expect((await collect()).checks[0]?.status).toBe("down");
      await startChild("flappy");
      const back = await collect();
      expect(back.events).toBeUndefined();
      expect(back.checks[0]?.status).toBe("ok");
      expect(ctx.stored.get("restarts_total")).toBeUndefined();
    });
  });

  describe("pid_file", () => {
    it("watches the process named by a fresh pid file", async () => {
      const child = await startChild("pidfile");
      const file = join(await tempDir(), "app.pid");
      await writeFile(file, `${child.pid}\n`);
      const collected = await (await monitor({ pid_file: file }))();
      expect(collected.checks[0]).toEqual({
        status: "ok",
        message: expect.stringMatching(new RegExp(`^running \\(pid ${child.pid}\\), memory `)),
      });
      expect(sample(collected, "process.count")).toBe(1);
    });

    it("is down for a stale pid file (the process is gone)", async () => {
      const child = await startChild("stale");
      await stopChild(child);
      const file = join(await tempDir(), "app.pid");
      await writeFile(file, `${child.pid}\n`);
      const collected = await (await monitor({ pid_file: file }))();
      expect(collected.checks[0]).toEqual({
        status: "down",
        message: `pid ${child.pid} from ${file} is not running (stale pid file)`,
      });
    });

    it("is down for a missing pid file", async () => {
      const file = join(await tempDir(), "missing.pid");
      const collected = await (await monitor({ pid_file: file }))();
      expect(collected.checks[0]).toEqual({ status: "down", message: `pid file ${file} does not exist` });
    });

    it("is down for a pid file holding no pid", async () => {
      const file = join(await tempDir(), "garbage.pid");
      await writeFile(file, "not-a-pid\n");
      const collected = await (await monitor({ pid_file: file }))();
      expect(collected.checks[0]).toEqual({
        status: "down",
        message: `pid file ${file} holds no pid ("not-a-pid")`,
      });
    });
  });

  describe("thresholds", () => {
    it("is degraded past memory_warn_bytes and down past memory_crit_bytes, saying by how much", async () => {
      await startChild("memory");
      const cmdline = `${marker}-memory`;
      const warn = await (await monitor({ cmdline, memory_warn_bytes: "1KiB" }))();
      expect(warn.checks[0]).toEqual({
        status: "degraded",
        message: expect.stringMatching(/^memory [\d.]+ MiB, [\d.]+ MiB over the 1\.0 KiB limit$/),
      });
      const crit = await (await monitor({ cmdline, memory_warn_bytes: "1KiB", memory_crit_bytes: 2048 }))();
      expect(crit.checks[0]).toEqual({
        status: "down",
        message: expect.stringMatching(/^memory [\d.]+ MiB, [\d.]+ MiB over the 2\.0 KiB limit$/),
      });
    });

    it("measures CPU time used between collections as % of a core: 300 ms in 1 s is 30%, idle near 0", async () => {
      // both started and settled before the first collection; only `spinner` is asked to spin
      const [spinner, rest] = await Promise.all([
        startChild("spin", "spinner"),
        startChild("rest", "spinner"),
      ]);
      // CPU time comes from the real /proc, the elapsed time from this proc dir's uptime, which the
      // test moves on by exactly 1 s: the result does not depend on how busy this machine's cores are.
      const proc = await tempDir();
      for (const child of [spinner, rest]) await symlink(`/proc/${child.pid}`, join(proc, String(child.pid)));
      const bootSeconds = Number((await readFile("/proc/uptime", "utf8")).split(" ")[0]);
      await writeFile(join(proc, "uptime"), `${bootSeconds.toFixed(2)} 0.00\n`);
      const busy = await monitor({ cmdline: `${marker}-spin`, cpu_warn_percent: 10, proc_path: proc });
      const idle = await monitor({ cmdline: `${marker}-rest`, proc_path: proc });
      await Promise.all([busy(), idle()]);
      const done = once(spinner, "message");
      spinner.send(300);
      await done;
      await writeFile(join(proc, "uptime"), `${(bootSeconds + 1).toFixed(2)} 0.00\n`);
      const [busyLater, idleLater] = await Promise.all([busy(), idle()]);

      // 300 ms plus the cost of answering, counted in whole 10 ms clock ticks
      expect(sample(busyLater, "process.cpu_percent")).toBeGreaterThanOrEqual(29);
      expect(sample(busyLater, "process.cpu_percent")).toBeLessThanOrEqual(33);
      expect(sample(idleLater, "process.cpu_percent")).toBeLessThanOrEqual(1);
      expect(busyLater.checks[0]).toEqual({
        status: "degraded",
        message: expect.stringMatching(/^cpu [\d.]+%, [\d.]+ points over the 10% limit$/),
      });
    });
  });

  describe("systemd_unit", () => {
    /** A context whose systemctl answers with a recording; other commands (getconf) really run. */
    function systemctlContext(answer: ExecResult): TestContext & { calls: string[][] } {
      const ctx = testContext({ monitorName: "unit" });
      const calls: string[][] = [];
      const run = ctx.exec.bind(ctx);
      ctx.exec = async (command, args, options) => {
        if (command !== "systemctl") return run(command, args, options);
        calls.push(args);
        return answer;
      };
      return Object.assign(ctx, { calls });
    }

    async function cgroupRoot(layout: string, pids: number[]): Promise<string> {
      const root = await tempDir();
      const dir = join(root, layout);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, "cgroup.procs"), pids.map((pid) => `${pid}\n`).join(""));
      return root;
    }

    it("watches the pids in the unit's cgroup and reports NRestarts", async () => {
      const child = await startChild("unit");
      const stdout = await readFile(join(fixtures, "systemctl-show-hello-world.txt"), "utf8");
      const ctx = systemctlContext({ stdout, stderr: "", code: 0 });
      const root = await cgroupRoot("system.slice/hello-world.service", [child.pid]);
      const collected = await (await monitor({ systemd_unit: "hello-world", cgroup_root: root }, ctx))();

      expect(ctx.calls).toEqual([
        [
          "show",
          "--property=MainPID,ControlGroup,ActiveState,SubState,NRestarts",
          "--",
          "hello-world.service",
        ],
      ]);
      expect(collected.checks[0]).toEqual({
        status: "ok",
        message: expect.stringMatching(new RegExp(`^running \\(pid ${child.pid}\\)`)),
      });
      expect(sample(collected, "process.count")).toBe(1);
      expect(sample(collected, "process.unit_restarts")).toBe(0);
    });

    it("finds the cgroup under systemd's own hierarchy on a cgroup v1 host", async () => {
      const child = await startChild("unit-v1");
      const stdout = await readFile(join(fixtures, "systemctl-show-hello-world.txt"), "utf8");
      const root = await cgroupRoot("systemd/system.slice/hello-world.service", [child.pid]);
      const collected = await (
        await monitor(
          { systemd_unit: "hello-world.service", cgroup_root: root },
          systemctlContext({ stdout, stderr: "", code: 0 }),
        )
      )();
      expect(sample(collected, "process.count")).toBe(1);
    });

    it("is down with the unit's state when it is not active", async () => {
      const stdout = await readFile(join(fixtures, "systemctl-show-auto-restart.txt"), "utf8");
      const ctx = systemctlContext({ stdout, stderr: "", code: 0 });
      const collected = await (await monitor({ systemd_unit: "flaky", cgroup_root: await tempDir() }, ctx))();
      expect(collected.checks[0]).toEqual({
        status: "down",
        message: "flaky.service is activating (auto-restart)",
      });
      expect(sample(collected, "process.unit_restarts")).toBe(10);
    });

    it("is unsupported with systemctl's reason when systemd is not PID 1", async () => {
      const stderr = await readFile(join(fixtures, "systemctl-no-systemd.stderr.txt"), "utf8");
      const collect = await monitor(
        { systemd_unit: "nginx" },
        systemctlContext({ stdout: "", stderr, code: 1 }),
      );
      const attempt = collect();
      await expect(attempt).rejects.toBeInstanceOf(UnsupportedError);
      await expect(attempt).rejects.toThrow(/^systemd is not running here: System has not been booted/);
    });
  });

  // Only root can start a process as another user; elsewhere the hardened agent is that other user.
  // And `nobody` must be able to run this Node and read this file: not so in a checkout behind a
  // 0700 directory (as root under /root), where the case cannot be set up.
  it.runIf(process.getuid?.() === 0 && nobodyCanRun(process.execPath, import.meta.filename))(
    "leaves open_fds out for another user's process and warns once, as an unprivileged agent would",
    async () => {
      await startChild("foreign");
      const script = `
        const { plugin } = await import(process.argv[1]);
        const warnings = [];
        const stored = new Map();
        const ctx = {
          monitorName: "foreign", timeoutMs: 5000,
          log: { info() {}, warn: (message) => warnings.push(message) },
          exec: () => Promise.reject(new Error("no commands here")),
          state: { get: (key) => stored.get(key), set: (key, value) => stored.set(key, value) },
        };
        const instance = await plugin.create(plugin.configSchema.parse({ cmdline: process.argv[2] }), ctx);
        const first = await instance.collect(new AbortController().signal);
        const second = await instance.collect(new AbortController().signal);
        console.log(JSON.stringify({ first, second, warnings }));`;
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ["--input-type=module", "-e", script, join(import.meta.dirname, "index.ts"), `${marker}-foreign$`],
        { uid: 65534, gid: 65534, timeout: 20_000 },
      );
      const { first, second, warnings } = JSON.parse(stdout) as {
        first: Collected;
        second: Collected;
        warnings: string[];
      };
      expect(sample(first, "process.count")).toBe(1);
      expect(sample(first, "process.rss_bytes")).toBeGreaterThan(0);
      expect(sample(first, "process.open_fds")).toBeUndefined();
      expect(sample(second, "process.open_fds")).toBeUndefined();
      expect(second.checks[0]?.status).toBe("ok");
      expect(warnings).toEqual([
        "cannot count the open files of another user's process; process.open_fds is left out",
      ]);
    },
  );
});

describe("config", () => {
  it.each([
    [{}, "", "set one of process_name, cmdline, pid_file, systemd_unit"],
    [{ process_name: "nginx", cmdline: "nginx" }, "cmdline", "found process_name and cmdline"],
    [{ pid_file: "/run/a.pid", systemd_unit: "a" }, "systemd_unit", "found pid_file and systemd_unit"],
    [{ cmdline: "worker (unclosed" }, "cmdline", "not a valid regular expression"],
    [{ process_name: "nginx", min: -1 }, "min", "expected number to be >=0"],
    [{ process_name: "nginx", min: 3, max: 2 }, "min", "min (3) must not be above max (2)"],
    [
      { process_name: "nginx", cpu_warn_percent: 90, cpu_crit_percent: 80 },
      "cpu_warn_percent",
      "cpu_warn_percent (90) must not be above cpu_crit_percent (80)",
    ],
    [
      { process_name: "nginx", memory_warn_bytes: "1GiB", memory_crit_bytes: "512MiB" },
      "memory_warn_bytes",
      "memory_warn_bytes (1073741824) must not be above memory_crit_bytes (536870912)",
    ],
    [{ process_name: "nginx", memory_warn_bytes: "lots" }, "memory_warn_bytes", "invalid size"],
    [{ systemd_unit: "nginx; rm -rf /" }, "systemd_unit", "a unit name"],
    [{ process_name: "nginx", user: "www-data" }, "", "user"],
  ])("rejects %j naming %s", (input, path, message) => {
    const parsed = plugin.configSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    const issues = parsed.error?.issues.filter((issue) => issue.path.join(".") === path);
    expect(JSON.stringify(issues)).toContain(message);
  });

  it("reads sizes like 512MiB into bytes", () => {
    expect(plugin.configSchema.parse({ process_name: "nginx", memory_warn_bytes: "512MiB" })).toMatchObject({
      memory_warn_bytes: 536_870_912,
      min: 1,
      proc_path: "/proc",
      cgroup_root: "/sys/fs/cgroup",
    });
  });

  it.each([
    [{ process_name: "nginx" }, "process:nginx"],
    [{ systemd_unit: "php8.2-fpm" }, "process:php8.2-fpm"],
    [{ pid_file: "/run/myapp.pid" }, "process:myapp"],
    [{ cmdline: "worker --queue=mail" }, "process:cmdline"],
  ])("names a monitor for %j %s by default", (input, name) => {
    expect(plugin.defaultName?.(plugin.configSchema.parse(input))).toBe(name);
  });
});
