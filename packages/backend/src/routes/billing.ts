import {
  verifyWebhookSignature,
  WEBHOOK_HEADERS,
  WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS,
} from "@custos/protocol";
import { Hono } from "hono";
import type { Ctx } from "../context.ts";
import { AppError } from "../errors.ts";
import { nestsDeeperThan } from "../http/body.ts";
import { applyBillingEvent } from "../plans/billing-event.ts";

/** A billing event is three short fields; anything much larger is not one. */
export const MAX_BILLING_BODY_BYTES = 16 * 1024;

/**
 * POST /api/billing/webhook: the cloud's billing system (any provider, through a small adapter)
 * puts an organization on a plan. No dashboard or agent auth: the request is signed instead,
 * like Custos' own webhooks (protocol/webhook-signature.ts): `x-custos-timestamp: <unix s>` and
 * `x-custos-signature: sha256=<hex HMAC-SHA256(CUSTOS_BILLING_WEBHOOK_SECRET, "<timestamp>.<raw body>")>`,
 * the timestamp within 5 minutes, compared in constant time. The signature is checked before the
 * body is parsed. Without a configured secret the route answers 404 (self-hosted has no billing).
 * Idempotent by event_id. Every refusal is 4xx naming the header or field (docs/plans.md).
 */
export function billingRoutes(ctx: Ctx) {
  const app = new Hono();
  app.post("/webhook", async (c) => {
    const secret = ctx.config.billingWebhookSecret;
    if (!secret)
      throw new AppError("NOT_FOUND", "the billing hook is disabled (no CUSTOS_BILLING_WEBHOOK_SECRET)");
    const timestamp = c.req.header(WEBHOOK_HEADERS.timestamp);
    const signature = c.req.header(WEBHOOK_HEADERS.signature);
    if (!timestamp)
      throw missing(WEBHOOK_HEADERS.timestamp, "unix time in seconds when the request was signed");
    if (!/^\d{1,12}$/.test(timestamp)) {
      throw new AppError("VALIDATION", `${WEBHOOK_HEADERS.timestamp} must be unix time in seconds`, {
        field: WEBHOOK_HEADERS.timestamp,
      });
    }
    if (!signature)
      throw missing(WEBHOOK_HEADERS.signature, "sha256=<hex HMAC-SHA256 of '<timestamp>.<body>'>");
    if (!/^sha256=[0-9a-f]{64}$/.test(signature)) {
      throw new AppError(
        "VALIDATION",
        `${WEBHOOK_HEADERS.signature} must be sha256=<64 lower-case hex digits>`,
        {
          field: WEBHOOK_HEADERS.signature,
        },
      );
    }
    const type = c.req.header("content-type");
    if (type && !/^application\/json\b/i.test(type)) {
      throw new AppError("UNSUPPORTED_MEDIA_TYPE", "content-type must be application/json", {
        field: "content-type",
      });
    }
    const body = await readCapped(c.req.raw, MAX_BILLING_BODY_BYTES);
    const now = ctx.now();
    if (Math.abs(now / 1000 - Number(timestamp)) > WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS) {
      throw new AppError(
        "UNAUTHORIZED",
        `${WEBHOOK_HEADERS.timestamp} is more than ${WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS / 60} minutes from this server's clock (a replay, or a clock to fix)`,
        { field: WEBHOOK_HEADERS.timestamp },
      );
    }
    if (!(await verifyWebhookSignature({ secret, body, timestamp, signature, now: new Date(now) }))) {
      throw new AppError("UNAUTHORIZED", "the signature does not match the body and timestamp", {
        field: WEBHOOK_HEADERS.signature,
      });
    }
    if (body.length === 0) throw new AppError("VALIDATION", "request body is empty", { field: "body" });
    if (nestsDeeperThan(body, 8)) throw new AppError("VALIDATION", "body nests too deep", { field: "body" });
    let event: unknown;
    try {
      event = JSON.parse(body);
    } catch {
      throw new AppError("VALIDATION", "body is not valid JSON", { field: "body" });
    }
    const result = await applyBillingEvent({ ctx, input: event as never });
    ctx.log.info("billing hook applied", { ...result });
    return c.json({ ok: true, ...result });
  });
  return app;
}

function missing(header: string, what: string): AppError {
  return new AppError("VALIDATION", `${header} is missing (${what})`, { field: header });
}

/** The raw body as text, refused with 413 past `max` bytes (declared or actually sent). */
async function readCapped(request: Request, max: number): Promise<string> {
  const declared = request.headers.get("content-length");
  const tooLarge = () =>
    new AppError("PAYLOAD_TOO_LARGE", `the body is larger than ${max} bytes`, { field: "body" });
  if (declared !== null && Number(declared) > max) throw tooLarge();
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new AppError("VALIDATION", "body is not valid UTF-8", { field: "body" });
  }
}
