/**
 * The exposition of prom-client — the Prometheus client most Node applications use — served live
 * and scraped by the plugin: counters, gauges with labels, histogram series by their own names,
 * and its default process metrics filtered out by the allow-list.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PluginContext } from "../types.ts";
import { plugin } from "./index.ts";

const registry = new Registry();
collectDefaultMetrics({ register: registry });
const jobs = new Counter({
  name: "app_jobs_done_total",
  help: "jobs done",
  labelNames: ["queue"],
  registers: [registry],
});
const depth = new Gauge({
  name: "app_queue_depth",
  help: "waiting jobs",
  labelNames: ["queue"],
  registers: [registry],
});
const latency = new Histogram({
  name: "app_request_seconds",
  help: "request time",
  buckets: [0.1, 0.5, 1],
  registers: [registry],
});

let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer(async (_req, res) => {
    res.writeHead(200, { "content-type": registry.contentType }).end(await registry.metrics());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const ctx: PluginContext = {
  monitorName: "prometheus:shop",
  timeoutMs: 5_000,
  log: { info: () => undefined, warn: () => undefined },
  exec: () => Promise.reject(new Error("not used")),
  state: { get: () => undefined, set: () => undefined },
};

describe("prometheus plugin on a live prom-client endpoint", () => {
  it("keeps the allow-listed series with their labels and leaves the rest out", async () => {
    jobs.inc({ queue: "mail" }, 7);
    jobs.inc({ queue: "sms" }, 2);
    depth.set({ queue: "mail" }, 42);
    for (const seconds of [0.05, 0.2, 0.7, 2]) latency.observe(seconds);

    const config = plugin.configSchema.parse({
      url,
      metrics: [
        "app_jobs_done_total",
        "app_queue_depth",
        "app_request_seconds_count",
        "app_request_seconds_sum",
      ],
      thresholds: [{ metric: "app_queue_depth", labels: { queue: "mail" }, crit_above: 40 }],
    });
    const instance = await plugin.create(config, ctx);
    try {
      const collected = await instance.collect(new AbortController().signal);
      const value = (name: string, labels: Record<string, string> = {}) =>
        collected.samples.find(
          (s) =>
            s.name === name &&
            JSON.stringify(Object.entries(s.labels ?? {}).sort()) ===
              JSON.stringify(Object.entries(labels).sort()),
        )?.value;
      expect(value("app_jobs_done_total", { queue: "mail" })).toBe(7);
      expect(value("app_jobs_done_total", { queue: "sms" })).toBe(2);
      expect(value("app_queue_depth", { queue: "mail" })).toBe(42);
      expect(value("app_request_seconds_count")).toBe(4);
      expect(value("app_request_seconds_sum")).toBeCloseTo(2.95, 6);
      // default process_* / nodejs_* metrics and the histogram's buckets were not listed
      expect(
        collected.samples.some((s) => s.name.startsWith("nodejs_") || s.name.startsWith("process_")),
      ).toBe(false);
      expect(collected.samples.some((s) => s.name === "app_request_seconds_bucket")).toBe(false);
      expect(collected.checks[0]?.status).toBe("ok");
      expect(collected.checks.find((c) => c.monitor === "prometheus:shop:app_queue_depth")).toMatchObject({
        status: "down",
      });
    } finally {
      await instance.close?.();
    }
  });
});
