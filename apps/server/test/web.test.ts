/**
 * custos-server serving the dashboard's static export (src/web.ts): content types, caching,
 * the not-found page, a helpful page before the first build, and no way out of the directory.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getRequestListener } from "@hono/node-server";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { candidates, DEFAULT_WEB_DIR, dashboardRoutes, resolveInside } from "../src/web.ts";

let root: string;
let out: string;
let app: Hono;

beforeAll(() => {
  // <root>/secret.txt lies next to the export: nothing may reach it
  root = mkdtempSync(join(tmpdir(), "custos-web-"));
  out = join(root, "out");
  mkdirSync(join(out, "_next", "static", "chunks"), { recursive: true });
  mkdirSync(join(out, "servers"), { recursive: true });
  writeFileSync(join(root, "secret.txt"), "top secret");
  writeFileSync(join(out, "index.html"), "<!doctype html><title>home</title>");
  writeFileSync(join(out, "404.html"), "<!doctype html><title>not found</title>");
  writeFileSync(join(out, "servers.html"), "<!doctype html><title>servers</title>");
  writeFileSync(join(out, "servers", "detail.html"), "<!doctype html><title>detail</title>");
  writeFileSync(join(out, "servers.txt"), "rsc payload");
  writeFileSync(join(out, ".hidden"), "hidden");
  writeFileSync(
    join(out, "_next", "static", "chunks", "app-1a2b3c.js"),
    `console.log(${JSON.stringify("x".repeat(5000))});`,
  );
  writeFileSync(join(out, "_next", "static", "chunks", "app.css"), "body{color:red}");

  // like http.ts: API and auth first, the dashboard last
  app = new Hono();
  app.get("/healthz", (c) => c.json({ ok: true }));
  app.all("/functions/v1/*", (c) => c.json({ api: true }));
  app.route("/", dashboardRoutes({ dir: out, publicUrl: "https://mon.example.com" }));
  app.get("/auth/v1/user", (c) => c.json({ auth: true }));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });

describe("serving the dashboard", () => {
  it("serves each exported route as its HTML file, revalidated on every load", async () => {
    for (const [path, title] of [
      ["/", "home"],
      ["/servers", "servers"],
      ["/servers/", "servers"],
      ["/servers/detail", "detail"],
      ["/servers/detail?id=8c0b3c1e-0000-4000-8000-000000000000", "detail"],
    ] as const) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(res.headers.get("cache-control")).toBe("no-cache");
      expect(await res.text()).toContain(`<title>${title}</title>`);
    }
  });

  it("marks hashed build output immutable and compresses it for browsers that accept it", async () => {
    const res = await get("/_next/static/chunks/app-1a2b3c.js", { "accept-encoding": "gzip, deflate, br" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("content-encoding")).toBe("br");
    const plain = await get("/_next/static/chunks/app-1a2b3c.js");
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect((await plain.text()).length).toBeGreaterThan(5000);
    expect((await get("/_next/static/chunks/app.css")).headers.get("content-type")).toBe(
      "text/css; charset=utf-8",
    );
    expect((await get("/servers.txt")).headers.get("content-type")).toBe("text/plain; charset=utf-8");
  });

  it("answers 304 to a revalidation with the same ETag", async () => {
    const first = await get("/servers");
    const etag = first.headers.get("etag") ?? "";
    expect(etag).not.toBe("");
    expect((await get("/servers", { "if-none-match": etag })).status).toBe(304);
  });

  it("answers unknown pages with the export's 404 page, and a missing asset with a plain 404", async () => {
    const page = await get("/no/such/page");
    expect(page.status).toBe(404);
    expect(await page.text()).toContain("<title>not found</title>");
    const asset = await get("/_next/static/chunks/gone-123.js");
    expect(asset.status).toBe(404);
    expect(asset.headers.get("content-type")).toMatch(/^text\/plain/);
  });

  it("tells the browser where auth and the API are (/config.json)", async () => {
    const res = await get("/config.json");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(await res.json()).toEqual({
      supabase_url: null,
      anon_key: null,
      agent_url: "https://mon.example.com",
      own_url: null,
      mode: "self-hosted",
    });
  });

  it("names its own address for the dashboard to suggest when no public URL is set", async () => {
    const app = dashboardRoutes({ dir: out, ownUrl: () => "http://192.0.2.2:8080" });
    expect(await (await app.request("/config.json")).json()).toMatchObject({
      agent_url: null,
      own_url: "http://192.0.2.2:8080",
    });
  });

  it("never answers API or auth paths with a page, whatever order they were mounted in", async () => {
    expect(await (await get("/functions/v1/api/nope")).json()).toEqual({ api: true });
    expect(await (await get("/auth/v1/user")).json()).toEqual({ auth: true });
    expect((await get("/auth/v1/unknown")).status).toBe(404);
    expect(await (await get("/auth/v1/unknown")).text()).not.toContain("<title>");
    expect(await (await get("/healthz")).json()).toEqual({ ok: true });
    const post = await app.request("/servers", { method: "POST" });
    expect(post.status).toBe(404);
  });

  it("shows how to build the dashboard when it has not been built, instead of an error", async () => {
    const empty = new Hono().route("/", dashboardRoutes({ dir: join(root, "nothing-here") }));
    const res = await empty.request("/servers");
    expect(res.status).toBe(503);
    const body = await res.text();
    expect(body).toContain("The dashboard has not been built yet");
    expect(body).toContain("npm start");
    // the config still answers: it does not depend on the build
    expect((await empty.request("/config.json")).status).toBe(200);
  });

  it("finds apps/web/out next to the server by default", () => {
    expect(DEFAULT_WEB_DIR.replaceAll("\\", "/")).toMatch(/apps\/web\/out\/$/);
  });
});

describe("path traversal", () => {
  it("maps paths inside the directory only", () => {
    expect(resolveInside(out, "/servers.html")).toBe(join(out, "servers.html"));
    for (const bad of [
      "/../secret.txt",
      "/%2e%2e/secret.txt",
      "/..%2fsecret.txt",
      "/%2e%2e%2fsecret.txt",
      "/servers/../../secret.txt",
      "/..\\secret.txt",
      "/%5c..%5csecret.txt",
      "/secret.txt%00.html",
      "/%E0%A4%A",
      "/.hidden",
      "/_next/static/../../../secret.txt",
    ]) {
      expect(resolveInside(out, bad), bad).toBeUndefined();
    }
    expect(candidates("/a")).toEqual(["/a", "/a.html", "/a/index.html"]);
  });

  it("does not serve a file outside the export, however the path is spelled", async () => {
    for (const path of [
      "/%2e%2e/secret.txt",
      "/..%2fsecret.txt",
      "/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
      "/servers/%2e%2e/%2e%2e/secret.txt",
      "/%5c..%5csecret.txt",
      "/.hidden",
    ]) {
      const res = await get(path);
      expect(await res.text(), path).not.toMatch(/top secret|hidden|root:/);
    }
  });

  describe("over a raw socket (no client-side URL clean-up)", () => {
    let server: Server;
    let port: number;
    beforeAll(async () => {
      server = createServer(getRequestListener(app.fetch));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    function rawGet(target: string): Promise<string> {
      return new Promise((resolve, reject) => {
        const socket = connect(port, "127.0.0.1", () => {
          socket.write(`GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
        });
        let data = "";
        socket.on("data", (d: Buffer) => {
          data += d.toString("latin1");
        });
        socket.on("end", () => resolve(data));
        socket.on("error", reject);
      });
    }

    it("refuses ../ sent literally", async () => {
      for (const target of [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/servers/../../secret.txt",
        "/..%2f..%2fsecret.txt",
      ]) {
        const answer = await rawGet(target);
        expect(answer, target).toMatch(/^HTTP\/1\.1 (200|400|404)/);
        expect(answer, target).not.toMatch(/top secret|root:x:/);
      }
    });
  });
});
