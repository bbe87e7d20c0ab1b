import { execFile } from "node:child_process";
import { accessSync, constants, readFileSync } from "node:fs";
import net from "node:net";
import { delimiter, join } from "node:path";
import { PingMonitorOptions } from "@custos/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { jsonState } from "../../../test/helpers/test-plugins.ts";
import type { Collected, ExecResult, PluginContext } from "../types.ts";
import { UnsupportedError } from "../types.ts";
import { type PingClock, pingPlugin, plugin } from "./index.ts";

type Exec = PluginContext["exec"];

function testContext(exec: Exec, state = new Map<string, string>(), timeoutMs = 10_000): PluginContext {
  return {
    monitorName: "internet",
    timeoutMs,
    log: { info() {}, warn() {} },
    exec,
    state: jsonState(state),
  };
}

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

/** Replays recorded ping output per target; `calls` records the argument lists. */
function replay(outputs: Record<string, string>) {
  const calls: string[][] = [];
  const exec: Exec = async (command, args) => {
    calls.push([command, ...args]);
    const target = args.at(-1) ?? "";
    const name = outputs[target];
    if (!name) throw new Error(`no fixture for ${target}`);
    const text = fixture(name);
    // iputils prints its errors ("ping: ...") on stderr and the rest on stdout.
    const stderr = text.startsWith("ping:") ? text : "";
    return { stdout: stderr ? "" : text, stderr, code: name.includes("ok") ? 0 : 1 } satisfies ExecResult;
  };
  return { exec, calls };
}

async function collect(
  options: Record<string, unknown>,
  ctx: PluginContext,
  clock?: PingClock,
): Promise<Collected> {
  const instance = await (clock ? pingPlugin(clock) : plugin).create(PingMonitorOptions.parse(options), ctx);
  return instance.collect(new AbortController().signal);
}

/** Wall and monotonic clocks that stand at `ms` past a fixed moment. */
const clockAt = (ms: number): PingClock => ({
  wallMs: () => Date.UTC(2026, 10, 22, 4, 0, 0) + ms,
  monoNs: () => 5_000_000_000_000n + BigInt(ms) * 1_000_000n,
});

const value = (collected: Collected, name: string, target?: string) =>
  collected.samples.find((sample) => sample.name === name && sample.labels?.target === target)?.value;

describe("ping plugin on recorded ping output", () => {
  it("runs ping per target with -n -c -W and reports latency and loss", async () => {
    const { exec, calls } = replay({ "1.1.1.1": "iputils-ok.txt", "8.8.8.8": "iputils-partial.txt" });
    const collected = await collect({ targets: ["1.1.1.1", "8.8.8.8"] }, testContext(exec));
    expect(calls).toEqual([
      ["ping", "-n", "-c", "3", "-W", "2", "1.1.1.1"],
      ["ping", "-n", "-c", "3", "-W", "2", "8.8.8.8"],
    ]);
    expect(value(collected, "ping.latency_ms", "1.1.1.1")).toBe(0.043);
    expect(value(collected, "ping.loss_percent", "8.8.8.8")).toBe(50);
    expect(collected.samples.find((sample) => sample.name === "internet.up")).toEqual({
      name: "internet.up",
      value: 1,
      labels: { monitor: "internet" },
    });
    expect(collected.checks[0]).toEqual({
      status: "ok",
      message: "2/2 targets answer: 1.1.1.1 0.04 ms, 8.8.8.8 0.05 ms",
    });
  });

  it("is degraded when one target fails and down when all do", async () => {
    const some = replay({ "1.1.1.1": "iputils-ok.txt", "8.8.8.8": "iputils-netunreach.txt" });
    const degraded = await collect({}, testContext(some.exec));
    expect(degraded.checks[0]?.status).toBe("degraded");
    expect(degraded.checks[0]?.message).toMatch(/8\.8\.8\.8: Network is unreachable$/);

    const none = replay({ "1.1.1.1": "iputils-loss.txt", "8.8.8.8": "iputils-nxdomain.txt" });
    const down = await collect({}, testContext(none.exec));
    expect(down.checks[0]).toEqual({
      status: "down",
      message: "no target answers: 1.1.1.1: 100% loss; 8.8.8.8: Name or service not known",
    });
    expect(value(down, "internet.up")).toBe(0);
    expect(value(down, "ping.latency_ms", "1.1.1.1")).toBeUndefined();
  });

  it("times an outage and reports it after recovery, also across an agent restart", async () => {
    const state = new Map<string, string>();
    const failing = replay({ "1.1.1.1": "iputils-loss.txt", "8.8.8.8": "iputils-host-unreachable.txt" });
    const first = await collect({}, testContext(failing.exec, state), clockAt(0));
    expect(first.events).toEqual([
      expect.objectContaining({
        kind: "outage_started",
        data: { started_at: "2026-11-22T04:00:00.000Z", targets: ["1.1.1.1", "8.8.8.8"] },
      }),
    ]);
    const second = await collect({}, testContext(failing.exec, state), clockAt(30_000));
    expect(second.events).toBeUndefined();
    expect(second.checks[0]?.message).toMatch(
      /^outage since 2026-11-22T04:00:00.000Z \(30s\); no target answers/,
    );

    // A new plugin instance with the same state, as after a restart of the agent.
    const working = replay({ "1.1.1.1": "iputils-ok.txt", "8.8.8.8": "iputils-ok.txt" });
    const recovered = await collect({}, testContext(working.exec, state), clockAt(95_250));
    expect(recovered.events).toEqual([
      {
        kind: "outage_ended",
        message: "internet outage: 1m 35s",
        data: {
          started_at: "2026-11-22T04:00:00.000Z",
          ended_at: "2026-11-22T04:01:35.250Z",
          duration_ms: 95_250,
          targets: ["1.1.1.1", "8.8.8.8"],
        },
      },
    ]);
    expect(value(recovered, "internet.outage_seconds")).toBe(95.3);
    expect(recovered.checks[0]).toMatchObject({
      status: "ok",
      message: expect.stringMatching(/^back after a 1m 35s outage; 2\/2/),
    });

    const after = await collect({}, testContext(working.exec, state), clockAt(125_250));
    expect(after.events).toBeUndefined();
  });

  it("reports unsupported, with the fix, when ping is not installed", async () => {
    const missing: Exec = () => Promise.reject(new UnsupportedError("ping: command not found"));
    const attempt = collect({}, testContext(missing));
    await expect(attempt).rejects.toThrow(UnsupportedError);
    await expect(attempt).rejects.toThrow(/apt install iputils-ping; or use method: tcp/);
  });

  it("reports unsupported when ping lacks the permission to open its socket", async () => {
    const { exec } = replay({
      "1.1.1.1": "iputils-no-capability.txt",
      "8.8.8.8": "iputils-no-capability.txt",
    });
    await expect(collect({}, testContext(exec))).rejects.toThrow(/ping is not permitted for this user/);
  });

  it("sends fewer echo requests when the monitor's timeout is short", async () => {
    const { exec, calls } = replay({ "1.1.1.1": "iputils-ok1.txt" });
    await collect({ targets: ["1.1.1.1"], count: 5 }, testContext(exec, new Map(), 3_500));
    expect(calls[0]).toEqual(["ping", "-n", "-c", "2", "-W", "2", "1.1.1.1"]);
  });
});

function onPath(command: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Runs commands like the agent's runtime does: no shell, missing tool -> UnsupportedError. */
const realExec: Exec = (command, args, options) =>
  new Promise((resolve, reject) => {
    execFile(command, args, { timeout: options?.timeoutMs ?? 10_000 }, (error, stdout, stderr) => {
      if ((error as NodeJS.ErrnoException | null)?.code === "ENOENT") {
        reject(new UnsupportedError(`${command} is not installed`));
        return;
      }
      const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
      resolve({ stdout, stderr, code });
    });
  });

describe("ping plugin live on this machine", () => {
  const hasPing = onPath("ping");

  it(`${hasPing ? "pings 127.0.0.1" : "reports unsupported, as ping is not installed here"}`, async () => {
    const attempt = collect({ targets: ["127.0.0.1"], count: 2 }, testContext(realExec));
    if (hasPing) {
      const collected = await attempt;
      expect(collected.checks[0]?.status).toBe("ok");
      expect(value(collected, "ping.loss_percent", "127.0.0.1")).toBe(0);
      expect(value(collected, "ping.latency_ms", "127.0.0.1")).toBeLessThan(50);
    } else {
      await expect(attempt).rejects.toThrow(/ping is not available: ping is not installed/);
    }
  });
});

describe("ping plugin with method: tcp on loopback", () => {
  const servers: net.Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  });

  async function listen(port = 0): Promise<number> {
    const server = net.createServer((socket) => socket.destroy());
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    return (server.address() as net.AddressInfo).port;
  }

  it("measures connect latency, goes down when the port closes and reports the outage when it reopens", async () => {
    const port = await listen();
    const state = new Map<string, string>();
    const options = { method: "tcp", targets: [`127.0.0.1:${port}`], count: 2, reply_timeout: "500ms" };
    const noExec: Exec = () => Promise.reject(new Error("method: tcp runs no command"));

    const up = await collect(options, testContext(noExec, state));
    expect(up.checks[0]?.status).toBe("ok");
    expect(value(up, "ping.latency_ms", `127.0.0.1:${port}`)).toBeGreaterThan(0);

    for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
    const down = await collect(options, testContext(noExec, state));
    expect(down.checks[0]).toEqual({
      status: "down",
      message: `no target answers: 127.0.0.1:${port}: connection refused`,
    });
    expect(down.events?.[0]?.kind).toBe("outage_started");

    await listen(port);
    const back = await collect(options, testContext(noExec, state));
    expect(back.checks[0]?.status).toBe("ok");
    expect(back.events?.[0]).toMatchObject({
      kind: "outage_ended",
      message: expect.stringMatching(/^internet outage: \d+s$/),
    });
    expect(value(back, "internet.outage_seconds")).toBeGreaterThanOrEqual(0);
  });
});

describe("ping config", () => {
  it("defaults to 1.1.1.1 and 8.8.8.8 over ICMP", () => {
    expect(PingMonitorOptions.parse({})).toMatchObject({
      targets: ["1.1.1.1", "8.8.8.8"],
      method: "icmp",
      count: 3,
    });
  });

  it("rejects unknown keys and a target that would be read as a ping option", () => {
    expect(PingMonitorOptions.safeParse({ hosts: ["1.1.1.1"] }).error?.issues[0]?.message).toMatch(/hosts/);
    expect(PingMonitorOptions.safeParse({ targets: ["-f"] }).success).toBe(false);
    expect(PingMonitorOptions.safeParse({ targets: ["1.1.1.1; rm -rf /"] }).success).toBe(false);
  });
});
