import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HttpMonitorOptions } from "@custos/protocol";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { selfSignedCertificate } from "../../../test/helpers/self-signed.ts";
import type { Collected, PluginContext } from "../types.ts";
import { plugin } from "./index.ts";

function testContext(timeoutMs = 5_000): PluginContext {
  const state = new Map<string, unknown>();
  return {
    monitorName: "http:test",
    timeoutMs,
    log: { info() {}, warn() {} },
    exec: () => Promise.reject(new Error("the http plugin runs no commands")),
    state: {
      get: <T>(key: string) => state.get(key) as T | undefined,
      set: (key, value) => state.set(key, value),
    },
  };
}

async function check(options: Record<string, unknown>, timeoutMs?: number): Promise<Collected> {
  const instance = await plugin.create(HttpMonitorOptions.parse(options), testContext(timeoutMs));
  return instance.collect(new AbortController().signal);
}

const value = (collected: Collected, name: string) =>
  collected.samples.find((sample) => sample.name === name)?.value;

type Handler = (request: http.IncomingMessage, response: http.ServerResponse, count: number) => void;
const servers: (http.Server | https.Server)[] = [];

/** A real server on 127.0.0.1; `requests` counts what reached the handler. */
async function serve(handler: Handler, tls?: { key: string; cert: string }) {
  let count = 0;
  const listener = (request: http.IncomingMessage, response: http.ServerResponse) => {
    count += 1;
    handler(request, response, count);
  };
  const server = tls ? https.createServer(tls, listener) : http.createServer(listener);
  let connections = 0;
  server.on("connection", () => {
    connections += 1;
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    requests: () => count,
    connections: () => connections,
  };
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe("http plugin against a local HTTP server", () => {
  it("reports ok with status code, latency and the keyword found", async () => {
    const server = await serve((_, response) => response.end("<h1>Hello from Custos</h1>"));
    const collected = await check({ url: `${server.url}/health`, keyword: "Custos" });
    expect(collected.checks[0]).toMatchObject({
      status: "ok",
      message: expect.stringMatching(/^200 OK in \d+ ms$/),
    });
    expect(value(collected, "http.status_code")).toBe(200);
    expect(value(collected, "http.latency_ms")).toBeGreaterThan(0);
    expect(value(collected, "http.keyword_found")).toBe(1);
    expect(collected.samples.every((sample) => sample.labels?.monitor === "http:test")).toBe(true);
  });

  it("goes down on a wrong status after retrying", async () => {
    const server = await serve((_, response) => {
      response.statusCode = 500;
      response.end("boom");
    });
    const collected = await check({ url: server.url, retries: 1, retry_delay: "10ms" });
    expect(collected.checks[0]).toMatchObject({
      status: "down",
      message: "expected status 200-399, got 500 Internal Server Error (2 attempts)",
    });
    expect(server.requests()).toBe(2);
    expect(value(collected, "http.status_code")).toBe(500);
  });

  it("accepts a status listed in expected_status", async () => {
    const server = await serve((_, response) => {
      response.statusCode = 401;
      response.end();
    });
    const collected = await check({ url: server.url, expected_status: [200, 401] });
    expect(collected.checks[0]?.status).toBe("ok");
  });

  it("goes down when the keyword is missing from the page", async () => {
    const server = await serve((_, response) => response.end("<h1>Maintenance</h1>"));
    const collected = await check({ url: server.url, keyword: "Welcome", retries: 0 });
    expect(collected.checks[0]).toMatchObject({
      status: "down",
      message: 'keyword "Welcome" not found in the response',
    });
    expect(value(collected, "http.keyword_found")).toBe(0);
  });

  it("goes down when keyword_absent appears in the page", async () => {
    const server = await serve((_, response) => response.end("<h1>Maintenance</h1>"));
    const collected = await check({ url: server.url, keyword_absent: "Maintenance", retries: 0 });
    expect(collected.checks[0]).toMatchObject({
      status: "down",
      message: '"Maintenance" found in the response',
    });
  });

  it("goes down after every retry has timed out against a slow server", async () => {
    const server = await serve((_, response) => {
      setTimeout(() => response.end("late"), 1_500).unref();
    });
    const collected = await check(
      { url: server.url, retries: 2, attempt_timeout: "200ms", retry_delay: "10ms" },
      3_000,
    );
    expect(collected.checks[0]).toMatchObject({
      status: "down",
      message: "no answer within 200 ms (3 attempts)",
    });
    expect(server.requests()).toBe(3);
    expect(value(collected, "http.status_code")).toBeUndefined();
  });

  it("gives up by the monitor's timeout even when attempt_timeout is longer", async () => {
    const server = await serve((_, response) => {
      setTimeout(() => response.end("late"), 5_000).unref();
    });
    const started = performance.now();
    const collected = await check({ url: server.url, retries: 3, attempt_timeout: "5s" }, 800);
    // 800 ms minus a safety margin for the runtime: one attempt, cut at about 720 ms, no retry.
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(collected.checks[0]).toMatchObject({
      status: "down",
      message: expect.stringMatching(/^no answer within 7\d\d ms$/),
    });
    expect(server.requests()).toBe(1);
  });

  it("is ok when the retry succeeds on the 2nd try", async () => {
    const server = await serve((_, response, count) => {
      response.statusCode = count === 1 ? 503 : 200;
      response.end();
    });
    const collected = await check({ url: server.url, retries: 2, retry_delay: "10ms" });
    expect(collected.checks[0]).toMatchObject({
      status: "ok",
      message: expect.stringMatching(/^200 OK in \d+ ms \(2nd attempt\)$/),
    });
    expect(server.requests()).toBe(2);
  });

  it("sends HEAD and the configured headers", async () => {
    let seen: { method?: string; token?: string | string[] } = {};
    const server = await serve((request, response) => {
      seen = { method: request.method, token: request.headers["x-token"] };
      response.end();
    });
    await check({ url: server.url, method: "HEAD", headers: { "X-Token": "s3cret" } });
    expect(seen).toEqual({ method: "HEAD", token: "s3cret" });
  });

  it("goes down with a clear message when nothing listens on the port", async () => {
    const server = await serve((_, response) => response.end());
    const url = server.url;
    for (const open of servers.splice(0)) await new Promise((resolve) => open.close(resolve));
    const collected = await check({ url, retries: 0 });
    expect(collected.checks[0]).toMatchObject({
      status: "down",
      message: `${new URL(url).host}: connection refused (ECONNREFUSED)`,
    });
  });
});

describe("http plugin against a local HTTPS server", () => {
  let dir: string;
  let cert30: { key: string; cert: string; certFile: string };
  let cert5: { key: string; cert: string };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "custos-http-"));
    cert30 = selfSignedCertificate(dir, { days: 30 });
    cert5 = selfSignedCertificate(dir, { days: 5 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reports the certificate's days left when verification is skipped", async () => {
    const server = await serve((_, response) => response.end("ok"), cert30);
    const collected = await check({ url: server.url, tls_skip_verify: true });
    expect(collected.checks[0]).toMatchObject({
      status: "ok",
      message: expect.stringMatching(/^200 OK in \d+ ms, certificate valid 29 more days$/),
    });
    expect(value(collected, "http.tls_days_left")).toBe(29);
  });

  it("goes down on an untrusted certificate with a clear message, without retrying", async () => {
    const server = await serve((_, response) => response.end("ok"), cert30);
    const collected = await check({ url: server.url, retries: 2, retry_delay: "10ms" });
    expect(collected.checks[0]).toMatchObject({
      status: "down",
      message:
        "TLS certificate not trusted: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT); set tls_ca_file, or tls_skip_verify: true to check it anyway",
    });
    expect(server.connections()).toBe(1);
    expect(server.requests()).toBe(0);
  });

  it("trusts a certificate signed by the CA in tls_ca_file", async () => {
    const server = await serve((_, response) => response.end("ok"), cert30);
    const collected = await check({ url: server.url, tls_ca_file: cert30.certFile });
    expect(collected.checks[0]?.status).toBe("ok");
    expect(value(collected, "http.tls_days_left")).toBe(29);
  });

  it("is degraded when the certificate expires within tls_warn_days", async () => {
    const server = await serve((_, response) => response.end("ok"), cert5);
    const collected = await check({ url: server.url, tls_skip_verify: true });
    expect(collected.checks[0]).toMatchObject({
      status: "degraded",
      message: expect.stringMatching(/; TLS certificate expires in 4 day\(s\), on \d{4}-\d\d-\d\d$/),
    });
  });

  it("reports a missing tls_ca_file when the monitor is created", async () => {
    await expect(
      plugin.create(
        HttpMonitorOptions.parse({ url: "https://127.0.0.1", tls_ca_file: join(dir, "nope.pem") }),
        testContext(),
      ),
    ).rejects.toThrow(/tls_ca_file: cannot read .*nope\.pem \(ENOENT\)/);
  });
});
