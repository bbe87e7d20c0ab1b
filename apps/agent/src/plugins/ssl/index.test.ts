/**
 * The ssl plugin against real TLS servers on 127.0.0.1 with certificates generated at test time
 * by openssl: a private CA (trusted through ca_file), one leaf per case.
 */
import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Collected, PluginContext } from "../types.ts";
import { plugin } from "./index.ts";
import { type CertCase, makeTestCertificates, type TestCertificates } from "./test-certs.ts";

let certs: TestCertificates;
const servers: Server[] = [];
const ports = {} as Record<CertCase, number>;

beforeAll(async () => {
  certs = makeTestCertificates();
  for (const [name, pair] of Object.entries(certs.cases) as [CertCase, { key: string; cert: string }][]) {
    const server = createServer({ key: pair.key, cert: pair.cert }, (socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    servers.push(server);
    ports[name] = (server.address() as AddressInfo).port;
  }
}, 60_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  certs?.cleanup();
});

function context(timeoutMs = 5_000): PluginContext {
  return {
    monitorName: "ssl",
    timeoutMs,
    log: { info: () => undefined, warn: () => undefined },
    exec: () => Promise.reject(new Error("not used")),
    state: { get: () => undefined, set: () => undefined },
  };
}

async function collect(options: Record<string, unknown>, timeoutMs?: number): Promise<Collected> {
  const config = plugin.configSchema.parse(options);
  const instance = await plugin.create(config, context(timeoutMs));
  return instance.collect(new AbortController().signal);
}

const trusted = () => ({ ca_file: certs.caFile, servername: "localhost" });

describe("ssl plugin against TLS servers on loopback", () => {
  it("is ok for a certificate from the trusted CA that matches the name and has a year left", async () => {
    const result = await collect({ targets: [`127.0.0.1:${ports.valid}`], ...trusted() });
    const target = `127.0.0.1:${ports.valid}`;
    expect(result.checks).toEqual([
      expect.objectContaining({
        monitor: `ssl:${target}`,
        status: "ok",
        message: expect.stringMatching(/^valid, expires in 36\d/),
      }),
    ]);
    expect(result.samples).toContainEqual({ name: "ssl.chain_valid", value: 1, labels: { target } });
    expect(result.samples).toContainEqual({ name: "ssl.hostname_match", value: 1, labels: { target } });
    const days = result.samples.find((s) => s.name === "ssl.days_left")?.value ?? 0;
    expect(days).toBeGreaterThan(363);
  });

  it("is ok by IP address when the certificate lists the IP and no servername is set", async () => {
    const result = await collect({ targets: [`127.0.0.1:${ports.valid}`], ca_file: certs.caFile });
    expect(result.checks[0]?.status).toBe("ok");
  });

  it("checks several targets in one collection, one check each", async () => {
    const result = await collect({
      targets: [`127.0.0.1:${ports.valid}`, `127.0.0.1:${ports.warn}`, `127.0.0.1:${ports.soon}`],
      ...trusted(),
    });
    expect(result.checks.map((c) => c.status)).toEqual(["ok", "degraded", "down"]);
    expect(result.checks[1]?.message).toMatch(/expires in 9\.\d day\(s\) .*below 14/);
    expect(result.checks[2]?.message).toMatch(/expires in 2\.\d day\(s\) .*below 7/);
  });

  it("honours custom warn_days and crit_days", async () => {
    const result = await collect({
      targets: [`127.0.0.1:${ports.soon}`],
      ...trusted(),
      warn_days: 5,
      crit_days: 1,
    });
    expect(result.checks[0]?.status).toBe("degraded");
  });

  it("is down for an expired certificate", async () => {
    const result = await collect({ targets: [`127.0.0.1:${ports.expired}`], ...trusted() });
    expect(result.checks[0]?.status).toBe("down");
    expect(result.checks[0]?.message).toMatch(/^expired \d+ day\(s\) ago \(2020-02-01\)$/);
  });

  it("is down when the certificate is for another host name", async () => {
    const result = await collect({ targets: [`127.0.0.1:${ports.wrongHost}`], ...trusted() });
    expect(result.checks[0]?.status).toBe("down");
    expect(result.checks[0]?.message).toMatch(/^name mismatch: .*DNS:wrong\.example$/);
    expect(result.samples).toContainEqual(expect.objectContaining({ name: "ssl.chain_valid", value: 1 }));
    expect(result.samples).toContainEqual(expect.objectContaining({ name: "ssl.hostname_match", value: 0 }));
  });

  it("is down for a self-signed certificate, and for the valid one without the private CA", async () => {
    const result = await collect({
      targets: [`127.0.0.1:${ports.selfSigned}`, `127.0.0.1:${ports.valid}`],
      servername: "localhost",
    });
    expect(result.checks[0]?.message).toBe("chain not trusted: DEPTH_ZERO_SELF_SIGNED_CERT");
    expect(result.checks[1]?.message).toMatch(/^chain not trusted: UNABLE_TO_VERIFY_LEAF_SIGNATURE$/);
    expect(result.checks.map((c) => c.status)).toEqual(["down", "down"]);
  });

  it("is down when nothing listens, and when ca_file cannot be read", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = await collect({ targets: [`127.0.0.1:${port}`] });
    expect(refused.checks[0]).toMatchObject({ status: "down", message: "cannot connect: ECONNREFUSED" });
    const noCa = await collect({ targets: [`127.0.0.1:${ports.valid}`], ca_file: "/nonexistent/ca.pem" });
    expect(noCa.checks[0]).toMatchObject({
      status: "down",
      message: "cannot read ca_file /nonexistent/ca.pem: ENOENT",
    });
  });
});
