import { mkdtempSync, rmSync } from "node:fs";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import https from "node:https";
import net, { type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { selfSignedCertificate } from "../../test/helpers/self-signed.ts";
import { AGENT_VERSION } from "../version.ts";
import { HttpError, httpRequest } from "./http-client.ts";

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The connection's number (1 = the first connection the server accepted). */
  connection: number;
}

/** A loopback server recording what reaches it; `handle` answers by path. */
async function server(
  handle: (req: IncomingMessage, res: ServerResponse, body: string) => void,
  tls?: { key: string; cert: string },
) {
  const seen: Seen[] = [];
  const open = new Set<ServerResponse>();
  let connections = 0;
  const closed: number[] = [];
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const connection = (req.socket as net.Socket & { n?: number }).n ?? 0;
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body, connection });
      open.add(res);
      res.on("close", () => open.delete(res));
      handle(req, res, body);
    });
  };
  const s = tls ? https.createServer(tls, listener) : http.createServer(listener);
  s.keepAliveTimeout = 30_000;
  s.on(tls ? "secureConnection" : "connection", (socket: net.Socket & { n?: number }) => {
    socket.n = ++connections;
    socket.on("close", () => closed.push(socket.n ?? 0));
  });
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = (s.address() as AddressInfo).port;
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    port,
    seen,
    closed,
    connections: () => connections,
    async close() {
      for (const res of open) res.destroy();
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}

type Server = Awaited<ReturnType<typeof server>>;

/** What the main test server answers. */
function routes(req: IncomingMessage, res: ServerResponse, body: string): void {
  const path = new URL(req.url ?? "/", "http://x").pathname;
  switch (path) {
    case "/hello":
      res.writeHead(200, { "content-type": "text/plain", "x-custom": "yes" }).end("hello");
      return;
    case "/echo":
      res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ body }));
      return;
    case "/moved":
      res.writeHead(301, { location: "/hello?from=moved" }).end("moved");
      return;
    case "/see-other":
      res.writeHead(303, { location: "/echo" }).end();
      return;
    case "/loop":
      res.writeHead(302, { location: "/loop" }).end();
      return;
    case "/gzip":
      res.writeHead(200, { "content-encoding": "gzip" }).end(gzipSync("x".repeat(10_000)));
      return;
    case "/endless": {
      res.writeHead(200, { "content-type": "text/plain" });
      const chunk = Buffer.alloc(64 * 1024, "a");
      const pump = () => {
        while (!res.destroyed) if (!res.write(chunk)) return void res.once("drain", pump);
      };
      pump();
      return;
    }
    case "/slow-body":
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("partial");
      return; // never ends
    case "/hang":
      return; // never answers
    case "/error":
      res.writeHead(500, { "content-type": "text/plain" }).end("boom");
      return;
    default:
      res.writeHead(404).end();
  }
}

let main: Server;
let other: Server;

beforeAll(async () => {
  main = await server(routes);
  other = await server((_req, res) => res.writeHead(200).end("other"));
});

afterAll(async () => {
  await main.close();
  await other.close();
});

const text = (body: Buffer) => body.toString("utf8");

describe("http client against a loopback server", () => {
  it("answers status, headers and body, and names custos-agent as the user agent", async () => {
    const response = await httpRequest(`${main.url}/hello`);
    expect(response).toMatchObject({ status: 200, statusText: "OK", truncated: false, bodyRead: true });
    expect(response.headers["x-custom"]).toBe("yes");
    expect(text(response.body)).toBe("hello");
    expect(main.seen.at(-1)?.headers["user-agent"]).toBe(`custos-agent/${AGENT_VERSION}`);
  });

  it("posts a body with its length (not chunked) and returns an error status as an answer", async () => {
    const response = await httpRequest(`${main.url}/echo`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "User-Agent": "custom/1" },
      body: '{"a":"é"}',
    });
    expect(response.status).toBe(201);
    expect(JSON.parse(text(response.body))).toEqual({ body: '{"a":"é"}' });
    const seen = main.seen.at(-1);
    expect(seen?.headers["content-length"]).toBe(String(Buffer.byteLength('{"a":"é"}')));
    expect(seen?.headers["transfer-encoding"]).toBeUndefined();
    expect(seen?.headers["user-agent"]).toBe("custom/1");
    expect((await httpRequest(`${main.url}/error`)).status).toBe(500);
  });

  it("reuses one kept-alive connection for requests in a row, and opens a new one each time when asked", async () => {
    const s = await server(routes);
    try {
      for (let i = 0; i < 3; i++) await httpRequest(`${s.url}/hello`);
      expect(s.connections()).toBe(1);
      expect(new Set(s.seen.map((r) => r.connection))).toEqual(new Set([1]));
      for (let i = 0; i < 2; i++) await httpRequest(`${s.url}/hello`, { connection: "fresh" });
      expect(s.connections()).toBe(3);
    } finally {
      await s.close();
    }
  });

  it("sends a request again on a new connection when the kept one was closed by the server meanwhile", async () => {
    // a raw server that answers the first request of each connection and drops the connection at
    // the second, as a server does whose idle timeout ended just as the request was sent
    let connections = 0;
    const raw = net.createServer((socket) => {
      connections++;
      let requests = 0;
      socket.on("data", (data) => {
        if (!data.toString("latin1").includes("\r\n\r\n")) return;
        requests++;
        if (requests === 1) {
          socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok");
        } else {
          socket.destroy();
        }
      });
    });
    await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(raw.address() as AddressInfo).port}/`;
    try {
      expect(text((await httpRequest(url)).body)).toBe("ok");
      expect(text((await httpRequest(url, { method: "POST", body: "{}" })).body)).toBe("ok");
      expect(connections).toBe(2);
    } finally {
      raw.close();
    }
  });

  it("does not follow redirects unless asked, and says where they point", async () => {
    const response = await httpRequest(`${main.url}/moved`);
    expect(response).toMatchObject({ status: 301, statusText: "Moved Permanently" });
    expect(response.headers.location).toBe("/hello?from=moved");
    expect(text(response.body)).toBe("moved");
    const followed = await httpRequest(`${main.url}/moved`, { maxRedirects: 5 });
    expect(followed.status).toBe(200);
    expect(followed.url).toBe(`${main.url}/hello?from=moved`);
    expect(text(followed.body)).toBe("hello");
  });

  it("turns a POST into a GET on 303 and stops at maxRedirects with the last redirect", async () => {
    const response = await httpRequest(`${main.url}/see-other`, {
      method: "POST",
      body: "x",
      maxRedirects: 1,
    });
    expect(response.status).toBe(201);
    expect(main.seen.at(-1)).toMatchObject({ method: "GET", url: "/echo", body: "" });
    const loop = await httpRequest(`${main.url}/loop`, { maxRedirects: 3 });
    expect(loop.status).toBe(302);
    expect(main.seen.filter((r) => r.url === "/loop").length).toBe(4);
  });

  it("keeps the authorization header for its own origin only when following a redirect", async () => {
    const hop = await server((_req, res) => res.writeHead(307, { location: `${other.url}/x` }).end());
    try {
      await httpRequest(`${hop.url}/`, { headers: { authorization: "Bearer secret" }, maxRedirects: 2 });
      expect(hop.seen.at(-1)?.headers.authorization).toBe("Bearer secret");
      expect(other.seen.at(-1)?.url).toBe("/x");
      expect(other.seen.at(-1)?.headers.authorization).toBeUndefined();
    } finally {
      await hop.close();
    }
  });

  it("keeps the first maxBodyBytes of an endless body and closes the connection", async () => {
    const before = main.closed.length;
    const response = await httpRequest(`${main.url}/endless`, { maxBodyBytes: 100_000 });
    expect(response.truncated).toBe(true);
    expect(response.body.length).toBe(100_000);
    await expect.poll(() => main.closed.length).toBeGreaterThan(before);
  });

  it("does not read a body the caller declines", async () => {
    const response = await httpRequest(`${main.url}/endless`, { readBody: (head) => head.status !== 200 });
    expect(response).toMatchObject({ status: 200, bodyRead: false, truncated: false });
    expect(response.body.length).toBe(0);
  });

  it("decodes a gzip answer when asked for one, the limit counting decoded bytes", async () => {
    const response = await httpRequest(`${main.url}/gzip`, { acceptGzip: true });
    expect(main.seen.at(-1)?.headers["accept-encoding"]).toBe("gzip, deflate");
    expect(text(response.body)).toBe("x".repeat(10_000));
    const limited = await httpRequest(`${main.url}/gzip`, { acceptGzip: true, maxBodyBytes: 1_000 });
    expect(limited).toMatchObject({ truncated: true });
    expect(limited.body.length).toBe(1_000);
  });

  it("gives up at the deadline when no answer comes, or the body never ends", async () => {
    for (const path of ["/hang", "/slow-body"]) {
      const started = performance.now();
      const error = await httpRequest(`${main.url}${path}`, { timeoutMs: 200 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HttpError);
      expect(error).toMatchObject({ reason: "timeout", message: "no answer within 200 ms" });
      expect(performance.now() - started).toBeLessThan(2_000);
    }
  });

  it("stops when the caller aborts, with the abort's reason", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("shutting down")), 50);
    const error = await httpRequest(`${main.url}/hang`, {
      signal: controller.signal,
      timeoutMs: 10_000,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: "aborted", message: "shutting down" });
    const already = await httpRequest(`${main.url}/hello`, { signal: AbortSignal.abort() }).catch(
      (e: unknown) => e,
    );
    expect(already).toMatchObject({ reason: "aborted" });
  });

  it("fails with Node's code when nothing listens", async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await httpRequest(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: "network", code: "ECONNREFUSED" });
    expect((error as Error).message).toContain("ECONNREFUSED");
  });

  it("refuses a header value that is not Latin-1 as an error, not a crash", async () => {
    const error = await httpRequest(`${main.url}/hello`, { headers: { "x-title": "\u{1F600}" } }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ reason: "network", code: "ERR_INVALID_CHAR" });
  });
});

describe("http client over TLS to a loopback server with a self-signed certificate", () => {
  let dir: string;
  let tlsServer: Server;
  let cert: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "custos-http-client-"));
    const made = selfSignedCertificate(dir, { days: 2 });
    cert = made.cert;
    tlsServer = await server(routes, { key: made.key, cert });
  });

  afterAll(async () => {
    await tlsServer?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses an untrusted certificate with the TLS code", async () => {
    const error = await httpRequest(`${tlsServer.url}/hello`).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: "network", code: "DEPTH_ZERO_SELF_SIGNED_CERT" });
  });

  it("trusts the certificate given as a CA, and reuses the connection", async () => {
    const before = tlsServer.connections();
    for (let i = 0; i < 2; i++) {
      const response = await httpRequest(`${tlsServer.url}/hello`, { ca: cert });
      expect(text(response.body)).toBe("hello");
    }
    expect(tlsServer.connections() - before).toBe(1);
  });

  it("skips verification when asked, and shows the connection to onSocket", async () => {
    let peer: string | undefined;
    const response = await httpRequest(`${tlsServer.url}/hello`, {
      rejectUnauthorized: false,
      connection: "fresh",
      onSocket: (socket) =>
        socket.once("secureConnect", () => {
          peer = String((socket as import("node:tls").TLSSocket).getPeerCertificate().subject?.CN);
        }),
    });
    expect(response.status).toBe(200);
    expect(peer).toBe("localhost");
  });
});
