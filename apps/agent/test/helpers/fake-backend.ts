/**
 * A small backend on loopback that speaks the agent API contract (packages/protocol/src/agent.ts)
 * with switches for the failure modes the real server cannot be forced into on demand:
 * 413 above a size, 400, 401, PENDING_APPROVAL, 429, 503, a dead port, a slow acknowledgement,
 * for every route or for one route only (a backend that refuses one kind of batch).
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { gunzipSync } from "node:zlib";
import {
  AlertsBatch,
  ChecksBatch,
  EventsBatch,
  expandCompactMetrics,
  HeartbeatRequest,
  MetricsBatch,
  PUSH_KINDS,
  PushRequest,
  RegisterRequest,
} from "@custos/protocol";
import type { z } from "zod";

export type FakeMode =
  | "ok"
  | "unavailable"
  | "unauthorized"
  | "pending_approval"
  | "invalid"
  | "rate_limited";

export interface FakeBackend {
  url: string;
  apiKey: string;
  mode: FakeMode;
  /** A mode for one route (`metrics`, `checks`, `alerts`, `heartbeat`), over `mode`. */
  modes: Partial<Record<string, FakeMode>>;
  /** Answer 413 to batches with more items than this. */
  maxItemsPerBatch: number;
  /** Delay before answering a stored batch (the batch is already stored when the delay starts). */
  ackDelayMs: number;
  /** Validate heartbeats as the first backends did (strict, without the later fields). */
  legacyHeartbeat: boolean;
  /**
   * Whether it has the combined push (`/push`, decision 0036); without, it answers 404 there
   * as backends before it did. Off by default, so the single-kind tests keep testing them.
   */
  combined: boolean;
  /**
   * Whether it knows the outage log's events (decision 0044): `/events` and the push's `events`
   * part. Without, it answers as backends before them: 404 on `/events`, and a push carrying
   * `events` refused as a whole with 400 naming `events` (unknown field). On by default.
   */
  knowsEvents: boolean;
  /** Heartbeat fields the combined push refuses (a backend that predates them). */
  refusedHeartbeatFields: string[];
  /** What heartbeat answers say of the backend's schedule (`schedule_stale`); none when unset. */
  scheduleStale: { jobs: string[]; sweep_last_run_at: string | null } | undefined;
  registrations: z.output<typeof RegisterRequest>[];
  heartbeats: z.output<typeof HeartbeatRequest>[];
  /** Samples in the order they were stored (replays are not stored twice). */
  samples: { ts: number; name: string; labels?: Record<string, string>; value: number; batchId: string }[];
  checks: { monitor: string; status: string; message?: string; ts: number }[];
  alerts: z.output<typeof AlertsBatch>["alerts"];
  /** Events in the order they were stored (replays are not stored twice). */
  events: z.output<typeof EventsBatch>["events"];
  /** Every request: endpoint, status answered, gzip or not, batch id, when it was answered. */
  requests: {
    endpoint: string;
    status: number;
    gzip: boolean;
    batchId?: string;
    items?: number;
    /** Combined pushes: whether it carried a heartbeat, and the kinds of batch it carried. */
    heartbeat?: boolean;
    kinds?: string[];
    bytes?: number;
    at: number;
  }[];
  replays: number;
  serverId: string;
  /** Stop listening (connections dropped); the port stays reserved for start(). */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

const SCHEMAS = {
  register: RegisterRequest,
  heartbeat: HeartbeatRequest,
  metrics: MetricsBatch,
  checks: ChecksBatch,
  alerts: AlertsBatch,
  events: EventsBatch,
} as const;

/** The heartbeat schema before `rejected_items`: strict, so the field is refused. */
/** The heartbeat as the first backends validated it: strict, with none of the later fields. */
const LEGACY_HEARTBEAT = HeartbeatRequest.omit({
  rejected_items: true,
  awaiting_pages: true,
  heartbeat_interval_seconds: true,
});

const NOT_JSON = Symbol("not JSON");

export async function startFakeBackend(
  options: { apiKey?: string; port?: number } = {},
): Promise<FakeBackend> {
  const apiKey = options.apiKey ?? "ck_test_fake_key";
  const batches = new Set<string>();
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  let port = options.port ?? 0;

  const state: FakeBackend = {
    url: "",
    apiKey,
    mode: "ok",
    modes: {},
    maxItemsPerBatch: Number.MAX_SAFE_INTEGER,
    ackDelayMs: 0,
    legacyHeartbeat: false,
    combined: false,
    knowsEvents: true,
    refusedHeartbeatFields: [],
    scheduleStale: undefined,
    registrations: [],
    heartbeats: [],
    samples: [],
    checks: [],
    alerts: [],
    events: [],
    requests: [],
    replays: 0,
    serverId: randomUUID(),
    stop,
    start,
    close: stop,
  };

  function send(res: ServerResponse, status: number, body: unknown) {
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  }

  /** The answers every route gives before its body: a wrong key, or the mode a test set. True when answered. */
  function refuseByMode(
    req: IncomingMessage,
    res: ServerResponse,
    mode: string,
    log: (status: number) => void,
  ) {
    if (req.headers.authorization !== `Bearer ${apiKey}` || mode === "unauthorized") {
      log(401);
      send(res, 401, { error: { code: "UNAUTHORIZED", message: "invalid API key" } });
      return true;
    }
    if (mode === "rate_limited") {
      log(429);
      res.setHeader("retry-after", "1");
      send(res, 429, { error: { code: "RATE_LIMITED", message: "too many requests for the test" } });
      return true;
    }
    if (mode === "unavailable") {
      log(503);
      send(res, 503, { error: { code: "INTERNAL", message: "down for the test" } });
      return true;
    }
    return false;
  }

  /** The body as JSON (gunzipped when sent so), or NOT_JSON after answering 400. */
  function readJson(
    res: ServerResponse,
    chunks: Buffer[],
    gzip: boolean,
    log: (status: number) => void,
    named: { field?: string },
  ): unknown {
    try {
      const raw = Buffer.concat(chunks);
      return JSON.parse((gzip ? gunzipSync(raw) : raw).toString("utf8"));
    } catch {
      log(400);
      send(res, 400, { error: { code: "VALIDATION", message: "body is not JSON", ...named } });
      return NOT_JSON;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const gzip = req.headers["content-encoding"] === "gzip";
    const endpoint = (req.url ?? "").replace(/^\/functions\/v1\/api\/agent\//, "");
    const log = (
      status: number,
      extra: { batchId?: string; items?: number; heartbeat?: boolean; kinds?: string[] } = {},
    ) =>
      state.requests.push({
        endpoint,
        status,
        gzip,
        bytes: Buffer.concat(chunks).length,
        ...extra,
        at: Date.now(),
      });
    if (endpoint === "push" && state.combined && req.method === "POST")
      return handlePush(req, res, chunks, gzip, log);
    if (req.method !== "POST" || !(endpoint in SCHEMAS) || (endpoint === "events" && !state.knowsEvents)) {
      log(404);
      return send(res, 404, { error: { code: "NOT_FOUND", message: "no such route" } });
    }
    const mode = state.modes[endpoint] ?? state.mode;
    if (refuseByMode(req, res, mode, log)) return;
    const body = readJson(res, chunks, gzip, log, {});
    if (body === NOT_JSON) return;
    const schema =
      endpoint === "heartbeat" && state.legacyHeartbeat
        ? LEGACY_HEARTBEAT
        : SCHEMAS[endpoint as keyof typeof SCHEMAS];
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      log(400);
      const issue = parsed.error.issues[0];
      return send(res, 400, {
        error: { code: "VALIDATION", message: issue?.message ?? "invalid", field: issue?.path.join(".") },
      });
    }
    if (endpoint === "register") {
      state.registrations.push(parsed.data as z.output<typeof RegisterRequest>);
      log(200);
      return send(res, 200, {
        server_id: state.serverId,
        approval: state.mode === "pending_approval" ? "pending" : "approved",
        heartbeat_timeout_seconds: 120,
      });
    }
    if (mode === "pending_approval") {
      log(403);
      return send(res, 403, { error: { code: "PENDING_APPROVAL", message: "approve the server first" } });
    }
    if (endpoint === "heartbeat") {
      state.heartbeats.push(parsed.data as z.output<typeof HeartbeatRequest>);
      log(200);
      return send(res, 200, {
        ok: true,
        server_time: new Date().toISOString(),
        clock_skew_ms: 0,
        ...(state.scheduleStale ? { schedule_stale: state.scheduleStale } : {}),
      });
    }
    const batch = parsed.data as {
      batch_id: string;
      samples?: unknown[];
      results?: unknown[];
      alerts?: unknown[];
      events?: unknown[];
    };
    const items = batch.samples ?? batch.results ?? batch.alerts ?? batch.events ?? [];
    if (mode === "invalid") {
      log(400, { batchId: batch.batch_id, items: items.length });
      return send(res, 400, {
        error: {
          code: "VALIDATION",
          message: "refused for the test",
          field: `${batch.samples ? "samples" : batch.results ? "results" : batch.events ? "events" : "alerts"}.0`,
        },
      });
    }
    if (items.length > state.maxItemsPerBatch) {
      log(413, { batchId: batch.batch_id, items: items.length });
      return send(res, 413, { error: { code: "PAYLOAD_TOO_LARGE", message: "too many items" } });
    }
    const stored = !batches.has(batch.batch_id);
    if (stored) {
      batches.add(batch.batch_id);
      if (endpoint === "metrics") {
        for (const s of (parsed.data as z.output<typeof MetricsBatch>).samples) {
          state.samples.push({
            ts: s.ts.getTime(),
            name: s.name,
            ...(s.labels ? { labels: s.labels } : {}),
            value: s.value,
            batchId: batch.batch_id,
          });
        }
      } else if (endpoint === "checks") {
        for (const c of (parsed.data as z.output<typeof ChecksBatch>).results) {
          state.checks.push({
            monitor: c.monitor,
            status: c.status,
            ...(c.message ? { message: c.message } : {}),
            ts: c.ts.getTime(),
          });
        }
      } else if (endpoint === "events") {
        state.events.push(...(parsed.data as z.output<typeof EventsBatch>).events);
      } else {
        state.alerts.push(...(parsed.data as z.output<typeof AlertsBatch>).alerts);
      }
    } else {
      state.replays++;
    }
    if (state.ackDelayMs > 0) await new Promise((r) => setTimeout(r, state.ackDelayMs));
    log(200, { batchId: batch.batch_id, items: items.length });
    return send(res, 200, { ok: true, batch_id: batch.batch_id, stored, accepted: items.length });
  }

  /** The combined push as the backend does it: shape first (400 writes nothing), then each part. */
  async function handlePush(
    req: IncomingMessage,
    res: ServerResponse,
    chunks: Buffer[],
    gzip: boolean,
    log: (status: number, extra?: { heartbeat?: boolean; kinds?: string[] }) => void,
  ) {
    const mode = state.modes.push ?? state.mode;
    if (refuseByMode(req, res, mode, log)) return;
    const body = readJson(res, chunks, gzip, log, { field: "body" });
    if (body === NOT_JSON) return;
    const parsed = PushRequest.safeParse(body);
    const kinds = PUSH_KINDS.filter((kind) => (body as Record<string, unknown>)?.[kind] !== undefined);
    const carried = { heartbeat: (body as Record<string, unknown>)?.heartbeat !== undefined, kinds };
    const refuse = (field: string, message: string) => {
      log(400, carried);
      return send(res, 400, { error: { code: "VALIDATION", message: `${field}: ${message}`, field } });
    };
    if (!state.knowsEvents && (body as Record<string, unknown>)?.events !== undefined)
      return refuse("events", "unknown field");
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return refuse(issue?.path.join(".") || "body", issue?.message ?? "invalid");
    }
    const push = parsed.data;
    if (push.server_id !== state.serverId) {
      log(404, carried);
      return send(res, 404, {
        error: { code: "NOT_FOUND", message: "server is not registered", field: "server_id" },
      });
    }
    const refusedField = state.refusedHeartbeatFields.find((f) => push.heartbeat && f in push.heartbeat);
    if (refusedField) return refuse(`heartbeat.${refusedField}`, "unknown field");
    for (const kind of kinds)
      if ((state.modes[kind] ?? "ok") === "invalid")
        return refuse(`${kind}.batch_id`, "refused for the test");
    const items = {
      alerts: push.alerts?.alerts.length ?? 0,
      checks: push.checks?.results.length ?? 0,
      metrics: push.metrics ? expandCompactMetrics(push.metrics).length : 0,
      events: push.events?.events.length ?? 0,
    };
    if (kinds.some((kind) => items[kind] > state.maxItemsPerBatch)) {
      log(413, carried);
      return send(res, 413, { error: { code: "PAYLOAD_TOO_LARGE", message: "too many items" } });
    }
    if (push.heartbeat) state.heartbeats.push({ ...push.heartbeat, server_id: push.server_id });
    const acks: Record<string, unknown> = {};
    const refused: Record<string, unknown> = {};
    for (const kind of kinds) {
      const batchId = (push[kind] as { batch_id: string }).batch_id;
      const kindMode = state.modes[kind] ?? (mode === "pending_approval" ? mode : "ok");
      if (kindMode === "pending_approval") {
        refused[kind] = {
          status: 403,
          error: { code: "PENDING_APPROVAL", message: "approve the server first" },
        };
        continue;
      }
      if (kindMode === "unavailable") {
        refused[kind] = { status: 500, error: { code: "INTERNAL", message: "down for the test" } };
        continue;
      }
      const stored = !batches.has(batchId);
      if (stored) {
        batches.add(batchId);
        if (kind === "metrics" && push.metrics) {
          for (const s of expandCompactMetrics(push.metrics))
            state.samples.push({
              ts: s.ts.getTime(),
              name: s.name,
              ...(s.labels ? { labels: s.labels } : {}),
              value: s.value,
              batchId,
            });
        } else if (kind === "checks" && push.checks) {
          for (const c of push.checks.results)
            state.checks.push({
              monitor: c.monitor,
              status: c.status,
              ...(c.message ? { message: c.message } : {}),
              ts: c.ts.getTime(),
            });
        } else if (kind === "events" && push.events) state.events.push(...push.events.events);
        else if (kind === "alerts" && push.alerts) state.alerts.push(...push.alerts.alerts);
      } else state.replays++;
      acks[kind] = { ok: true, batch_id: batchId, stored, accepted: items[kind] };
    }
    if (state.ackDelayMs > 0) await new Promise((r) => setTimeout(r, state.ackDelayMs));
    log(200, carried);
    return send(res, 200, {
      ok: true,
      v: 1,
      ...(push.heartbeat
        ? {
            heartbeat: {
              ok: true,
              server_time: new Date().toISOString(),
              clock_skew_ms: 0,
              approval: mode === "pending_approval" ? "pending" : "approved",
              ...(state.scheduleStale ? { schedule_stale: state.scheduleStale } : {}),
            },
          }
        : {}),
      acks,
      ...(Object.keys(refused).length > 0 ? { refused } : {}),
    });
  }

  async function start() {
    const created = createServer((req, res) => {
      handle(req, res).catch(() => {
        if (!res.headersSent) send(res, 500, { error: { code: "INTERNAL", message: "fake backend failed" } });
      });
    });
    created.on("connection", (socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      created.once("error", reject);
      created.listen(port, "127.0.0.1", () => resolve());
    });
    port = (created.address() as AddressInfo).port;
    state.url = `http://127.0.0.1:${port}`;
    server = created;
  }

  async function stop() {
    const current = server;
    server = undefined;
    if (!current) return;
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => current.close(() => resolve()));
  }

  await start();
  return state;
}
