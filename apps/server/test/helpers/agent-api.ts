import { createServer } from "node:http";
/** What the server tests share: an agent's call to a running custos-server, and polling. */

/** POSTs `body` to /functions/v1/api/agent<path> with an agent key, as custos-agent does; the response. */
export function agentPost(baseUrl: string, path: string, key: string, body: unknown): Promise<Response> {
  return fetch(`${baseUrl}/functions/v1/api/agent${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** POSTs to /functions/v1/api/agent<path> with an agent key; the JSON answer, whatever its status. */
export async function agentCall(baseUrl: string, path: string, key: string, body: unknown) {
  const res = await agentPost(baseUrl, path, key, body);
  return (await res.json()) as Record<string, any>;
}

/** Polls `fn` every 250 ms until it returns a value, at most `timeoutMs`. */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await fn();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A webhook receiver on loopback that keeps every JSON body it is sent, in order. */
export async function startJsonSink(): Promise<{
  url: string;
  payloads: Record<string, any>[];
  close(): Promise<void>;
}> {
  const payloads: Record<string, any>[] = [];
  const sink = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString();
    });
    req.on("end", () => {
      payloads.push(JSON.parse(body));
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", resolve));
  const { port } = sink.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hook`,
    payloads,
    close: () => new Promise<void>((resolve) => sink.close(() => resolve())),
  };
}
