/**
 * The hikvision plugin end to end against a fake NVR on 127.0.0.1 that enforces HTTP Digest
 * authentication (401 with a challenge, checks every response hash) and answers with the
 * recorded XML in fixtures/.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { selfSignedCertificate } from "../../../test/helpers/self-signed.ts";
import type { Collected, PluginContext } from "../types.ts";
import { type DigestChallenge, digestResponse, parseAuthorization } from "./digest.ts";
import { plugin } from "./index.ts";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");

const USER = "admin";
const PASSWORD = "Nvr-Pass-8812";
/** The realm and headers a real camera sent with its 401 (fixtures/unauthorized-401.http). */
const REALM = "IP Camera(C5654)";

interface NvrState {
  routes: Record<string, string>;
  nonces: Map<string, number>;
  staleNonces: Set<string>;
  log: { path: string; authenticated: boolean; nc?: string }[];
}

function freshState(): NvrState {
  return {
    routes: {
      "/ISAPI/System/deviceInfo": fixture("deviceInfo-DS-7608NXI-I2.xml"),
      "/ISAPI/System/status": fixture("status-DS-2CD2T43G2-4I.xml"),
      "/ISAPI/ContentMgmt/InputProxy/channels/status": fixture("channel-status-DS-7708N-I4.xml"),
      "/ISAPI/ContentMgmt/Storage": fixture("storage-hdd1_nas1.xml"),
      "/ISAPI/ContentMgmt/record/tracks": fixture("record-tracks-camera.xml"),
    },
    nonces: new Map(),
    staleNonces: new Set(),
    log: [],
  };
}

let state = freshState();
let server: Server;
let baseUrl: string;

function challenge(res: ServerResponse, stale: boolean) {
  const nonce = randomBytes(24).toString("hex");
  state.nonces.set(nonce, 0);
  const body = "<!DOCTYPE html><html><head><title>Document Error: Unauthorized</title></head></html>";
  res.writeHead(401, {
    Server: "webserver",
    "Content-Type": "text/html",
    "WWW-Authenticate": `Digest qop="auth", realm="${REALM}", nonce="${nonce}", stale="${stale ? "TRUE" : "FALSE"}"`,
  });
  res.end(body);
}

/** The fake NVR: digest challenge, response check, then the recorded reply for the path. */
function nvr(req: IncomingMessage, res: ServerResponse) {
  const path = req.url ?? "/";
  const auth = parseAuthorization(req.headers.authorization);
  if (!auth) {
    state.log.push({ path, authenticated: false });
    return challenge(res, false);
  }
  const nonce = auth.nonce ?? "";
  if (state.staleNonces.has(nonce)) {
    state.log.push({ path, authenticated: false });
    return challenge(res, true);
  }
  const lastNc = state.nonces.get(nonce);
  const nc = Number.parseInt(auth.nc ?? "0", 16);
  const expected = digestResponse(
    {
      realm: REALM,
      nonce,
      qop: ["auth"],
      algorithm: "MD5",
      stale: false,
      userhash: false,
    } satisfies DigestChallenge,
    {
      username: USER,
      password: PASSWORD,
      method: req.method ?? "GET",
      uri: path,
      nc,
      cnonce: auth.cnonce ?? "",
    },
  );
  const valid =
    lastNc !== undefined &&
    nc > lastNc &&
    auth.username === USER &&
    auth.realm === REALM &&
    auth.uri === path &&
    auth.qop === "auth" &&
    auth.response === expected;
  state.log.push({ path, authenticated: valid, nc: auth.nc });
  if (!valid) return challenge(res, false);
  state.nonces.set(nonce, nc);
  const body = state.routes[path];
  if (body === undefined) {
    res.writeHead(404, { "Content-Type": "application/xml" });
    return res.end(
      '<?xml version="1.0" encoding="UTF-8"?><ResponseStatus version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema"><requestURL></requestURL><statusCode>4</statusCode><statusString>Invalid Operation</statusString><subStatusCode>notSupport</subStatusCode></ResponseStatus>',
    );
  }
  res.writeHead(200, { "Content-Type": "application/xml" });
  res.end(body);
}

let tlsDir: string;
let httpsServer: HttpsServer;
let httpsUrl: string;

beforeAll(async () => {
  server = createServer(nvr);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Most NVRs serve HTTPS with a self-signed certificate; make one like it.
  tlsDir = mkdtempSync(join(tmpdir(), "custos-hik-"));
  const { key, cert } = selfSignedCertificate(tlsDir, {
    days: 30,
    subject: "/CN=IP Camera",
    altNames: "IP:127.0.0.1",
  });
  httpsServer = createHttpsServer({ key, cert }, nvr);
  await new Promise<void>((resolve) => httpsServer.listen(0, "127.0.0.1", resolve));
  httpsUrl = `https://127.0.0.1:${(httpsServer.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await new Promise<void>((resolve) => httpsServer.close(() => resolve()));
  rmSync(tlsDir, { recursive: true, force: true });
});
afterEach(() => {
  state = freshState();
});

function context(timeoutMs = 5_000): PluginContext {
  return {
    monitorName: "hikvision:test",
    timeoutMs,
    log: { info: () => undefined, warn: () => undefined },
    exec: () => Promise.reject(new Error("not used")),
    state: { get: () => undefined, set: () => undefined },
  };
}

async function instance(options: Record<string, unknown>, timeoutMs?: number) {
  const config = plugin.configSchema.parse({ url: baseUrl, username: USER, password: PASSWORD, ...options });
  return plugin.create(config, context(timeoutMs));
}

async function collectOnce(options: Record<string, unknown> = {}, timeoutMs?: number): Promise<Collected> {
  const nvr = await instance(options, timeoutMs);
  return nvr.collect(new AbortController().signal);
}

describe("hikvision plugin against a fake NVR with digest authentication", () => {
  it("reports model, firmware, cameras, disks and recording after authenticating", async () => {
    const result = await collectOnce();
    expect(result.checks).toHaveLength(1);
    expect(result.checks[0]?.status).toBe("ok");
    expect(result.checks[0]?.message).toBe(
      "DS-7608NXI-I2/8P/S firmware V4.62.210, 1/1 cameras online, 2/2 disk(s) ok, 96% free",
    );
    expect(result.samples).toContainEqual({ name: "hikvision.up", value: 1 });
    expect(result.samples).toContainEqual({ name: "hikvision.cpu_percent", value: 89 });
    expect(result.samples).toContainEqual({
      name: "hikvision.recording.enabled",
      value: 1,
      labels: { channel: "1" },
    });
    // One challenge, then every request authenticated with the same nonce and a rising count.
    expect(state.log[0]).toEqual({ path: "/ISAPI/System/deviceInfo", authenticated: false });
    expect(state.log.slice(1).map((l) => [l.authenticated, l.nc])).toEqual([
      [true, "00000001"],
      [true, "00000002"],
      [true, "00000003"],
      [true, "00000004"],
      [true, "00000005"],
    ]);
  });

  it("is degraded and names the camera when one is offline", async () => {
    state.routes["/ISAPI/ContentMgmt/InputProxy/channels/status"] = fixture(
      "channels-status-one-offline.xml",
    );
    const result = await collectOnce();
    expect(result.checks[0]?.status).toBe("degraded");
    expect(result.checks[0]?.message).toMatch(
      /1 camera\(s\) offline: channel 2 \(192\.168\.1\.100, notExist\)/,
    );
  });

  it("is degraded when a disk is not ok", async () => {
    state.routes["/ISAPI/ContentMgmt/Storage"] = fixture("storage-hdd1_nas1.xml").replace(
      "<status>ok</status>",
      "<status>smartFailed</status>",
    );
    const result = await collectOnce();
    expect(result.checks[0]?.status).toBe("degraded");
    expect(result.checks[0]?.message).toMatch(/hdd 1 \(hdde\) is smartFailed/);
    expect(result.samples).toContainEqual({
      name: "hikvision.disk.ok",
      value: 0,
      labels: { disk: "1", kind: "hdd" },
    });
  });

  it("is down on a wrong password and does not retry until auth_retry_minutes pass", async () => {
    const nvr = await instance({ password: "Wrong-Pass-0000", auth_retry_minutes: 15 });
    const first = await nvr.collect(new AbortController().signal);
    expect(first.checks[0]?.status).toBe("down");
    expect(first.checks[0]?.message).toBe(
      "authentication failed: the device rejected the username or password (HTTP 401)",
    );
    expect(state.log.map((l) => l.authenticated)).toEqual([false, false]);
    const requestsSoFar = state.log.length;
    const second = await nvr.collect(new AbortController().signal);
    expect(second.checks[0]?.status).toBe("down");
    expect(second.checks[0]?.message).toMatch(/next login attempt in 15 min/);
    expect(state.log.length).toBe(requestsSoFar);
    expect(JSON.stringify([first, second])).not.toContain("Wrong-Pass-0000");
  });

  it("authenticates again when the NVR declares its nonce stale", async () => {
    const nvr = await instance({});
    expect((await nvr.collect(new AbortController().signal)).checks[0]?.status).toBe("ok");
    for (const nonce of state.nonces.keys()) state.staleNonces.add(nonce);
    state.log = [];
    const again = await nvr.collect(new AbortController().signal);
    expect(again.checks[0]?.status).toBe("ok");
    // The stale nonce is answered with a new challenge; the retry with the new nonce passes.
    expect(state.log[0]).toMatchObject({ path: "/ISAPI/System/deviceInfo", authenticated: false });
    expect(state.log[1]).toMatchObject({
      path: "/ISAPI/System/deviceInfo",
      authenticated: true,
      nc: "00000001",
    });
  });

  it("treats a camera without NVR endpoints (404) as ok with what it offers", async () => {
    state.routes = {
      "/ISAPI/System/deviceInfo": fixture("deviceInfo-DS-2CD2T43G2-4I.xml"),
      "/ISAPI/System/status": fixture("status-DS-2CD2T43G2-4I.xml"),
    };
    const result = await collectOnce();
    expect(result.checks[0]?.status).toBe("ok");
    expect(result.checks[0]?.message).toBe("DS-2CD2T43G2-4I firmware V5.7.18");
    expect(result.samples).toContainEqual({ name: "hikvision.uptime_seconds", value: 513477 });
  });

  it("is down when nothing answers at the address", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await collectOnce({ url: `http://127.0.0.1:${port}` });
    expect(result.checks[0]?.status).toBe("down");
    expect(result.checks[0]?.message).toBe("not reachable: ECONNREFUSED");
    expect(result.samples).toEqual([{ name: "hikvision.up", value: 0 }]);
  });

  it("is down by the check timeout when the NVR accepts but never answers", async () => {
    const sockets: Socket[] = [];
    const silent = createServer(() => undefined);
    silent.on("connection", (socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      const started = Date.now();
      const result = await collectOnce(
        { url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}` },
        500,
      );
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(result.checks[0]?.status).toBe("down");
      expect(result.checks[0]?.message).toBe("not reachable: timed out");
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it("talks HTTPS to an NVR with a self-signed certificate only when tls_skip_verify is set", async () => {
    const refused = await collectOnce({ url: httpsUrl });
    expect(refused.checks[0]).toMatchObject({
      status: "down",
      message: expect.stringMatching(/^not reachable: DEPTH_ZERO_SELF_SIGNED_CERT \(.*tls_skip_verify: true/),
    });
    const accepted = await collectOnce({ url: httpsUrl, tls_skip_verify: true });
    expect(accepted.checks[0]?.status).toBe("ok");
    expect(state.log.filter((l) => l.authenticated)).not.toHaveLength(0);
  });

  it("rejects unknown config keys by name", () => {
    const parsed = plugin.configSchema.safeParse({
      url: baseUrl,
      username: USER,
      password: PASSWORD,
      pasword: "x",
    });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain("pasword");
  });
});
