import { createSocket } from "node:dgram";
import { connect as connect_, createServer, type Socket } from "node:net";
import { AppMetricsMonitorOptions } from "@custos/protocol";
import { afterEach, describe, expect, it } from "vitest";
import type { PluginContext, Sample } from "../types.ts";
import { plugin } from "./index.ts";
import {
  closeAll,
  collectAfterLines,
  forget,
  freePort,
  type Harness,
  sendStatsd,
  start,
  TOKEN,
} from "./test-harness.ts";

afterEach(closeAll);

function post(h: Harness, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${h.http}/v1/metrics`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const emittedSamples = (h: Harness): Sample[] => h.emitted.flatMap((c) => c.samples);

describe("app_metrics HTTP endpoint", () => {
  it("stores one metric at once and answers 202 with the count", async () => {
    const h = await start();
    const response = await post(h, { name: "queue_depth", value: 42, labels: { queue: "mail" } });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 1, dropped: 0 });
    expect(emittedSamples(h)).toEqual([
      expect.objectContaining({ name: "queue_depth", value: 42, labels: { queue: "mail" } }),
    ]);
  });

  it("stores a list with the timestamps it carries", async () => {
    const h = await start();
    const ts = Date.now() - 60_000;
    const response = await post(h, [
      { name: "jobs_done", value: 3, ts },
      { name: "jobs_failed", value: 1, ts: new Date(ts).toISOString() },
    ]);
    expect(response.status).toBe(202);
    expect(emittedSamples(h).map((s) => [s.name, s.ts])).toEqual([
      ["jobs_done", ts],
      ["jobs_failed", ts],
    ]);
  });

  it.each([
    ["malformed JSON", "{name: 1", "body"],
    ["a number for a body", "42", "body"],
    ["an empty list", "[]", "body"],
    ["a missing value", { name: "q" }, "value"],
    ["a string value", { name: "q", value: "12" }, "value"],
    ["a name with spaces", { name: "queue depth", value: 1 }, "name"],
    ["an unknown key", { name: "q", value: 1, unit: "ms" }, "body"],
    ["a bad label name", { name: "q", value: 1, labels: { "bad-label": "x" } }, "labels.bad-label"],
    ["a timestamp a day ahead", { name: "q", value: 1, ts: Date.now() + 86_400_000 }, "ts"],
    [
      "the third item's value",
      [{ name: "a", value: 1 }, { name: "b", value: 2 }, { name: "c" }],
      "[2].value",
    ],
  ])("refuses %s with 400 naming the field and stores nothing", async (_why, body, field) => {
    const h = await start();
    const response = await post(h, body);
    expect(response.status).toBe(400);
    const answer = (await response.json()) as { error: { code: string; field: string; message: string } };
    expect(answer.error.code).toBe("INVALID_BODY");
    expect(answer.error.field).toBe(field);
    expect(answer.error.message).toContain(field);
    expect(h.emitted).toEqual([]);
  });

  it("refuses a body over 256 KiB with 413, declared or streamed", async () => {
    const h = await start();
    const big = JSON.stringify(
      Array.from({ length: 1000 }, (_, i) => ({
        name: `m${i}`,
        value: i,
        labels: { pad: "x".repeat(200), pad2: "y".repeat(50) },
      })),
    );
    expect(big.length).toBeGreaterThan(262_144);
    const declared = await post(h, big);
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { error: { field: string } }).error.field).toBe("body");
    const streamed = await fetch(`${h.http}/v1/metrics`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: new Blob([big]).stream(),
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(h.emitted).toEqual([]);
  });

  it("refuses more than 1,000 metrics in one request", async () => {
    const h = await start();
    const response = await post(
      h,
      Array.from({ length: 1001 }, () => ({ name: "a", value: 1 })),
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain(
      "at most 1000",
    );
  });

  it("asks for the token when one is configured: none, wrong and right", async () => {
    const h = await start({ token: TOKEN });
    const metric = { name: "q", value: 1 };
    const none = await post(h, metric);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { field: string } }).error.field).toBe("authorization");
    expect((await post(h, metric, { authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
    expect((await post(h, metric, { authorization: TOKEN })).status).toBe(401);
    expect((await post(h, metric, { authorization: `Bearer ${TOKEN}` })).status).toBe(202);
    expect(emittedSamples(h)).toHaveLength(1);
  });

  it("refuses what a web page could send: text/plain, compressed bodies and a foreign Host", async () => {
    const h = await start();
    const text = await post(h, { name: "q", value: 1 }, { "content-type": "text/plain" });
    expect(text.status).toBe(415);
    expect(((await text.json()) as { error: { field: string } }).error.field).toBe("content-type");
    expect((await post(h, { name: "q", value: 1 }, { "content-encoding": "gzip" })).status).toBe(415);
    const rebinding = await new Promise<number>((resolve, reject) => {
      // fetch will not let a test set Host; node:http will
      import("node:http").then(({ request }) => {
        const req = request(
          `${h.http}/v1/metrics`,
          { method: "POST", headers: { host: "evil.example:8127", "content-type": "application/json" } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on("error", reject);
        req.end(JSON.stringify({ name: "q", value: 1 }));
      }, reject);
    });
    expect(rebinding).toBe(403);
    expect(h.emitted).toEqual([]);
  });

  it("answers 404 elsewhere, 405 for other methods, 200 on /v1/health", async () => {
    const h = await start();
    expect((await fetch(`${h.http}/metrics`)).status).toBe(404);
    const get = await fetch(`${h.http}/v1/metrics`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect((await fetch(`${h.http}/v1/health`)).status).toBe(200);
  });

  it("drops and counts samples above max_samples_per_second with 429, and reports the drops", async () => {
    const h = await start({ max_samples_per_second: 50 });
    const burst = Array.from({ length: 200 }, (_, i) => ({ name: "flood", value: i }));
    const response = await post(h, burst);
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("1");
    const answer = (await response.json()) as { accepted: number; dropped: number };
    expect(answer.accepted).toBe(50);
    expect(answer.dropped).toBe(150);
    expect(emittedSamples(h)).toHaveLength(50);

    const collected = await h.instance.collect(new AbortController().signal);
    expect(collected.checks[0]).toMatchObject({ status: "degraded" });
    expect(collected.checks[0]?.message).toContain("150 by max_samples_per_second");
    const dropped = collected.samples.find(
      (s) => s.name === "app_metrics_dropped_total" && s.labels?.reason === "rate",
    );
    expect(dropped?.value).toBe(150);
    // the next quiet interval is ok again, and the total stays
    const next = await h.instance.collect(new AbortController().signal);
    expect(next.checks[0]?.status).toBe("ok");
    expect(
      next.samples.find((s) => s.name === "app_metrics_dropped_total" && s.labels?.reason === "rate")?.value,
    ).toBe(150);
  });

  it("drops names beyond max_names but keeps storing known ones", async () => {
    const h = await start({ max_names: 2 });
    const response = await post(h, [
      { name: "a", value: 1 },
      { name: "b", value: 1 },
      { name: "c", value: 1 },
    ]);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({
      accepted: 2,
      dropped: 1,
      dropped_by_reason: { names: 1, series: 0, rate: 0, invalid: 0 },
    });
    expect((await post(h, { name: "a", value: 2 })).status).toBe(202);
    expect(emittedSamples(h).map((s) => s.name)).toEqual(["a", "b", "a"]);
  });

  it("refuses connections past 128 open ones and serves again once they close", async () => {
    const h = await start();
    const port = Number(new URL(h.http).port);
    const connect = () =>
      new Promise<Socket>((resolve, reject) => {
        const socket = connect_(port, "127.0.0.1", () => resolve(socket));
        socket.once("error", reject);
      });
    const held: Socket[] = [];
    try {
      for (let i = 0; i < 128; i++) held.push(await connect());
      const extra = await connect();
      // the server closes the connection it will not serve
      const closed = await new Promise<boolean>((resolve) => {
        extra.once("close", () => resolve(true));
        setTimeout(() => resolve(false), 2_000);
      });
      expect(closed).toBe(true);
    } finally {
      for (const socket of held) socket.destroy();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await fetch(`${h.http}/v1/health`)).status).toBe(200);
  });

  it("answers 503 and keeps running when the buffer cannot store", async () => {
    const h = await start();
    const failing = h as Harness;
    const original = failing.emitted.push.bind(failing.emitted);
    failing.emitted.push = () => {
      throw new Error("database is locked");
    };
    const response = await post(h, { name: "q", value: 1 });
    expect(response.status).toBe(503);
    failing.emitted.push = original;
    expect((await post(h, { name: "q", value: 2 })).status).toBe(202);
  });
});

describe("app_metrics StatsD listener", () => {
  it("sums counters, reduces timers and counts garbage lines per interval", async () => {
    const h = await start();
    await sendStatsd(h.statsdPort, [
      "jobs_done:1|c\njobs_done:2|c\njobs_done:1|c|@0.5",
      ...Array.from({ length: 20 }, (_, i) => `render:${(i + 1) * 10}|ms`),
      "queue:12|g",
      "this is not statsd",
      "x:abc|c\ny:1|q",
    ]);
    const collected = await collectAfterLines(h, 27);
    const value = (name: string) => collected.samples.find((s) => s.name === name)?.value;
    expect(value("jobs_done")).toBe(5);
    expect(value("render.count")).toBe(20);
    expect(value("render.mean")).toBe(105);
    expect(value("render.p95")).toBe(190);
    expect(value("render.max")).toBe(200);
    expect(value("queue")).toBe(12);
    expect(value("app_metrics_statsd_invalid_lines_total")).toBe(3);
    // the next interval starts from zero for counters and timers
    const next = await h.instance.collect(new AbortController().signal);
    expect(next.samples.find((s) => s.name === "jobs_done")?.value).toBe(0);
    expect(next.samples.find((s) => s.name === "render.count")?.value).toBe(0);
  });

  it("flushes the last interval through emit when the agent stops", async () => {
    const h = await start();
    await sendStatsd(h.statsdPort, ["late:7|c"]);
    await collectAfterLines(h, 1);
    await sendStatsd(h.statsdPort, ["late:3|c"]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await h.instance.close?.();
    forget(h.instance);

    expect(emittedSamples(h).find((s) => s.name === "late")?.value).toBe(3);
  });
});

describe("app_metrics thresholds and lifecycle", () => {
  it("turns a threshold on a received metric into a check", async () => {
    const h = await start({
      thresholds: [
        { metric: "queue_depth", warn_above: 100, crit_above: 1000 },
        { metric: "heartbeat_job", missing_after: "1s" },
      ],
    });
    await post(h, { name: "queue_depth", value: 5000 });
    const collected = await h.instance.collect(new AbortController().signal);
    expect(collected.checks.slice(1)).toEqual([
      expect.objectContaining({
        monitor: "app:queue_depth",
        status: "down",
        message: "queue_depth = 5000 is above crit_above 1000",
      }),
      expect.objectContaining({ monitor: "app:heartbeat_job", status: "ok" }),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const later = await h.instance.collect(new AbortController().signal);
    expect(later.checks[2]).toMatchObject({ status: "down" });
  });

  it("keeps its counters across restarts through the plugin state", async () => {
    const state = new Map<string, unknown>();
    const first = await start({}, state);
    await post(first, [
      { name: "a", value: 1 },
      { name: "b", value: 1 },
    ]);
    await first.instance.collect(new AbortController().signal);
    await first.instance.close?.();
    forget(first.instance);

    const second = await start({}, state);
    await post(second, { name: "a", value: 1 });
    const collected = await second.instance.collect(new AbortController().signal);
    const http = collected.samples.find(
      (s) => s.name === "app_metrics_received_total" && s.labels?.source === "http",
    );
    expect(http?.value).toBe(3);
  });

  it("fails with the reason when its port is taken, and frees what it opened", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const taken = (blocker.address() as { port: number }).port;
    const statsd = await freePort();
    const config = AppMetricsMonitorOptions.parse({ http_port: taken, statsd_port: statsd });
    const ctx = {
      monitorName: "app",
      timeoutMs: 1_000,
      log: { info: () => undefined, warn: () => undefined },
      exec: () => Promise.reject(new Error("no")),
      state: { get: () => undefined, set: () => undefined },
      emit: () => undefined,
    } satisfies PluginContext;
    await expect(plugin.create(config, ctx)).rejects.toThrow(/cannot listen: .*EADDRINUSE/);
    blocker.close();
    // the StatsD port is not left bound by the failed attempt
    const socket = createSocket("udp4");
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(statsd, "127.0.0.1", resolve);
    });
    socket.close();
  });
});

describe("app_metrics config", () => {
  it.each([
    [{ http_port: false, statsd_port: false }, "http_port"],
    [{ http_port: 9000, statsd_port: 9000 }, "statsd_port"],
    [{ http_port: 70_000 }, "http_port"],
    [{ bind: "0.0.0.0", statsd_port: false }, "token"],
    [{ bind: "0.0.0.0", token: TOKEN }, "statsd_port"],
    [{ bind: "my host" }, "bind"],
    [{ token: "short" }, "token"],
    [{ max_samples_per_second: 0 }, "max_samples_per_second"],
    [{ max_names: -1 }, "max_names"],
    [{ thresholds: [{ metric: "q" }] }, "thresholds"],
    [{ listen: 1 }, ""],
  ])("refuses %o, naming %s", (input, field) => {
    const result = AppMetricsMonitorOptions.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path.join(".") ?? "").toContain(field);
  });

  it("binds to loopback with both listeners on by default", () => {
    expect(AppMetricsMonitorOptions.parse({})).toMatchObject({
      bind: "127.0.0.1",
      http_port: 8127,
      statsd_port: 8125,
    });
  });
});
