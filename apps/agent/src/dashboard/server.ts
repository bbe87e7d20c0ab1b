/**
 * The optional local dashboard (node:http): `/` is one read-only HTML page, `/api/status` the
 * same data as JSON. Reads only SQLite, so it works with the backend unreachable. Binds to
 * 127.0.0.1 unless configured otherwise.
 */
import { createServer, type Server } from "node:http";
import { errorMessage, type Logger } from "../log.ts";
import { readStatus } from "../status/read.ts";
import type { Store } from "../store/store.ts";
import { renderPage } from "./page.ts";

export interface DashboardOptions {
  store: Store;
  serverName: string;
  bind: string;
  port: number;
  log: Logger;
}

export async function startDashboard(
  options: DashboardOptions,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    const security = {
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'",
      "cache-control": "no-store",
    };
    if (request.method !== "GET" && request.method !== "HEAD") {
      response
        .writeHead(405, { ...security, allow: "GET, HEAD", "content-type": "text/plain" })
        .end("read-only\n");
      return;
    }
    const path = (request.url ?? "/").split("?")[0];
    try {
      const now = Date.now();
      if (path === "/api/status") {
        const status = readStatus(options.store, { serverName: options.serverName, now });
        response
          .writeHead(200, { ...security, "content-type": "application/json" })
          .end(JSON.stringify(status));
      } else if (path === "/") {
        const status = readStatus(options.store, { serverName: options.serverName, now });
        response
          .writeHead(200, { ...security, "content-type": "text/html; charset=utf-8" })
          .end(renderPage(status, options.store, now));
      } else {
        response.writeHead(404, { ...security, "content-type": "text/plain" }).end("not found\n");
      }
    } catch (error) {
      options.log.error("dashboard request failed", { error: errorMessage(error) });
      response.writeHead(500, { ...security, "content-type": "text/plain" }).end("internal error\n");
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.bind, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const host = options.bind.includes(":") ? `[${options.bind}]` : options.bind;
  const url = `http://${host}:${port}/`;
  options.log.info("local dashboard listening", { url });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
