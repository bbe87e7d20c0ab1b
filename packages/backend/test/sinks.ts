import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
  json(): any;
}

/** A real HTTP server on loopback standing in for Slack / ntfy / Twilio / a webhook receiver. */
export async function startSink() {
  const received: Received[] = [];
  let status = 200;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString();
      if (status >= 200 && status < 300) {
        received.push({ path: req.url ?? "/", headers: req.headers, body, json: () => JSON.parse(body) });
      }
      res.writeHead(status, { "content-type": "text/plain" });
      res.end(status === 200 ? "ok" : "unavailable");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    /** Make the sink answer this status (e.g. 503 while "down"). */
    answer(code: number) {
      status = code;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
