/**
 * The dns plugin end to end: node:dns asks a tiny real DNS server on 127.0.0.1 UDP (through the
 * `server` option), and DDNS mode learns "its public address" from a loopback HTTP server.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DnsMonitorOptions } from "@custos/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Collected, PluginContext } from "../types.ts";
import { plugin } from "./index.ts";
import { startTestDnsServer, type TestDnsServer } from "./test-dns-server.ts";

let dns: TestDnsServer;
let lookup: Server;
let lookupUrl: string;
/** What the lookup server answers as "your public address". */
const publicReply = { status: 200, body: "203.0.113.7", contentType: "text/plain" };

beforeAll(async () => {
  dns = await startTestDnsServer({
    "example.test": {
      A: ["192.0.2.10", "192.0.2.11"],
      AAAA: ["2001:db8::10"],
      MX: ["10 mail.example.test"],
      TXT: ["v=spf1 -all"],
    },
    "www.example.test": { CNAME: ["example.test"] },
    "home.example.test": { A: ["203.0.113.7"], AAAA: ["2001:db8::42"] },
    "broken.example.test": { servfail: true },
    "slow.example.test": { A: ["192.0.2.99"], delayMs: 3_000 },
    "lagging.example.test": { A: ["192.0.2.98"], delayMs: 150 },
  });
  lookup = createServer((_req, res) => {
    res.writeHead(publicReply.status, { "content-type": publicReply.contentType }).end(publicReply.body);
  });
  await new Promise<void>((resolve) => lookup.listen(0, "127.0.0.1", resolve));
  lookupUrl = `http://127.0.0.1:${(lookup.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await dns?.close();
  await new Promise<void>((resolve) => lookup.close(() => resolve()));
});

function context(state = new Map<string, unknown>(), timeoutMs = 2_000): PluginContext {
  return {
    monitorName: "dns",
    timeoutMs,
    log: { info: () => undefined, warn: () => undefined },
    exec: () => Promise.reject(new Error("not used")),
    state: {
      get: <T>(key: string) => state.get(key) as T | undefined,
      set: (key, value) => state.set(key, value),
    },
  };
}

async function collect(options: Record<string, unknown>, ctx = context()): Promise<Collected> {
  const config = plugin.configSchema.parse({ server: dns.address, ...options });
  const instance = await plugin.create(config, ctx);
  return instance.collect(new AbortController().signal);
}

describe("dns queries against a DNS server on loopback", () => {
  it("resolves A, AAAA, CNAME, MX and TXT records and checks the expected answers", async () => {
    const result = await collect({
      queries: [
        { name: "example.test", type: "A", expect: ["192.0.2.10", "192.0.2.11"], match: "exact" },
        { name: "example.test", type: "AAAA", expect: ["2001:0db8::0010"] },
        { name: "www.example.test", type: "CNAME", expect: ["example.test."] },
        { name: "example.test", type: "MX", expect: ["10 mail.example.test"] },
        { name: "example.test", type: "TXT", expect: ["v=spf1 -all"] },
      ],
    });
    expect(result.checks.map((c) => [c.monitor, c.status])).toEqual([
      ["dns:example.test/A", "ok"],
      ["dns:example.test/AAAA", "ok"],
      ["dns:www.example.test/CNAME", "ok"],
      ["dns:example.test/MX", "ok"],
      ["dns:example.test/TXT", "ok"],
    ]);
    expect(result.checks[0]?.message).toMatch(/^example\.test A: 192\.0\.2\.10, 192\.0\.2\.11 in \d+ ms$/);
    expect(result.samples).toContainEqual({
      name: "dns.answers",
      value: 2,
      labels: { name: "example.test", type: "A" },
    });
    expect(result.samples).toContainEqual({
      name: "dns.match",
      value: 1,
      labels: { name: "example.test", type: "TXT" },
    });
    const timing = result.samples.find((s) => s.name === "dns.resolve_ms");
    expect(timing?.value).toBeGreaterThanOrEqual(0);
    expect(dns.queries).toContainEqual({ name: "www.example.test", type: "CNAME" });
  });

  it("is down when the answer differs from what is expected", async () => {
    const result = await collect({
      queries: [{ name: "example.test", expect: ["192.0.2.10"], match: "exact" }],
    });
    expect(result.checks).toEqual([
      expect.objectContaining({
        status: "down",
        message: "example.test A: unexpected 192.0.2.11 (got 192.0.2.10, 192.0.2.11)",
      }),
    ]);
    expect(result.checks[0]?.monitor).toBeUndefined();
  });

  it.each([
    ["missing.example.test", "A", "missing.example.test A: name does not exist (NXDOMAIN) (ENOTFOUND)"],
    ["www.example.test", "TXT", "www.example.test TXT: no record of this type (ENODATA)"],
    ["broken.example.test", "A", "broken.example.test A: resolver failed (SERVFAIL) (ESERVFAIL)"],
  ])("is down for %s %s with the reason", async (name, type, message) => {
    const result = await collect({ queries: [{ name, type }] });
    expect(result.checks[0]).toMatchObject({ status: "down", message });
  });

  it("is degraded when resolution is slower than slow_ms", async () => {
    const result = await collect({ queries: [{ name: "lagging.example.test" }], slow_ms: 50 });
    expect(result.checks[0]?.status).toBe("degraded");
    expect(result.checks[0]?.message).toMatch(
      /^lagging\.example\.test A: slow, \d+ ms \(limit 50 ms\): 192\.0\.2\.98$/,
    );
  });

  it("gives up at the check timeout when the resolver does not answer", async () => {
    const started = Date.now();
    const result = await collect({ queries: [{ name: "slow.example.test" }] }, context(new Map(), 500));
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(result.checks[0]).toMatchObject({
      status: "down",
      message: "slow.example.test A: resolver timed out (ETIMEOUT)",
    });
  });
});

describe("DDNS mode", () => {
  it("follows the public address: ok, then down with an event when it changes, then ok when DNS catches up", async () => {
    const state = new Map<string, unknown>();
    const ctx = context(state);
    const options = { ddns: { name: "home.example.test", ip_lookup_url: lookupUrl } };

    publicReply.body = "203.0.113.7";
    const first = await collect(options, ctx);
    expect(first.checks[0]).toMatchObject({
      status: "ok",
      message: "home.example.test A = 203.0.113.7, matches this host's public address",
    });
    expect(first.events).toEqual([]);
    expect(first.samples).toContainEqual({
      name: "dns.ddns.match",
      value: 1,
      labels: { name: "home.example.test" },
    });

    publicReply.body = "198.51.100.23\n";
    const changed = await collect(options, ctx);
    expect(changed.checks[0]?.status).toBe("down");
    expect(changed.checks[0]?.message).toMatch(
      /^home\.example\.test A = 203\.0\.113\.7, but this host's public address is 198\.51\.100\.23; the public address changed 0 min ago$/,
    );
    expect(changed.events).toEqual([
      {
        kind: "ddns_public_address_changed",
        message: "public IPv4 address changed from 203.0.113.7 to 198.51.100.23",
        data: { name: "home.example.test", previous: "203.0.113.7", current: "198.51.100.23" },
      },
    ]);
    expect((state.get("ddns_history") as { address: string }[]).map((h) => h.address)).toEqual([
      "203.0.113.7",
      "198.51.100.23",
    ]);

    const zone = dns.zone["home.example.test"];
    if (zone) zone.A = ["198.51.100.23"];
    const caughtUp = await collect(options, ctx);
    expect(caughtUp.checks[0]?.status).toBe("ok");
    expect(caughtUp.events).toEqual([]);
    expect(caughtUp.samples).toContainEqual(
      expect.objectContaining({ name: "dns.ddns.seconds_since_address_change" }),
    );
    if (zone) zone.A = ["203.0.113.7"];
    publicReply.body = "203.0.113.7";
  });

  it("checks an AAAA record against a JSON lookup reply", async () => {
    publicReply.body = '{"ip":"2001:db8:0:0:0:0:0:42"}';
    publicReply.contentType = "application/json";
    try {
      const result = await collect({
        ddns: { name: "home.example.test", record: "AAAA", ip_lookup_url: lookupUrl },
      });
      expect(result.checks[0]).toMatchObject({
        status: "ok",
        message: "home.example.test AAAA = 2001:db8::42, matches this host's public address",
      });
    } finally {
      publicReply.body = "203.0.113.7";
      publicReply.contentType = "text/plain";
    }
  });

  it("is degraded, not down, when the lookup service answers nonsense", async () => {
    publicReply.status = 503;
    try {
      const result = await collect({ ddns: { name: "home.example.test", ip_lookup_url: lookupUrl } });
      expect(result.checks[0]).toMatchObject({
        status: "degraded",
        message: "home.example.test A: cannot learn this host's public address: HTTP 503",
      });
    } finally {
      publicReply.status = 200;
    }
  });

  it("reports queries and DDNS as separate checks in one monitor", async () => {
    const result = await collect({
      queries: [{ name: "example.test" }],
      ddns: { name: "home.example.test", ip_lookup_url: lookupUrl },
    });
    expect(result.checks.map((c) => [c.monitor, c.status])).toEqual([
      ["dns:example.test/A", "ok"],
      ["dns:ddns", "ok"],
    ]);
  });
});

describe("dns config", () => {
  it("needs a query or ddns and names unknown keys", () => {
    expect(DnsMonitorOptions.safeParse({}).success).toBe(false);
    const unknown = DnsMonitorOptions.safeParse({ queries: [{ name: "example.com", typ: "A" }] });
    expect(JSON.stringify(unknown.error?.issues)).toContain("typ");
  });

  it.each(["1.1.1.1", "127.0.0.1:5353", "2606:4700::1111", "[::1]:5353"])("accepts server %s", (server) => {
    expect(DnsMonitorOptions.safeParse({ server, queries: [{ name: "example.com" }] }).success).toBe(true);
  });

  it.each(["dns.google", "1.1.1.1:99999", "[1.1.1.1]:53"])("rejects server %s", (server) => {
    expect(DnsMonitorOptions.safeParse({ server, queries: [{ name: "example.com" }] }).success).toBe(false);
  });

  it("defaults DDNS to an A record looked up at api.ipify.org", () => {
    expect(DnsMonitorOptions.parse({ ddns: { name: "home.example.net" } }).ddns).toEqual({
      name: "home.example.net",
      record: "A",
      ip_lookup_url: "https://api.ipify.org",
    });
  });
});
