import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Collected, PluginContext } from "../types.ts";
import { plugin } from "./index.ts";

const recording = readFileSync(new URL("./fixtures/go-app-remote-adapter.prom", import.meta.url), "utf8");
const TEXT = "text/plain; version=0.0.4; charset=utf-8";
const TOKEN = "scrape-token-test-7d21";

/** What the endpoint served by the test answers; tests change it. */
const state = {
  queueDepth: 50,
  seenAuthorization: [] as (string | undefined)[],
  seenAccept: [] as (string | undefined)[],
  bytesSent: 0,
  streamClosed: false,
};

/** A slow or endless reply must be stopped by the client; the test closes what is left. */
const openResponses = new Set<ServerResponse>();

function streamForever(res: ServerResponse) {
  res.writeHead(200, { "content-type": TEXT });
  const line = Buffer.from(`myapp_filler_total{shard="0123456789abcdef"} 1\n`.repeat(1000));
  const pump = () => {
    while (!res.destroyed) {
      state.bytesSent += line.length;
      if (!res.write(line)) return void res.once("drain", pump);
    }
  };
  res.on("close", () => {
    state.streamClosed = true;
  });
  pump();
}

function handle(req: IncomingMessage, res: ServerResponse) {
  state.seenAuthorization.push(req.headers.authorization);
  state.seenAccept.push(req.headers.accept);
  switch (req.url) {
    case "/metrics":
      return res.writeHead(200, { "content-type": TEXT }).end(recording);
    case "/queue":
      return res
        .writeHead(200, { "content-type": TEXT })
        .end(`# TYPE myapp_queue_depth gauge\nmyapp_queue_depth{queue="mail"} ${state.queueDepth}\n`);
    case "/private":
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return res.writeHead(401).end("unauthorized");
      return res.writeHead(200, { "content-type": TEXT }).end("myapp_up 1\n");
    case "/error":
      return res.writeHead(500, { "content-type": "text/plain" }).end("boom");
    case "/html":
      return res
        .writeHead(200, { "content-type": "text/html; charset=utf-8" })
        .end("<!DOCTYPE html><html><body>Login</body></html>");
    case "/html-as-text":
      return res
        .writeHead(200, { "content-type": "text/plain" })
        .end("<html><body>502 Bad Gateway</body></html>");
    case "/garbage":
      return res
        .writeHead(200, { "content-type": "text/plain" })
        .end("hello world\nthis is not an exposition\n");
    case "/redirect":
      return res.writeHead(301, { location: "/metrics?x=1" }).end();
    case "/huge":
      openResponses.add(res);
      return streamForever(res);
    case "/huge-declared":
      openResponses.add(res);
      res.writeHead(200, { "content-type": TEXT, "content-length": String(50_000_000) });
      return res.write("myapp_x 1\n");
    case "/slow-body":
      openResponses.add(res);
      res.writeHead(200, { "content-type": TEXT });
      return res.write("myapp_queue_depth 1\n"); // ... and never ends
    case "/hang":
      openResponses.add(res);
      return; // never answers
    default:
      return res.writeHead(404).end();
  }
}

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of openResponses) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

afterEach(() => {
  for (const res of openResponses) res.destroy();
  openResponses.clear();
  state.queueDepth = 50;
  state.seenAuthorization = [];
  state.seenAccept = [];
  state.bytesSent = 0;
  state.streamClosed = false;
});

const logs: string[] = [];
function context(timeoutMs = 5_000): PluginContext {
  return {
    monitorName: "prometheus:app",
    timeoutMs,
    log: {
      info: (m, d) => logs.push(`${m} ${JSON.stringify(d ?? {})}`),
      warn: (m, d) => logs.push(`${m} ${JSON.stringify(d ?? {})}`),
    },
    exec: () => Promise.reject(new Error("not used")),
    state: { get: () => undefined, set: () => undefined },
  };
}

async function instance(options: Record<string, unknown>, timeoutMs?: number) {
  return plugin.create(plugin.configSchema.parse(options), context(timeoutMs));
}

async function collectOnce(options: Record<string, unknown>, timeoutMs?: number): Promise<Collected> {
  const created = await instance(options, timeoutMs);
  try {
    return await created.collect(new AbortController().signal);
  } finally {
    await created.close?.();
  }
}

const value = (result: Collected, name: string, labels?: Record<string, string>) =>
  result.samples.find(
    (s) => s.name === name && Object.entries(labels ?? {}).every(([k, v]) => s.labels?.[k] === v),
  )?.value;

describe("prometheus plugin against an endpoint served by the test", () => {
  it("sends the allow-listed series and its scrape metrics, and is ok with the scrape time as latency", async () => {
    const result = await collectOnce({
      url: `${base}/metrics`,
      metrics: ["process_*", "remote_adapter_api_requests_total", "go_goroutines"],
      drop_labels: ["handler"],
    });
    expect(result.checks).toHaveLength(1);
    const check = result.checks[0];
    expect(check?.status).toBe("ok");
    expect(check?.message).toMatch(/^kept 9 of 78 series in \d+ ms; dropped 69 not_listed$/);
    expect(check?.latency_ms).toBeGreaterThan(0);
    expect(value(result, "process_resident_memory_bytes")).toBe(192991232);
    expect(result.samples).toContainEqual({
      name: "remote_adapter_api_requests_total",
      value: 63879,
      labels: { code: "200", method: "post" },
    });
    const target = { target: "prometheus:app" };
    expect(value(result, "prometheus_series_kept", target)).toBe(9);
    expect(value(result, "prometheus_series_dropped", { ...target, reason: "not_listed" })).toBe(69);
    expect(value(result, "prometheus_invalid_lines", target)).toBe(0);
    expect(value(result, "prometheus_scrape_duration_ms", target)).toBe(check?.latency_ms);
    expect(state.seenAccept[0]).toMatch(/^text\/plain;version=0\.0\.4/);
  });

  it("turns a scraped gauge into threshold checks: ok, degraded above warn, down above crit", async () => {
    const created = await instance({
      url: `${base}/queue`,
      metrics: ["myapp_queue_depth"],
      thresholds: [
        { metric: "myapp_queue_depth", labels: { queue: "mail" }, warn_above: 100, crit_above: 1000 },
      ],
    });
    const run = async (depth: number) => {
      state.queueDepth = depth;
      const result = await created.collect(new AbortController().signal);
      expect(result.checks[0]?.status).toBe("ok");
      return result.checks[1];
    };
    expect(await run(50)).toEqual({
      monitor: "prometheus:app:myapp_queue_depth",
      status: "ok",
      message: "myapp_queue_depth = 50",
    });
    expect((await run(500))?.status).toBe("degraded");
    expect(await run(5000)).toMatchObject({
      status: "down",
      message: "myapp_queue_depth = 5000 is above crit_above 1000",
    });
  });

  it("applies thresholds to the prefixed name and to the plugin's own metrics", async () => {
    const result = await collectOnce({
      url: `${base}/queue`,
      metrics: ["myapp_*"],
      prefix: "billing.",
      thresholds: [
        { metric: "billing.myapp_queue_depth", crit_above: 10 },
        { metric: "prometheus_series_kept", crit_below: 1, name: "billing:series" },
      ],
    });
    expect(result.samples).toContainEqual({
      name: "billing.myapp_queue_depth",
      value: 50,
      labels: { queue: "mail" },
    });
    expect(result.checks.map((c) => [c.monitor, c.status])).toEqual([
      [undefined, "ok"],
      ["prometheus:app:billing.myapp_queue_depth", "down"],
      ["billing:series", "ok"],
    ]);
  });

  it("sends the bearer token and never shows it", async () => {
    logs.length = 0;
    const result = await collectOnce({ url: `${base}/private`, metrics: ["myapp_up"], bearer_token: TOKEN });
    expect(result.checks[0]?.status).toBe("ok");
    expect(state.seenAuthorization).toEqual([`Bearer ${TOKEN}`]);
    expect(JSON.stringify(result)).not.toContain(TOKEN);
    expect(logs.join("\n")).not.toContain(TOKEN);
  });

  it("sends configured headers and is down on 401 with a hint, without echoing the header", async () => {
    const result = await collectOnce({
      url: `${base}/private`,
      metrics: ["myapp_up"],
      headers: { Authorization: "Bearer wrong-secret-value" },
    });
    expect(state.seenAuthorization).toEqual(["Bearer wrong-secret-value"]);
    expect(result.checks[0]).toMatchObject({
      status: "down",
      message: "HTTP 401 Unauthorized (check bearer_token or headers)",
    });
    expect(JSON.stringify(result)).not.toContain("wrong-secret-value");
  });

  it("is down with the status on HTTP 500 and reports only the scrape duration", async () => {
    const result = await collectOnce({ url: `${base}/error`, metrics: ["myapp_*"] });
    expect(result.checks[0]).toMatchObject({ status: "down", message: "HTTP 500 Internal Server Error" });
    expect(result.samples.map((s) => s.name)).toEqual(["prometheus_scrape_duration_ms"]);
  });

  it("is down when the URL serves an HTML page, and says so", async () => {
    const result = await collectOnce({ url: `${base}/html`, metrics: ["myapp_*"] });
    expect(result.checks[0]?.status).toBe("down");
    expect(result.checks[0]?.message).toMatch(/HTML page \(text\/html\), not the Prometheus text format/);
  });

  it("is down when an HTML error page comes as text/plain", async () => {
    const result = await collectOnce({ url: `${base}/html-as-text`, metrics: ["myapp_*"] });
    expect(result.checks[0]).toMatchObject({
      status: "down",
      message: "the reply looks like HTML or XML, not the Prometheus text format",
    });
  });

  it("is down when no line of the reply is a sample", async () => {
    const result = await collectOnce({ url: `${base}/garbage`, metrics: ["myapp_*"] });
    expect(result.checks[0]?.status).toBe("down");
    expect(result.checks[0]?.message).toMatch(
      /^no Prometheus samples in the reply: 2 unreadable line\(s\), first line 1:/,
    );
  });

  it("does not follow a redirect and says where it points, without the query", async () => {
    const result = await collectOnce({ url: `${base}/redirect`, metrics: ["myapp_*"] });
    expect(result.checks[0]).toMatchObject({
      status: "down",
      message:
        "HTTP 301 Moved Permanently: redirected to /metrics; set url to the final address (redirects are not followed)",
    });
  });

  it("stops reading an endless reply at max_body_bytes and is down, without holding the rest", async () => {
    const started = performance.now();
    const result = await collectOnce({ url: `${base}/huge`, metrics: ["myapp_*"], max_body_bytes: "256KiB" });
    expect(result.checks[0]).toMatchObject({
      status: "down",
      message: "the reply is larger than max_body_bytes (262144 bytes); stopped reading",
    });
    expect(performance.now() - started).toBeLessThan(2_000);
    await expect.poll(() => state.streamClosed).toBe(true);
    // the server stopped writing soon after the limit: no more than socket buffers beyond it
    expect(state.bytesSent).toBeLessThan(16 * 1_048_576);
  });

  it("refuses a reply whose Content-Length is over max_body_bytes before reading it", async () => {
    const result = await collectOnce({
      url: `${base}/huge-declared`,
      metrics: ["myapp_*"],
      max_body_bytes: "1MB",
    });
    expect(result.checks[0]).toMatchObject({
      status: "down",
      message: "the reply is 50000000 bytes, over max_body_bytes (1000000)",
    });
  });

  it("is down by the deadline when the body never ends", async () => {
    const started = performance.now();
    const result = await collectOnce({ url: `${base}/slow-body`, metrics: ["myapp_*"] }, 400);
    const elapsed = performance.now() - started;
    expect(result.checks[0]?.status).toBe("down");
    expect(result.checks[0]?.message).toMatch(/^timed out: no complete reply within \d+ ms$/);
    // the body never ends, so returning at all proves the deadline; the bound leaves room for a
    // loaded single core (650 ms seen under taskset -c 0), not for waiting on the body
    expect(elapsed).toBeLessThan(2_000);
  });

  it("is down by the deadline when the server never answers", async () => {
    const started = performance.now();
    const result = await collectOnce({ url: `${base}/hang`, metrics: ["myapp_*"] }, 400);
    expect(result.checks[0]?.status).toBe("down");
    expect(result.checks[0]?.message).toMatch(/^timed out/);
    expect(performance.now() - started).toBeLessThan(400);
  });

  it("is down with the reason when nothing listens at the URL", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await collectOnce({ url: `http://127.0.0.1:${port}/metrics`, metrics: ["myapp_*"] });
    expect(result.checks[0]).toMatchObject({ status: "down", message: "not reachable: ECONNREFUSED" });
  });

  it("keeps judging thresholds while the endpoint is down (missing_after turns them down)", async () => {
    const result = await collectOnce({
      url: `${base}/error`,
      metrics: ["myapp_queue_depth"],
      thresholds: [{ metric: "myapp_queue_depth", warn_above: 1, missing_after: "1ms" }],
    });
    expect(result.checks.map((c) => c.status)).toEqual(["down", "down"]);
    expect(result.checks[1]?.message).toMatch(/no value since the agent started/);
  });

  it("logs unmatched allow-list entries once, with a hint for histogram family names", async () => {
    logs.length = 0;
    const created = await instance({
      url: `${base}/metrics`,
      metrics: ["remote_adapter_api_request_duration_seconds"],
    });
    await created.collect(new AbortController().signal);
    await created.collect(new AbortController().signal);
    const warnings = logs.filter((l) => l.includes("matched no series"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("remote_adapter_api_request_duration_seconds_bucket");
  });
});

describe("prometheus config", () => {
  const ok = { url: "http://127.0.0.1:9100/metrics", metrics: ["myapp_*"] };

  it("fills the defaults and names the monitor after the host", () => {
    const config = plugin.configSchema.parse(ok);
    expect(config).toMatchObject({
      max_series: 200,
      max_labels: 8,
      drop_labels: [],
      headers: {},
      max_body_bytes: 5_000_000,
      thresholds: [],
    });
    expect(plugin.defaultName?.(config)).toBe("prometheus:127.0.0.1:9100");
  });

  it.each([
    ["a missing url", { metrics: ["m"] }, ["url"]],
    ["a url that is not one", { ...ok, url: "localhost:9100/metrics" }, ["url"]],
    ["an ftp url", { ...ok, url: "ftp://host/metrics" }, ["url"]],
    ["credentials in the url", { ...ok, url: "http://user:pw@host/metrics" }, ["url"]],
    ["a missing metrics list", { url: ok.url }, ["metrics"]],
    ["an empty metrics list", { ...ok, metrics: [] }, ["metrics"]],
    ["a bare * in metrics", { ...ok, metrics: ["myapp_up", "*"] }, ["metrics", 1]],
    ["a metric pattern with a space", { ...ok, metrics: ["my app"] }, ["metrics", 0]],
    ["max_series 0", { ...ok, max_series: 0 }, ["max_series"]],
    ["max_series over 2000", { ...ok, max_series: 5000 }, ["max_series"]],
    ["max_labels over the protocol's 16", { ...ok, max_labels: 17 }, ["max_labels"]],
    ["a drop_labels entry that is no label name", { ...ok, drop_labels: ["pod-name"] }, ["drop_labels", 0]],
    ["a prefix with a space", { ...ok, prefix: "my app." }, ["prefix"]],
    ["max_body_bytes over 64 MiB", { ...ok, max_body_bytes: "1GB" }, ["max_body_bytes"]],
    ["a bad size", { ...ok, max_body_bytes: "lots" }, ["max_body_bytes"]],
    [
      "both bearer_token and an Authorization header",
      { ...ok, bearer_token: "t", headers: { authorization: "x" } },
      ["headers"],
    ],
    ["a header value with a line break", { ...ok, headers: { "X-Key": "a\r\nb" } }, ["headers", "X-Key"]],
    [
      "a threshold without a bound",
      { ...ok, thresholds: [{ metric: "myapp_up" }] },
      ["thresholds", 0, "metric"],
    ],
    [
      "a threshold on a metric the allow-list drops",
      { ...ok, thresholds: [{ metric: "other_up", crit_below: 1 }] },
      ["thresholds", 0, "metric"],
    ],
    [
      "a threshold without the prefix",
      { ...ok, prefix: "app.", thresholds: [{ metric: "myapp_up", crit_below: 1 }] },
      ["thresholds", 0, "metric"],
    ],
    [
      "a threshold on a dropped label",
      {
        ...ok,
        drop_labels: ["pod"],
        thresholds: [{ metric: "myapp_up", labels: { pod: "a" }, crit_below: 1 }],
      },
      ["thresholds", 0, "labels", "pod"],
    ],
    ["an unknown key", { ...ok, timeout_ms: 5 }, []],
  ])("rejects %s, naming the field", (_what, input, path) => {
    const parsed = plugin.configSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    const issue = parsed.error?.issues[0];
    expect(issue?.path).toEqual(path);
    if (path.length === 0) expect(JSON.stringify(parsed.error?.issues)).toContain("timeout_ms");
  });
});
