/**
 * What the agent benchmarks' monitors watch on loopback, and the monitors section that points at
 * it: an HTTP target (also what the TCP "ping" connects to) and a fake Docker Engine API on a unix
 * socket serving the docker plugin's recorded v1.47 fixture (no engine here).
 */
import { readFileSync } from "node:fs";
import http from "node:http";
import { join } from "node:path";
import { freePort } from "@custos/testkit";

const ROOT = join(import.meta.dirname, "..", "..");

export interface MonitorTargets {
  targetPort: number;
  socket: string;
  /** Requests each has answered so far. */
  hits: { http: number; docker: number };
}

/** Starts both targets (the socket in `dir`); the cleanup closes them. */
export async function startMonitorTargets(dir: string, cleanup: (() => unknown)[]): Promise<MonitorTargets> {
  const hits = { http: 0, docker: 0 };
  const target = http.createServer((_req, res) => {
    hits.http++;
    res.writeHead(200, { "content-type": "application/json" });
    res.end('{"status":"ok"}');
  });
  const targetPort = await freePort();
  await new Promise<void>((r) => target.listen(targetPort, "127.0.0.1", r));
  cleanup.unshift(() => new Promise((r) => target.close(r)));

  const containers = readFileSync(join(ROOT, "apps/agent/src/plugins/docker/fixtures/containers-v1.47.json"));
  const docker = http.createServer((_req, res) => {
    hits.docker++;
    res.writeHead(200, { "content-type": "application/json", "api-version": "1.47" });
    res.end(containers);
  });
  const socket = join(dir, "docker.sock");
  await new Promise<void>((r) => docker.listen(socket, r));
  cleanup.unshift(() => new Promise((r) => docker.close(r)));
  return { targetPort, socket, hits };
}

/** The agent.yaml `monitors` lines: system, http, ping (tcp, to the target and the server), docker, and the agent's own when `selfMonitor`. */
export function benchMonitors(targets: MonitorTargets, serverPort: number, selfMonitor: boolean): string[] {
  return [
    "  - type: system",
    "  - type: http",
    `    url: http://127.0.0.1:${targets.targetPort}/health`,
    "  - type: ping",
    "    method: tcp",
    `    targets: ["127.0.0.1:${targets.targetPort}", "127.0.0.1:${serverPort}"]`,
    "  - type: docker",
    `    socket: ${targets.socket}`,
    ...(selfMonitor ? ["  - type: agent"] : []),
  ];
}
