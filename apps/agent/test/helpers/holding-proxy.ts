/**
 * An HTTP proxy on loopback in front of the backend that can hold an answer after the backend
 * produced it: the batch is stored, the agent has not heard back yet. That is the exact moment
 * a `kill -9` must not turn into a lost or a duplicated batch. It can also answer one route
 * itself, without asking the backend: a backend that refuses one kind of batch.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface ProxiedExchange {
  path: string;
  status: number;
  body: string;
}

export interface HoldingProxy {
  url: string;
  exchanges: ProxiedExchange[];
  /**
   * Resolves with the next 200 exchange on `path` whose body contains `bodyIncludes`; its answer
   * is held from the client until release().
   */
  holdNext(path: string, bodyIncludes?: string): Promise<ProxiedExchange>;
  release(): void;
  /** Answers requests whose path ends with `path` itself with this status and JSON body. */
  refuse(path: string, status: number, body: unknown): void;
  /** Forwards every request again. */
  forwardAll(): void;
  close(): Promise<void>;
}

export async function startHoldingProxy(upstream: string): Promise<HoldingProxy> {
  const exchanges: ProxiedExchange[] = [];
  const sockets = new Set<Socket>();
  let hold: { path: string; bodyIncludes: string; notify: (exchange: ProxiedExchange) => void } | undefined;
  let releaseHeld: (() => void)[] = [];
  const refusals = new Map<string, { status: number; body: string }>();

  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const refusal = [...refusals].find(([path]) => (req.url ?? "").endsWith(path))?.[1];
    if (refusal) {
      exchanges.push({ path: req.url ?? "/", ...refusal });
      res.writeHead(refusal.status, { "content-type": "application/json" }).end(refusal.body);
      return;
    }
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.headers)) {
      if (typeof value === "string" && !["host", "connection", "content-length"].includes(key))
        headers[key] = value;
    }
    try {
      const response = await fetch(`${upstream}${req.url ?? "/"}`, {
        method: req.method ?? "GET",
        headers,
        ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
      });
      const body = await response.text();
      const exchange = { path: req.url ?? "/", status: response.status, body };
      exchanges.push(exchange);
      if (
        hold &&
        exchange.path.endsWith(hold.path) &&
        response.status === 200 &&
        body.includes(hold.bodyIncludes)
      ) {
        const current = hold;
        hold = undefined;
        await new Promise<void>((resolve) => {
          releaseHeld.push(resolve);
          current.notify(exchange);
        });
      }
      res
        .writeHead(response.status, {
          "content-type": response.headers.get("content-type") ?? "application/json",
        })
        .end(body);
    } catch {
      res.writeHead(502).end();
    }
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const proxy: HoldingProxy = {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    holdNext(path, bodyIncludes = "") {
      return new Promise((resolve) => {
        hold = { path, bodyIncludes, notify: resolve };
      });
    },
    release() {
      const waiting = releaseHeld;
      releaseHeld = [];
      for (const resolve of waiting) resolve();
    },
    refuse(path, status, body) {
      refusals.set(path, { status, body: JSON.stringify(body) });
    },
    forwardAll() {
      refusals.clear();
    },
    async close() {
      proxy.release();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
