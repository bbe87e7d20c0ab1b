/** Starts the app_metrics plugin on free loopback ports with a recording context, for its tests. */
import { createSocket } from "node:dgram";
import { createServer } from "node:net";
import { AppMetricsMonitorOptions } from "@custos/protocol";
import type { Collected, PluginContext, PluginInstance } from "../types.ts";
import { plugin } from "./index.ts";

export interface Harness {
  instance: PluginInstance;
  emitted: Collected[];
  state: Map<string, unknown>;
  http: string;
  statsdPort: number;
  warnings: string[];
}

const open: PluginInstance[] = [];

/** Closes every instance started since the last call (afterEach). */
export async function closeAll(): Promise<void> {
  await Promise.all(open.splice(0).map((instance) => instance.close?.()));
}

/** Forgets an instance the test closed itself. */
export function forget(instance: PluginInstance): void {
  const index = open.indexOf(instance);
  if (index !== -1) open.splice(index, 1);
}

export const TOKEN = "s3cret-token-0123456789";

/** A free port on loopback (the plugin's schema refuses 0, so tests pick one). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function start(
  options: Record<string, unknown> = {},
  state = new Map<string, unknown>(),
): Promise<Harness> {
  const httpPort = await freePort();
  const statsdPort = await freePort();
  const config = AppMetricsMonitorOptions.parse({ http_port: httpPort, statsd_port: statsdPort, ...options });
  const emitted: Collected[] = [];
  const warnings: string[] = [];
  const ctx: PluginContext = {
    monitorName: "app",
    timeoutMs: 5_000,
    log: { info: () => undefined, warn: (msg) => void warnings.push(msg) },
    exec: () => Promise.reject(new Error("no exec")),
    state: {
      get: <T>(key: string) => state.get(key) as T | undefined,
      set: (key, value) => void state.set(key, value),
    },
    emit: (collected) => void emitted.push(collected),
  };
  const instance = await plugin.create(config, ctx);
  open.push(instance);
  return { instance, emitted, state, http: `http://127.0.0.1:${httpPort}`, statsdPort, warnings };
}

export async function sendStatsd(port: number, datagrams: string[]): Promise<void> {
  const socket = createSocket("udp4");
  for (const datagram of datagrams) {
    await new Promise<void>((resolve, reject) =>
      socket.send(datagram, port, "127.0.0.1", (error) => (error ? reject(error) : resolve())),
    );
  }
  socket.close();
}

/** UDP gives no answer: wait until the agent's counter shows the lines arrived. */
export async function collectAfterLines(h: Harness, lines: number): Promise<Collected> {
  for (let i = 0; i < 100; i++) {
    const collected = await h.instance.collect(new AbortController().signal);
    const received = collected.samples.find(
      (s) => s.name === "app_metrics_received_total" && s.labels?.source === "statsd",
    );
    if ((received?.value ?? 0) >= lines) return collected;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("the StatsD lines never arrived");
}
