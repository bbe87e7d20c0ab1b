import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer as createHttps } from "node:https";
import { createServer as createTcp, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { evaluateProbe } from "@custos/backend";
import { freePort } from "@custos/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeProber, probeEndpoint } from "../src/prober.ts";

let https: ReturnType<typeof createHttps>;
let tcp: Server;
let httpsUrl: string;
let tcpPort: number;

beforeAll(async () => {
  // a real certificate that expires in 10 days, made for this test run
  const dir = mkdtempSync(join(tmpdir(), "custos-cert-"));
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "10",
      "-subj",
      "/CN=localhost",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
    ],
    { stdio: "ignore" },
  );
  https = createHttps(
    { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) },
    (_req, res) => {
      res.writeHead(200);
      res.end("hello");
    },
  );
  await new Promise<void>((r) => https.listen(0, "127.0.0.1", r));
  httpsUrl = `https://127.0.0.1:${(https.address() as { port: number }).port}/`;
  tcp = createTcp((s) => s.end());
  await new Promise<void>((r) => tcp.listen(0, "127.0.0.1", r));
  tcpPort = (tcp.address() as { port: number }).port;
});
afterAll(() => {
  https.close();
  tcp.close();
});

const base = { degraded_ms: 80, down_ms: 200, timeout_ms: 2000 };

describe("node prober", () => {
  it("reads the days left on an HTTPS certificate and says when it is not trusted", async () => {
    const o = await nodeProber.http({
      kind: "http",
      url: httpsUrl,
      method: "GET",
      tls_warn_days: 14,
      ...base,
    });
    expect(o).toMatchObject({
      reachable: true,
      status_code: 200,
      body: "hello",
      tls_error: "DEPTH_ZERO_SELF_SIGNED_CERT",
    });
    expect(o.tls_days_left).toBeGreaterThanOrEqual(9);
    expect(o.tls_days_left).toBeLessThanOrEqual(10);
    const verdict = evaluateProbe(
      { kind: "http", url: httpsUrl, method: "GET", tls_warn_days: 14, ...base, down_ms: 5000 },
      o,
    );
    expect(verdict).toEqual({
      status: "down",
      message: "TLS certificate not trusted: DEPTH_ZERO_SELF_SIGNED_CERT",
    });
  });

  it("connects over TCP and reports a refused port as unreachable", async () => {
    expect((await nodeProber.tcp({ kind: "tcp", host: "127.0.0.1", port: tcpPort, ...base })).reachable).toBe(
      true,
    );
    const closed = await nodeProber.tcp({ kind: "tcp", host: "127.0.0.1", port: await freePort(), ...base });
    expect(closed).toMatchObject({ reachable: false, error: "ECONNREFUSED" });
  });

  it("tells whether a silent server's public endpoint still answers", async () => {
    expect(await probeEndpoint(`127.0.0.1:${tcpPort}`, 1000)).toBe(true);
    expect(await probeEndpoint(`127.0.0.1:${await freePort()}`, 1000)).toBe(false);
    expect(await probeEndpoint("not an endpoint", 1000)).toBe(false);
  });
});
