/**
 * Monitor tests on the agent (decision 0045), against a loopback HTTP server playing the backend
 * (the real BackendClient over real HTTP) and a loopback target for the real http plugin.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { MonitorTestOutcome } from "@custos/protocol";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { silentLogger } from "../log.ts";
import { plugins as registry } from "../plugins/registry.ts";
import { definePlugin, type PluginDefinition } from "../plugins/types.ts";
import { BackendClient } from "../push/client.ts";
import { MonitorTests } from "./monitor-tests.ts";

const SERVER_ID = "11111111-2222-4333-8444-555555555555";
const SECRET = "s3cr3t-token-value";
/** A `${NAME}` reference, as the dashboard writes it. */
const ref = (name: string) => `$${"{"}${name}}`;

/** Repeats its option in every text it reports, as a careless plugin's error message would. */
const echoPlugin = definePlugin({
  type: "echo",
  configSchema: z.strictObject({ token: z.string(), hang: z.boolean().default(false) }),
  defaultIntervalMs: 30_000,
  create: (config) => ({
    async collect(signal) {
      if (config.hang)
        await new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
      return {
        samples: [{ name: "echo.value", value: 1, labels: { token: config.token } }],
        checks: [
          { status: "down" as const, message: `login with ${config.token} failed (Bearer ${config.token})` },
        ],
      };
    },
  }),
}) as unknown as PluginDefinition;
const plugins = { ...registry, echo: echoPlugin };

interface Seen {
  path: string;
  body: unknown;
}
let backend: Server;
let target: Server;
let backendUrl: string;
let targetUrl: string;
const requests: Seen[] = [];
/** What the fake backend answers to a claim, in turn (then no tests). */
let claims: unknown[][] = [];

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8") || "null");
}

beforeAll(async () => {
  backend = createServer(async (req, res) => {
    const path = (req.url ?? "").replace("/functions/v1/api/agent/", "");
    requests.push({ path, body: await readBody(req) });
    res.setHeader("content-type", "application/json");
    if (path === "monitor-tests/claim") {
      const tests = claims.shift() ?? [];
      res.end(JSON.stringify({ tests }));
    } else res.end(JSON.stringify({ ok: true }));
  });
  target = createServer((_req, res) => res.writeHead(200).end("hello"));
  for (const s of [backend, target]) await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of [backend, target]) await new Promise((resolve) => s.close(resolve));
});
beforeEach(() => {
  requests.length = 0;
  claims = [];
});

function tests(env: Record<string, string> = {}, maxRunMs?: number) {
  return new MonitorTests({
    client: new BackendClient({ url: backendUrl, apiKey: "ck_test" }),
    plugins,
    env,
    serverId: () => SERVER_ID,
    log: silentLogger,
    ...(maxRunMs ? { maxRunMs } : {}),
  });
}
const id = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
/** The outcomes the agent posted, by test id. */
function results(): Record<string, MonitorTestOutcome> {
  return Object.fromEntries(
    requests
      .filter((r) => r.path.endsWith("/result"))
      .map((r) => {
        const body = r.body as { server_id: string; outcome: unknown };
        expect(body.server_id).toBe(SERVER_ID);
        return [r.path.split("/")[1] as string, MonitorTestOutcome.parse(body.outcome)];
      }),
  );
}

describe("monitor tests on the agent", () => {
  it("does nothing when the heartbeat answer has no tests_pending (a backend without monitor tests)", async () => {
    const t = tests();
    t.seen({ ok: true, server_time: new Date().toISOString(), clock_skew_ms: 0 });
    t.seen({ ok: true, server_time: new Date().toISOString(), clock_skew_ms: 0, tests_pending: false });
    t.seen("not an answer");
    t.seen(undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(requests).toEqual([]);
  });

  it("claims on tests_pending, runs the monitor once with its plugin and posts what it found", async () => {
    claims = [
      [{ id: id(1), monitor: { type: "http", name: "site", options: { url: `${targetUrl}/health` } } }],
    ];
    const t = tests();
    t.seen({ ok: true, server_time: new Date().toISOString(), clock_skew_ms: 0, tests_pending: true });
    await t.run();
    expect(requests.map((r) => r.path)).toEqual([
      "monitor-tests/claim",
      `monitor-tests/${id(1)}/result`,
      "monitor-tests/claim",
    ]);
    expect(requests[0]?.body).toEqual({ server_id: SERVER_ID });
    const outcome = results()[id(1)];
    expect(outcome?.status).toBe("ok");
    expect(outcome?.checks).toEqual([expect.objectContaining({ name: "site", status: "ok" })]);
    expect(outcome?.checks[0]?.latency_ms).toBeGreaterThanOrEqual(0);
    expect(outcome?.samples.count).toBeGreaterThan(0);
    expect(outcome?.duration_ms).toBeGreaterThanOrEqual(0);
  });

  it("resolves references from the agent's environment and refuses a monitor naming the field, as agent.yaml would", async () => {
    claims = [
      [
        { id: id(1), monitor: { type: "http", name: "a", options: { url: ref("SITE_URL") } } },
        { id: id(2), monitor: { type: "http", name: "b", options: { url: ref("MISSING_URL") } } },
        { id: id(3), monitor: { type: "http", name: "c", options: { url: ref("BAD_URL") } } },
        { id: id(4), monitor: { type: "http", name: "d", options: { url: targetUrl, colour: "red" } } },
        { id: id(5), monitor: { type: "telnet", name: "e" } },
      ],
    ];
    await tests({ SITE_URL: `${targetUrl}/`, BAD_URL: "not a url" }).run();
    const r = results();
    expect(r[id(1)]?.status).toBe("ok");
    for (const n of [2, 3, 4, 5]) expect(r[id(n)]?.status, `test ${n}`).toBe("refused");
    expect(r[id(2)]?.message).toMatch(/^monitor\.options\.url: .*MISSING_URL/);
    expect(r[id(3)]?.message).toMatch(/^monitor\.options\.url: /);
    expect(r[id(4)]?.message).toMatch(/^monitor\.options\.colour: /);
    expect(r[id(5)]?.message).toMatch(/^monitor\.type: /);
    // a refusal runs nothing: no checks, no samples
    expect(r[id(4)]).toMatchObject({ checks: [], samples: { count: 0, first: [] } });
  });

  it("never reports a secret from the environment, wherever the plugin repeats it", async () => {
    claims = [
      [{ id: id(1), monitor: { type: "echo", name: "login", options: { token: ref("API_TOKEN") } } }],
    ];
    await tests({ API_TOKEN: SECRET }).run();
    const posted = JSON.stringify(requests.map((r) => r.body));
    expect(posted).not.toContain(SECRET);
    const outcome = results()[id(1)];
    expect(outcome?.status).toBe("down");
    expect(outcome?.message).toBe("login with *** failed (Bearer ***)");
    expect(outcome?.samples.first[0]?.labels).toEqual({ token: "***" });
  });

  it("ends a monitor that hangs by the test's time limit and still reports", async () => {
    claims = [
      [
        {
          id: id(1),
          monitor: { type: "echo", name: "slow", timeout: "1h", options: { token: "x", hang: true } },
        },
      ],
    ];
    const started = Date.now();
    await tests({}, 500).run();
    expect(Date.now() - started).toBeLessThan(5_000);
    const outcome = results()[id(1)];
    expect(outcome?.status).toBe("down");
    expect(outcome?.message).toMatch(/timed out/);
  });

  it("stops after a failed claim and posts nothing (an old backend answers 404)", async () => {
    const old = createServer((_req, res) =>
      res.writeHead(404, { "content-type": "application/json" }).end("{}"),
    );
    await new Promise<void>((resolve) => old.listen(0, "127.0.0.1", resolve));
    const t = new MonitorTests({
      client: new BackendClient({
        url: `http://127.0.0.1:${(old.address() as AddressInfo).port}`,
        apiKey: "k",
      }),
      plugins,
      env: {},
      serverId: () => SERVER_ID,
      log: silentLogger,
    });
    await expect(t.run()).resolves.toBeUndefined();
    await new Promise((resolve) => old.close(resolve));
  });
});
