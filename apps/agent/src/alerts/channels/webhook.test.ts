import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyWebhookSignature, WebhookPayload } from "@custos/protocol";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { StoredAlert } from "../../store/alerts.ts";
import { webhookSender } from "./webhook.ts";

const SIGNING_SECRET = "whsec_agent_0123456789abcdef";

const received: { headers: IncomingHttpHeaders; body: string }[] = [];
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});
beforeEach(() => {
  received.length = 0;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const alert: StoredAlert = {
  id: 1,
  incidentKey: "srv:http:api:2026-05-01T10:00:00.000Z",
  monitor: "http:api",
  state: "down",
  startedAt: Date.UTC(2026, 4, 1, 10, 0, 0),
  createdAt: Date.UTC(2026, 4, 1, 10, 0, 20),
  title: "DOWN: http:api on web-1",
  body: "http:api on web-1 is down since 2026-05-01T10:00:00.000Z",
  durationMs: null,
};
const message = { alert, serverName: "web-1", serverId: "srv", ackUrl: "https://custos.example/ack/a1.x.y" };
const send = (channel: Parameters<typeof webhookSender>[0]) =>
  webhookSender(channel)(message, AbortSignal.timeout(5_000));

/** The receiver's side, written from the documented scheme only: HMAC-SHA256 over "<timestamp>.<raw body>". */
function receiverAccepts(request: { headers: IncomingHttpHeaders; body: string }): boolean {
  const timestamp = String(request.headers["x-custos-timestamp"]);
  const signature = String(request.headers["x-custos-signature"]);
  const expected = `sha256=${createHmac("sha256", SIGNING_SECRET).update(`${timestamp}.${request.body}`).digest("hex")}`;
  return (
    signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
  );
}

describe("the agent's webhook channel", () => {
  it("posts the shared payload that a receiver parses with the protocol's WebhookPayload", async () => {
    await send({ type: "webhook", url });
    const [request] = received;
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.headers["x-custos-event"]).toBe("down");
    const payload = WebhookPayload.parse(JSON.parse(request?.body ?? ""));
    expect(payload).toMatchObject({
      source: "agent",
      event: "down",
      incident_key: alert.incidentKey,
      server: { id: "srv", name: "web-1" },
      monitor: "http:api",
      ack_url: message.ackUrl,
    });
  });

  it("sends no signature when the channel has no signing secret", async () => {
    await send({ type: "webhook", url });
    expect(received[0]?.headers["x-custos-signature"]).toBeUndefined();
    expect(received[0]?.headers["x-custos-timestamp"]).toBeUndefined();
  });

  it("signs as the backend does when the channel has a signing secret, so the same receiver check accepts it", async () => {
    const before = Math.floor(Date.now() / 1000);
    await send({ type: "webhook", url, signing_secret: SIGNING_SECRET });
    const [request] = received as [{ headers: IncomingHttpHeaders; body: string }];
    const timestamp = Number(request.headers["x-custos-timestamp"]);
    expect(timestamp).toBeGreaterThanOrEqual(before);
    expect(request.headers["x-custos-signature"]).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(receiverAccepts(request)).toBe(true);
    expect(receiverAccepts({ ...request, body: request.body.replace('"down"', '"restored"') })).toBe(false);
    expect(
      await verifyWebhookSignature({
        secret: SIGNING_SECRET,
        body: request.body,
        timestamp: String(request.headers["x-custos-timestamp"]),
        signature: String(request.headers["x-custos-signature"]),
        now: new Date(),
      }),
    ).toBe(true);
  });

  it("keeps its own headers when the configured ones try to replace them, and sends the others", async () => {
    await send({
      type: "webhook",
      url,
      signing_secret: SIGNING_SECRET,
      headers: { "X-Custos-Signature": "sha256=forged", "x-custos-event": "restored", "X-Team": "ops" },
    });
    const [request] = received as [{ headers: IncomingHttpHeaders; body: string }];
    expect(request.headers["x-team"]).toBe("ops");
    expect(request.headers["x-custos-event"]).toBe("down");
    expect(receiverAccepts(request)).toBe(true);
  });
});
