import { createHash } from "node:crypto";
import { type FileHandle, open, readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { INSTALL_URL } from "@custos/protocol/install";
import { Hono } from "hono";

/**
 * The one-line agent installer, self-hosted: `GET /install.sh` (the repository's install.sh with
 * this server's URL as its default `--url`) and `GET /downloads/<name>` for the single
 * executables `pnpm --filter @custos/agent build:binary` writes to apps/agent/dist, each with its
 * `.sha256`. Only those file names are served, so no path can leave the directory.
 * docs/decisions/0011-agent-single-executable.md
 */

/** apps/agent/dist and the repository's install.sh, found relative to this file. */
export const DEFAULT_DOWNLOADS_DIR = fileURLToPath(new URL("../../agent/dist/", import.meta.url));
export const DEFAULT_INSTALL_SCRIPT = fileURLToPath(new URL("../../../install.sh", import.meta.url));

/** The only names /downloads/ answers. */
export const DOWNLOAD_NAME = /^custos-agent-linux-(x64|arm64)(\.sha256)?$/;

/** The line of install.sh that custos-server fills in. */
const URL_LINE = "DEFAULT_URL='__CUSTOS_URL__'";

export interface DownloadsOptions {
  /** Directory holding custos-agent-linux-<arch> and .sha256 files (default apps/agent/dist). */
  dir?: string;
  /** The installer to serve (default the repository's install.sh). */
  installScript?: string;
  /** CUSTOS_PUBLIC_URL: the URL agents reach this server at. Default: each request's origin. */
  publicUrl?: string | undefined;
}

/** Names the missing architecture and the exact command (sea/build.ts `buildCommand`) that builds it. */
function buildHint(binary: string): string {
  const arch = binary.replace("custos-agent-linux-", "");
  return (
    `${binary} (the agent for linux-${arch}) has not been built on this server. Build it in the ` +
    `repository with \`. ./.tools-env.sh && pnpm --filter @custos/agent build:binary --arch ${arch}\`, then retry.\n`
  );
}

/**
 * Fills the installer's default URL; an unsafe URL leaves it empty (the script then asks for
 * --url). Only URLs install.sh itself accepts (INSTALL_URL), so nothing a client puts in its Host
 * header can become shell syntax. The downloads line stays as it is: from `$URL/downloads`.
 */
export function templateInstallScript(script: string, url: string): string {
  const clean = url.replace(/\/+$/, "");
  if (!INSTALL_URL.test(clean)) return script;
  return script.replace(URL_LINE, `DEFAULT_URL='${clean}'`);
}

function etagOf(body: string | Uint8Array): string {
  return `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
}

export function downloadRoutes(options: DownloadsOptions = {}) {
  const dir = resolve(options.dir ?? DEFAULT_DOWNLOADS_DIR);
  const scriptPath = options.installScript ?? DEFAULT_INSTALL_SCRIPT;
  let script: { mtimeMs: number; size: number; text: string } | undefined;
  const app = new Hono();

  async function installScript(): Promise<string | undefined> {
    try {
      const info = await stat(scriptPath);
      if (!script || script.mtimeMs !== info.mtimeMs || script.size !== info.size) {
        script = { mtimeMs: info.mtimeMs, size: info.size, text: await readFile(scriptPath, "utf8") };
      }
      return script.text;
    } catch {
      return undefined;
    }
  }

  app.on(["GET", "HEAD"], "/install.sh", async (c) => {
    const text = await installScript();
    if (text === undefined) return c.text("install.sh is missing from this installation\n", 404);
    const body = new TextEncoder().encode(
      templateInstallScript(text, options.publicUrl ?? new URL(c.req.url).origin),
    );
    const etag = etagOf(body);
    const headers = {
      "content-type": "text/x-shellscript; charset=utf-8",
      "cache-control": "no-cache",
      "x-content-type-options": "nosniff",
      etag,
    };
    if (c.req.header("if-none-match") === etag) return c.body(null, 304, headers);
    const sized = { ...headers, "content-length": String(body.byteLength) };
    return c.req.method === "HEAD" ? c.body(null, 200, sized) : c.body(body, 200, sized);
  });

  app.on(["GET", "HEAD"], "/downloads/:name", async (c) => {
    const name = c.req.param("name");
    if (!DOWNLOAD_NAME.test(name)) return c.text("not found\n", 404, { "cache-control": "no-store" });
    let handle: FileHandle;
    try {
      handle = await open(join(dir, name), "r");
    } catch {
      const binary = name.replace(/\.sha256$/, "");
      return c.text(buildHint(binary), 404, { "cache-control": "no-store" });
    }
    // size and validator from the open file: a rebuild renaming a new file in cannot mix them
    const info = await handle.stat();
    if (!info.isFile()) {
      await handle.close();
      return c.text("not found\n", 404, { "cache-control": "no-store" });
    }
    const etag = `"${info.size.toString(36)}-${Math.floor(info.mtimeMs).toString(36)}-${info.ino.toString(36)}"`;
    const headers: Record<string, string> = {
      "content-type": name.endsWith(".sha256") ? "text/plain; charset=utf-8" : "application/octet-stream",
      "cache-control": "no-cache",
      "x-content-type-options": "nosniff",
      "content-disposition": `attachment; filename="${name}"`,
      etag,
    };
    const notModified = c.req.header("if-none-match") === etag;
    if (notModified || c.req.method === "HEAD") {
      await handle.close();
      if (notModified) return c.body(null, 304, headers);
      return c.body(null, 200, { ...headers, "content-length": String(info.size) });
    }
    headers["content-length"] = String(info.size);
    const stream = Readable.toWeb(handle.createReadStream()) as ReadableStream<Uint8Array>;
    return c.body(stream, 200, headers);
  });

  return app;
}
