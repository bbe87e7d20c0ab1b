import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { PluginContext } from "../types.ts";
import { plugin } from "./index.ts";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

/** A recorded raw HTTP reply (`curl -i`): status line and headers; the bodies are empty. */
function recordedReply(name: string): { status: number; headers: Record<string, string> } {
  const [statusLine = "", ...headerLines] = fixture(name).split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon)] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine.split(" ")[1]), headers };
}

const TOKEN = "test-prometheus-token-4f1c";

/** What the fake MinIO answers; tests change it. */
const state = {
  cluster: "health-cluster-200.http",
  metrics: "metrics-cluster-collectd.prom",
  seenAuthorization: [] as (string | undefined)[],
  /** Stream the metrics reply chunked and without end (a misbehaving proxy). */
  endless: false,
  streamClosed: false,
};

let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const send = (name: string) => {
      const reply = recordedReply(name);
      res.writeHead(reply.status, reply.headers).end();
    };
    if (req.url === "/minio/health/live") return send("health-live-200.http");
    if (req.url === "/minio/health/cluster") return send(state.cluster);
    if (req.url === "/minio/v2/metrics/cluster") {
      state.seenAuthorization.push(req.headers.authorization);
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return res.writeHead(403).end();
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
      if (state.endless) {
        const chunk = Buffer.from("minio_filler_total 1\n".repeat(4096));
        const pump = () => {
          while (!res.destroyed) if (!res.write(chunk)) return void res.once("drain", pump);
        };
        res.on("close", () => {
          state.streamClosed = true;
        });
        return pump();
      }
      return res.end(fixture(state.metrics));
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

afterEach(() => {
  state.cluster = "health-cluster-200.http";
  state.metrics = "metrics-cluster-collectd.prom";
  state.seenAuthorization = [];
  state.endless = false;
  state.streamClosed = false;
});

const logs: string[] = [];
function context(): PluginContext {
  return {
    monitorName: "minio:test",
    timeoutMs: 5_000,
    log: {
      info: (m, d) => logs.push(`${m} ${JSON.stringify(d ?? {})}`),
      warn: (m, d) => logs.push(`${m} ${JSON.stringify(d ?? {})}`),
    },
    exec: () => Promise.reject(new Error("not used")),
    state: { get: () => undefined, set: () => undefined },
  };
}

async function collect(options: Record<string, unknown>) {
  const config = plugin.configSchema.parse(options);
  const instance = await plugin.create(config, context());
  try {
    return await instance.collect(new AbortController().signal);
  } finally {
    await instance.close?.();
  }
}

describe("minio plugin against a fake MinIO", () => {
  it("reports a healthy cluster with capacity, drives, nodes and buckets, sending the bearer token", async () => {
    const result = await collect({ url: baseUrl, bearer_token: TOKEN });
    expect(result.checks).toHaveLength(1);
    expect(result.checks[0]?.status).toBe("ok");
    expect(result.checks[0]?.message).toContain("1 drive(s) online");
    const value = (name: string) => result.samples.find((s) => s.name === name)?.value;
    expect(value("minio.capacity.total_bytes")).toBe(204489420800);
    expect(value("minio.capacity.free_bytes")).toBe(46783959040);
    expect(value("minio.drives.offline")).toBe(0);
    expect(value("minio.nodes.online")).toBe(1);
    expect(value("minio.buckets")).toBe(1);
    expect(state.seenAuthorization).toEqual([`Bearer ${TOKEN}`]);
  });

  it("is degraded when the recorded scrape shows offline drives", async () => {
    state.metrics = "metrics-cluster-2-drives-offline.prom";
    const result = await collect({ url: baseUrl, bearer_token: TOKEN });
    expect(result.checks[0]?.status).toBe("degraded");
    expect(result.checks[0]?.message).toBe("2 drive(s) offline");
  });

  it("is down when the cluster probe answers 503 (quorum lost)", async () => {
    state.cluster = "health-cluster-503.http";
    const result = await collect({ url: baseUrl, bearer_token: TOKEN });
    expect(result.checks[0]?.status).toBe("down");
    expect(result.checks[0]?.message).toMatch(/write quorum lost/);
    expect(result.samples).toContainEqual({ name: "minio.health.cluster", value: 0 });
  });

  it("is degraded, not down, when the token is wrong, and never echoes the token", async () => {
    const result = await collect({ url: baseUrl, bearer_token: "wrong-token-value" });
    expect(result.checks[0]?.status).toBe("degraded");
    expect(result.checks[0]?.message).toMatch(/HTTP 403 \(check bearer_token\)/);
    expect(JSON.stringify(result)).not.toContain("wrong-token-value");
  });

  it("stops reading a chunked metrics reply past 16 MiB instead of filling memory", async () => {
    state.endless = true;
    const result = await collect({ url: baseUrl, bearer_token: TOKEN });
    expect(result.checks[0]?.status).not.toBe("ok");
    expect(result.checks[0]?.message).toContain("larger than 16777216 bytes");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(state.streamClosed).toBe(true);
  });

  it("is down with the reason when nothing listens at the URL", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await collect({ url: `http://127.0.0.1:${port}` });
    expect(result.checks[0]?.status).toBe("down");
    expect(result.checks[0]?.message).toBe("not reachable: ECONNREFUSED");
  });

  it("rejects unknown config keys by name", () => {
    const parsed = plugin.configSchema.safeParse({ url: baseUrl, bearer: "x" });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain("bearer");
  });
});
