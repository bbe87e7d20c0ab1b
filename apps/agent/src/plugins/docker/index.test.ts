import { linkSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DockerMonitorOptions } from "@custos/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Collected, PluginContext } from "../types.ts";
import { UnsupportedError } from "../types.ts";
import { plugin } from "./index.ts";

function testContext(timeoutMs = 5_000): PluginContext {
  return {
    monitorName: "docker",
    timeoutMs,
    log: { info() {}, warn() {} },
    exec: () => Promise.reject(new Error("the docker plugin runs no commands")),
    state: { get: () => undefined, set() {} },
  };
}

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

async function collect(options: Record<string, unknown>, timeoutMs?: number): Promise<Collected> {
  const instance = await plugin.create(DockerMonitorOptions.parse(options), testContext(timeoutMs));
  return instance.collect(new AbortController().signal);
}

describe("docker plugin against a fake Engine API on a unix socket", () => {
  let dir: string;
  let socket: string;
  let server: http.Server | undefined;
  const seen: { method?: string; url?: string }[] = [];

  /** Serves a recorded /containers/json answer the way dockerd does, over a unix socket. */
  async function fakeEngine(status: number, body: string, delayMs = 0) {
    server = http.createServer((request, response) => {
      seen.push({ method: request.method, url: request.url });
      setTimeout(() => {
        response.writeHead(status, { "content-type": "application/json", "api-version": "1.47" });
        response.end(body);
      }, delayMs).unref();
    });
    await new Promise<void>((resolve) => server?.listen(socket, resolve));
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "custos-docker-"));
    socket = join(dir, "docker.sock");
    seen.length = 0;
  });
  afterEach(async () => {
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
      server = undefined;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists all containers and reports the counts", async () => {
    await fakeEngine(200, fixture("containers-v1.47.json"));
    const collected = await collect({ socket });
    expect(seen).toEqual([{ method: "GET", url: "/containers/json?all=true" }]);
    const counts = Object.fromEntries(collected.samples.map((sample) => [sample.name, sample.value]));
    expect(counts).toEqual({
      "docker.containers.running": 4,
      "docker.containers.stopped": 2,
      "docker.containers.paused": 1,
      "docker.containers.restarting": 1,
      "docker.containers.unhealthy": 1,
      "docker.containers.total": 8,
    });
    expect(collected.checks[0]?.status).toBe("degraded");
    expect(collected.checks[0]?.latency_ms).toBeGreaterThanOrEqual(0);
  });

  it("goes down when a required container is not running", async () => {
    await fakeEngine(200, fixture("containers-v1.52-health.json"));
    const collected = await collect({ socket, containers: ["homeassistant", "esphome"] });
    expect(collected.checks[0]).toMatchObject({
      status: "down",
      message: "esphome: exited (Exited (137) 2 days ago); 4 containers: 3 running, 1 stopped, 1 unhealthy",
    });
    const running = collected.samples.filter((sample) => sample.name === "docker.container.running");
    expect(running).toEqual([
      { name: "docker.container.running", value: 1, labels: { container: "homeassistant" } },
      { name: "docker.container.running", value: 0, labels: { container: "esphome" } },
    ]);
  });

  it("is degraded when a required container is unhealthy", async () => {
    await fakeEngine(200, fixture("containers-v1.52-health.json"));
    const collected = await collect({ socket, containers: ["mosquitto"] });
    expect(collected.checks[0]?.status).toBe("degraded");
    expect(collected.checks[0]?.message).toMatch(/^mosquitto: unhealthy; /);
  });

  it("goes down with the engine's message when it answers with an error", async () => {
    await fakeEngine(400, fixture("error-400.json"));
    const collected = await collect({ socket });
    expect(collected.checks[0]).toEqual({
      status: "down",
      message:
        "Docker engine answered 400: client version 1.99 is too new. Maximum supported API version is 1.47",
    });
  });

  it("goes down when the engine does not answer in time", async () => {
    await fakeEngine(200, "[]", 2_000);
    const collected = await collect({ socket }, 800);
    expect(collected.checks[0]).toEqual({
      status: "down",
      message: "Docker engine did not answer within 800 ms",
    });
  });

  it("goes down when the socket file exists but no engine listens", async () => {
    // As after dockerd stopped: the socket file stays, connect gets ECONNREFUSED. Closing a
    // server unlinks its socket, so keep a second name (a hard link) to the same socket.
    const gone = net.createServer();
    await new Promise<void>((resolve) => gone.listen(join(dir, "engine.sock"), resolve));
    linkSync(join(dir, "engine.sock"), socket);
    await new Promise((resolve) => gone.close(resolve));
    const collected = await collect({ socket });
    expect(collected.checks[0]).toEqual({
      status: "down",
      message: `Docker engine not running: connection refused on ${socket}`,
    });
  });

  it("reports unsupported when there is no Docker socket", async () => {
    const attempt = collect({ socket: join(dir, "missing.sock") });
    await expect(attempt).rejects.toThrow(UnsupportedError);
    await expect(attempt).rejects.toThrow(`no Docker socket at ${join(dir, "missing.sock")}`);
  });

  it("reports unsupported when the socket path is a plain file", async () => {
    writeFileSync(socket, "");
    await expect(collect({ socket })).rejects.toThrow(`${socket} is not a socket (check the socket: option)`);
  });
});

describe("docker config", () => {
  it("defaults to /var/run/docker.sock and rejects unknown keys", () => {
    expect(DockerMonitorOptions.parse({}).socket).toBe("/var/run/docker.sock");
    expect(DockerMonitorOptions.safeParse({ host: "tcp://1.2.3.4:2375" }).error?.issues[0]?.message).toMatch(
      /host/,
    );
  });
});
