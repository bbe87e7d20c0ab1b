/**
 * `POST /v1/metrics` on the agent (node:http): an application on the same host hands over one
 * metric or a list. Nothing is written unless the whole request is valid; "accepted" means
 * stored in the agent's SQLite buffer. Errors use the backend's shape
 * `{ error: { code, message, field } }` and name the field.
 *
 * Browser pages cannot post here: a JSON content type forces a CORS preflight nobody answers,
 * and on loopback the Host header must be loopback too (DNS rebinding).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { APP_METRICS_LIMITS, AppMetric, AppMetricList, LIMITS } from "@custos/protocol";
import type { z } from "zod";
import type { Sample } from "../types.ts";

interface Intake {
  /** Stores what fits the limits; throws when the buffer cannot take it. */
  accept(samples: Sample[], now: number): { accepted: number; dropped: Record<string, number> };
}

interface HttpEndpointOptions {
  bind: string;
  port: number;
  token: string | undefined;
  intake: Intake;
  onError(message: string): void;
}

type Reply = { status: number; body: unknown; headers?: Record<string, string> };

const MAX_CONNECTIONS = 128;
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

function fail(status: number, code: string, message: string, field?: string): Reply {
  return { status, body: { error: { code, message, ...(field === undefined ? {} : { field }) } } };
}

export async function startHttpEndpoint(
  options: HttpEndpointOptions,
): Promise<{ port: number; close(): Promise<void> }> {
  const tokenDigest = options.token === undefined ? undefined : sha256(options.token);
  const loopback = LOOPBACK_HOSTS.has(options.bind === "::1" ? "[::1]" : options.bind);

  const server: Server = createServer((request, response) => {
    handle(request).then(
      (reply) => send(response, reply),
      (error: unknown) => {
        options.onError((error as Error).message);
        send(response, fail(503, "BUFFER_UNAVAILABLE", "the agent could not store the metrics; retry later"));
      },
    );
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  // a runaway client opening sockets in a loop gets refused connections, not the agent's file descriptors
  server.maxConnections = MAX_CONNECTIONS;

  async function handle(request: IncomingMessage): Promise<Reply> {
    const path = (request.url ?? "/").split("?")[0];
    if (loopback && !LOOPBACK_HOSTS.has(hostName(request.headers.host))) {
      return fail(403, "FORBIDDEN", "the Host header must be a loopback address", "host");
    }
    if (path === "/v1/health") {
      return request.method === "GET" || request.method === "HEAD"
        ? { status: 200, body: { ok: true } }
        : { ...fail(405, "METHOD_NOT_ALLOWED", "use GET"), headers: { allow: "GET, HEAD" } };
    }
    if (path !== "/v1/metrics") return fail(404, "NOT_FOUND", "the endpoint is POST /v1/metrics");
    if (request.method !== "POST") {
      return { ...fail(405, "METHOD_NOT_ALLOWED", "use POST"), headers: { allow: "POST" } };
    }
    if (tokenDigest && !tokenMatches(request.headers.authorization, tokenDigest)) {
      return fail(
        401,
        "UNAUTHORIZED",
        "send Authorization: Bearer <token> with the configured token",
        "authorization",
      );
    }
    const type = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
    if (type !== "application/json") {
      return fail(415, "UNSUPPORTED_MEDIA_TYPE", "send Content-Type: application/json", "content-type");
    }
    const encoding = request.headers["content-encoding"];
    if (encoding !== undefined && encoding.toLowerCase() !== "identity") {
      return fail(415, "UNSUPPORTED_MEDIA_TYPE", "send the body uncompressed", "content-encoding");
    }
    const body = await readBody(request, APP_METRICS_LIMITS.maxBodyBytes);
    if (body === undefined) {
      const reply = fail(
        413,
        "PAYLOAD_TOO_LARGE",
        `the body is over ${APP_METRICS_LIMITS.maxBodyBytes} bytes`,
        "body",
      );
      // stop reading the rest: the connection closes after the answer
      return { ...reply, headers: { connection: "close" } };
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return fail(400, "INVALID_BODY", "the body is not JSON", "body");
    }
    const now = Date.now();
    const parsed = parseMetrics(json, now);
    if ("error" in parsed) return parsed.error;
    const { accepted, dropped } = options.intake.accept(parsed.samples, now);
    const droppedTotal = Object.values(dropped).reduce((a, b) => a + b, 0);
    const body202 = {
      accepted,
      dropped: droppedTotal,
      ...(droppedTotal > 0 ? { dropped_by_reason: dropped } : {}),
    };
    if ((dropped.rate ?? 0) > 0) {
      return {
        status: 429,
        headers: { "retry-after": "1" },
        body: {
          ...body202,
          error: { code: "RATE_LIMITED", message: "over max_samples_per_second; the rest was dropped" },
        },
      };
    }
    return { status: 202, body: body202 };
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.bind, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Validates one metric or a list with the protocol's schemas; the first problem names its field. */
function parseMetrics(json: unknown, now: number): { samples: Sample[] } | { error: Reply } {
  const list = Array.isArray(json);
  const result = list ? AppMetricList.safeParse(json) : AppMetric.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = fieldName(issue?.path ?? [], list);
    const message =
      issue?.code === "invalid_type" && !list && typeof json !== "object"
        ? "expected a metric object or a list"
        : (issue?.message ?? "invalid");
    return { error: fail(400, "INVALID_BODY", `${field}: ${message}`, field) };
  }
  const metrics: z.output<typeof AppMetric>[] = list
    ? (result.data as z.output<typeof AppMetricList>)
    : [result.data as z.output<typeof AppMetric>];
  const samples: Sample[] = [];
  for (const [index, metric] of metrics.entries()) {
    const ts = metric.ts?.getTime();
    if (ts !== undefined && (ts > now + LIMITS.maxFutureSkewMs || ts < now - LIMITS.maxSampleAgeMs)) {
      const field = fieldName(list ? [index, "ts"] : ["ts"], list);
      return {
        error: fail(
          400,
          "INVALID_BODY",
          `${field}: more than 10 minutes ahead or 7 days behind the agent's clock`,
          field,
        ),
      };
    }
    samples.push({
      name: metric.name,
      value: metric.value,
      ...(metric.labels && Object.keys(metric.labels).length > 0 ? { labels: metric.labels } : {}),
      ts: ts ?? now,
    });
  }
  return { samples };
}

/** ["3", "labels", "x"] -> "[3].labels.x"; the body itself -> "body". */
function fieldName(path: readonly PropertyKey[], list: boolean): string {
  if (path.length === 0) return "body";
  let text = "";
  for (const part of path)
    text += typeof part === "number" ? `[${part}]` : `${text === "" ? "" : "."}${String(part)}`;
  return list || !text.startsWith("[") ? text : `body${text}`;
}

function readBody(request: IncomingMessage, max: number): Promise<string | undefined> {
  const declared = Number(request.headers["content-length"] ?? Number.NaN);
  if (declared > max) {
    request.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    request.on("data", (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > max) {
        over = true;
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => {
      if (!over) resolve(Buffer.concat(chunks).toString("utf8"));
    });
    request.on("error", reject);
  });
}

function send(response: ServerResponse, reply: Reply): void {
  if (response.headersSent) return;
  const payload = JSON.stringify(reply.body);
  response.writeHead(reply.status, {
    "content-type": "application/json",
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    ...reply.headers,
  });
  response.end(payload);
}

function hostName(host: string | undefined): string {
  if (!host) return "";
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1);
  const colon = host.lastIndexOf(":");
  return (colon === -1 ? host : host.slice(0, colon)).toLowerCase();
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** Compares digests in constant time, so the token cannot be guessed a byte at a time. */
function tokenMatches(header: string | undefined, digest: Buffer): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1] !== undefined && timingSafeEqual(sha256(match[1]), digest);
}
