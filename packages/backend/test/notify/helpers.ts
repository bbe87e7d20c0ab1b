/** Loopback HTTP servers standing in for Slack, ntfy, Twilio, Resend and webhook receivers. */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "vitest";
import {
  type Channel,
  DeliveryError,
  type NotificationMessage,
  type NotifierEnv,
} from "../../src/notify/index.ts";

export interface Received {
  method: string;
  /** Path and query, as requested. */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type Reply = { status: number; headers?: Record<string, string>; body?: string } | "hang";

export interface Sink {
  url: string;
  received: Received[];
  /** Changes how the sink answers from now on. */
  reply(handler: (request: Received) => Reply): void;
  close(): Promise<void>;
}

export async function startSink(
  handler: (request: Received) => Reply = () => ({ status: 200 }),
): Promise<Sink> {
  const received: Received[] = [];
  let current = handler;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request: Received = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      received.push(request);
      const reply = current(request);
      if (reply === "hang") return;
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    reply(next) {
      current = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A loopback URL where nothing listens (a server that was started and stopped). */
export async function deadUrl(): Promise<string> {
  const sink = await startSink();
  await sink.close();
  return sink.url;
}

export function testEnv(overrides: Partial<NotifierEnv> = {}): NotifierEnv {
  return {
    fetch: globalThis.fetch,
    twilioBaseUrl: "http://127.0.0.1:9",
    resendBaseUrl: "http://127.0.0.1:9",
    emailTransport: "smtp",
    emailFrom: "Custos <alerts@custos.test>",
    timeoutMs: 2_000,
    ...overrides,
  };
}

export function channel(
  kind: Channel["kind"],
  config: Record<string, unknown>,
  secret: Record<string, unknown>,
): Channel {
  return { id: "00000000-0000-4000-8000-000000000001", kind, name: `${kind} on call`, config, secret };
}

const incident = {
  id: "0b6f1c9e-6c1d-4f5e-9a51-3b8d2c7e9f10",
  subject_key: "server:web-1:heartbeat",
  kind: "heartbeat",
  title: "web-1 heartbeat missed",
  cause: "agent dead (host answers)",
  opened_at: "2026-03-01T10:00:00.000Z",
  resolved_at: null,
  duration_seconds: null,
  server: { id: "5b1f9d2e-0d7a-4c3b-8e6f-1a2b3c4d5e6f", name: "web-1" },
  monitor: null,
};

export const downMessage: NotificationMessage = {
  event: "down",
  severity: "critical",
  title: "DOWN: web-1 (heartbeat missed)",
  text: "web-1 has not sent a heartbeat since 10:00:00 UTC (timeout 120 s).\nCause: agent dead (host answers).",
  incident,
  org: { id: "9d3c1b2a-1111-4222-8333-444455556666", name: "Acme" },
  url: "https://custos.example.com/incidents/0b6f1c9e-6c1d-4f5e-9a51-3b8d2c7e9f10",
};

export const restoredMessage: NotificationMessage = {
  ...downMessage,
  event: "restored",
  severity: "info",
  title: "RESTORED: web-1 (down for 12m 30s)",
  text: "web-1 is back: heartbeat received at 10:12:30 UTC after 12m 30s.",
  incident: { ...incident, resolved_at: "2026-03-01T10:12:30.000Z", duration_seconds: 750 },
};

/** Awaits a delivery that must fail, and returns its DeliveryError. */
export async function failure(delivery: Promise<unknown>): Promise<DeliveryError> {
  const error = await delivery.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, "the delivery should have failed").toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}
