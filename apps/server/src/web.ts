import { readdir, readFile, stat } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { brotliCompress, gzip, constants as zlib } from "node:zlib";
import { Hono } from "hono";

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/**
 * The dashboard, self-hosted: custos-server serves the static export of apps/web (`out/`) at `/`
 * on the same port as the API and auth (docs/decisions/0010). Every route of the export is its
 * own HTML file (`/servers` -> servers.html); unknown paths get the export's 404 page (which
 * also forwards old-style deep links such as /incidents/<id>). API and auth prefixes are never
 * answered with HTML.
 */

/** apps/web/out, found relative to this file (works from the repository and an installed copy). */
export const DEFAULT_WEB_DIR = fileURLToPath(new URL("../../web/out/", import.meta.url));

/** Paths that belong to the API, auth or health checks: passed on, never a dashboard page. */
const RESERVED = ["/functions/", "/auth/", "/rest/", "/healthz"];

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".avif": "image/avif",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".woff": "font/woff",
  ".ttf": "font/ttf",
  ".webmanifest": "application/manifest+json",
  ".xml": "application/xml; charset=utf-8",
};
const COMPRESSIBLE = new Set([
  ".html",
  ".js",
  ".mjs",
  ".css",
  ".json",
  ".map",
  ".txt",
  ".svg",
  ".xml",
  ".webmanifest",
]);

export interface DashboardOptions {
  /** Directory of the static export (default apps/web/out next to this package). */
  dir?: string;
  /** CUSTOS_PUBLIC_URL: the base URL agents and browsers reach this server at. */
  publicUrl?: string | undefined;
  /** Without a public URL: this server's own address (public-url.ts), suggested by the dashboard. */
  ownUrl?: () => string | undefined;
}

interface Cached {
  mtimeMs: number;
  size: number;
  etag: string;
  raw: Uint8Array;
  gzip?: Uint8Array;
  br?: Uint8Array;
}

/**
 * Maps a URL path to a file inside `root`, or undefined when it cannot be one (bad escapes, NUL,
 * dot-segments, hidden files). The result always lies inside root: traversal is impossible.
 */
export function resolveInside(root: string, pathname: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes("\0") || decoded.includes("\\")) return undefined;
  const segments = decoded.split("/");
  // ".." and "." (after decoding %2e%2e and %2f) and hidden files are never served
  if (segments.some((s) => s.startsWith("."))) return undefined;
  const base = resolve(root);
  const full = resolve(base, `.${decoded.startsWith("/") ? decoded : `/${decoded}`}`);
  if (full !== base && !full.startsWith(base + sep)) return undefined;
  return full;
}

/** The files a path may be: `/a` -> a, a.html, a/index.html; `/a/` -> a/index.html. */
export function candidates(pathname: string): string[] {
  if (pathname === "/" || pathname === "") return ["/index.html"];
  if (pathname.endsWith("/")) return [`${pathname}index.html`, `${pathname.slice(0, -1)}.html`];
  return [pathname, `${pathname}.html`, `${pathname}/index.html`];
}

function cacheControl(pathname: string, ext: string): string {
  // content-hashed build output never changes under the same name
  if (pathname.startsWith("/_next/static/")) return "public, max-age=31536000, immutable";
  // HTML and RSC payloads name the current build's assets: always revalidate
  if (ext === ".html" || ext === ".txt") return "no-cache";
  return "public, max-age=3600";
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Custos: dashboard not built</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#111}
code{background:#f3f4f6;padding:.1rem .3rem;border-radius:.25rem}@media(prefers-color-scheme:dark){body{background:#030712;color:#f3f4f6}code{background:#1f2937}}</style>
</head><body>
<h1>The dashboard has not been built yet</h1>
<p>custos-server is running: the agent API (<code>/functions/v1/api/…</code>), auth (<code>/auth/v1/…</code>) and
<code>/healthz</code> work. Only the web dashboard is missing.</p>
<p>Build it with <code>npm start</code> (builds, then starts the server) or
<code>pnpm --filter @custos/web build</code>, then reload this page.</p>
</body></html>`;

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else if (
      entry.isFile() &&
      (extname(entry.name) === ".html" || full.includes(`${sep}_next${sep}static${sep}`))
    )
      out.push(full);
  }
  return out;
}

export function dashboardRoutes(options: DashboardOptions = {}) {
  const root = resolve(options.dir ?? DEFAULT_WEB_DIR);
  const cache = new Map<string, Cached>();
  const app = new Hono();

  const inflight = new Map<string, Promise<Cached | undefined>>();
  /** The file's bytes (and compressed forms) from memory, re-read when it changed on disk. */
  function load(file: string): Promise<Cached | undefined> {
    const running = inflight.get(file);
    if (running) return running;
    const loading = loadFresh(file).finally(() => inflight.delete(file));
    inflight.set(file, loading);
    return loading;
  }

  async function loadFresh(file: string): Promise<Cached | undefined> {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(file);
    } catch {
      return undefined;
    }
    if (!info.isFile()) return undefined;
    const hit = cache.get(file);
    if (hit && hit.mtimeMs === info.mtimeMs && hit.size === info.size) return hit;
    const raw = new Uint8Array(await readFile(file));
    const entry: Cached = {
      mtimeMs: info.mtimeMs,
      size: info.size,
      etag: `W/"${info.size.toString(36)}-${Math.floor(info.mtimeMs).toString(36)}"`,
      raw,
    };
    if (COMPRESSIBLE.has(extname(file)) && raw.byteLength > 1024) {
      // compressed once per file version, off the event loop, then served from memory
      // (the whole export is a few MB)
      const [gz, br] = await Promise.all([
        gzipAsync(raw, { level: 9 }),
        brotli(raw, {
          params: { [zlib.BROTLI_PARAM_QUALITY]: 9, [zlib.BROTLI_PARAM_SIZE_HINT]: raw.byteLength },
        }),
      ]);
      entry.gzip = new Uint8Array(gz);
      entry.br = new Uint8Array(br);
    }
    cache.set(file, entry);
    return entry;
  }

  function respond(
    request: Request,
    file: Cached,
    ext: string,
    status: 200 | 404,
    cacheHeader: string,
  ): Response {
    const headers = new Headers({
      "content-type": TYPES[ext] ?? "application/octet-stream",
      "cache-control": cacheHeader,
      "x-content-type-options": "nosniff",
      vary: "accept-encoding",
    });
    if (ext === ".html") {
      headers.set("referrer-policy", "same-origin");
      headers.set("x-frame-options", "DENY");
    }
    if (status === 200) {
      headers.set("etag", file.etag);
      if (request.headers.get("if-none-match") === file.etag)
        return new Response(null, { status: 304, headers });
    }
    const accept = request.headers.get("accept-encoding") ?? "";
    let body = file.raw;
    if (file.br && /\bbr\b/.test(accept)) {
      body = file.br;
      headers.set("content-encoding", "br");
    } else if (file.gzip && /\bgzip\b/.test(accept)) {
      body = file.gzip;
      headers.set("content-encoding", "gzip");
    }
    headers.set("content-length", String(body.byteLength));
    return new Response(request.method === "HEAD" ? null : (body as BodyInit), { status, headers });
  }

  // warm the cache in the background, so the first visitor does not wait for compression
  void (async () => {
    const files = await walk(root).catch(() => [] as string[]);
    for (const file of files) await load(file).catch(() => undefined);
  })();

  app.use("*", async (c, next) => {
    const method = c.req.method;
    const pathname = c.req.path;
    if ((method !== "GET" && method !== "HEAD") || RESERVED.some((p) => pathname.startsWith(p)))
      return next();

    if (pathname === "/config.json") {
      // where the browser finds auth and the API: this same origin, unless a public URL is set;
      // own_url is what the dashboard suggests for CUSTOS_PUBLIC_URL when it is opened on loopback
      return c.json(
        {
          supabase_url: null,
          anon_key: null,
          agent_url: options.publicUrl ?? null,
          own_url: options.publicUrl ? null : (options.ownUrl?.() ?? null),
          mode: "self-hosted",
        },
        200,
        { "cache-control": "no-store" },
      );
    }

    const index = await load(resolve(root, "index.html"));
    if (!index) {
      return c.html(NOT_BUILT, 503, { "cache-control": "no-store", "retry-after": "30" });
    }

    for (const candidate of candidates(pathname)) {
      const file = resolveInside(root, candidate);
      if (!file) break;
      const found = await load(file);
      if (found) return respond(c.req.raw, found, extname(file), 200, cacheControl(pathname, extname(file)));
    }

    // a missing hashed asset is a plain 404 (an old tab after a rebuild), not an HTML page
    if (pathname.startsWith("/_next/") || extname(pathname) !== "") {
      return c.text("not found", 404, { "cache-control": "no-store" });
    }
    // unknown page: the export's own not-found page (it forwards /incidents/<id> deep links)
    const notFound = (await load(resolve(root, "404.html"))) ?? index;
    return respond(c.req.raw, notFound, ".html", 404, "no-cache");
  });

  return app;
}
