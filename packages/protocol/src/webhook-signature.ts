/**
 * How a Custos webhook is signed, by both senders (the backend's webhook channel always, the
 * agent's when its channel sets `signing_secret`), with Web Crypto so it runs in Node, Deno and
 * browsers alike.
 *
 * Headers:
 *   X-Custos-Event:     the payload's `event`
 *   X-Custos-Timestamp: unix time in seconds when the request was signed
 *   X-Custos-Signature: sha256=<hex HMAC-SHA256(signing_secret, "<timestamp>.<raw body>")>
 *
 * To verify, a receiver takes the raw request body exactly as received (before any JSON parsing),
 * computes HMAC-SHA256 with the channel's signing secret over the X-Custos-Timestamp value, a dot,
 * and the body, hex-encodes it, and compares it with the part after "sha256=" in constant time
 * (`verifyWebhookSignature` does all of that). It should also reject timestamps more than 5
 * minutes from its own clock, so a captured request cannot be replayed later. Retries are signed
 * anew with a fresh timestamp.
 */
import type { z } from "zod";
import { SafeText } from "./primitives.ts";

export const WEBHOOK_HEADERS = {
  event: "x-custos-event",
  timestamp: "x-custos-timestamp",
  signature: "x-custos-signature",
} as const;

/** The HMAC key a webhook channel signs with; long enough that guessing it is hopeless. */
export const WebhookSigningSecret = SafeText.min(16, "must be at least 16 characters").max(256);
export type WebhookSigningSecret = z.infer<typeof WebhookSigningSecret>;

/** How far a signed timestamp may be from the receiver's clock (seconds). */
export const WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS = 300;

async function hmacHex(secret: string, text: string): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(text));
  let hex = "";
  for (const byte of new Uint8Array(mac)) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/** `sha256=<hex>` of HMAC-SHA256(secret, `${timestamp}.${body}`), the timestamp as in its header. */
export async function signWebhook(secret: string, timestamp: number | string, body: string): Promise<string> {
  return `sha256=${await hmacHex(secret, `${timestamp}.${body}`)}`;
}

/** The three Custos headers of a request with this body, signed at `now`. */
export async function webhookHeaders(
  secret: string,
  event: string,
  body: string,
  now: Date,
): Promise<Record<(typeof WEBHOOK_HEADERS)[keyof typeof WEBHOOK_HEADERS], string>> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    [WEBHOOK_HEADERS.event]: event,
    [WEBHOOK_HEADERS.timestamp]: String(timestamp),
    [WEBHOOK_HEADERS.signature]: await signWebhook(secret, timestamp, body),
  };
}

/**
 * A receiver's check: the signature matches the raw body and the timestamp, and the timestamp
 * is within the tolerance of `now`. Compares in constant time.
 */
export async function verifyWebhookSignature(request: {
  secret: string;
  body: string;
  timestamp: string | null | undefined;
  signature: string | null | undefined;
  now: Date;
}): Promise<boolean> {
  const timestamp = Number(request.timestamp);
  if (!request.timestamp || !Number.isInteger(timestamp) || !request.signature) return false;
  const age = Math.abs(request.now.getTime() / 1000 - timestamp);
  if (age > WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS) return false;
  const expected = await signWebhook(request.secret, request.timestamp, request.body);
  if (expected.length !== request.signature.length) return false;
  let difference = 0;
  for (let i = 0; i < expected.length; i++)
    difference |= expected.charCodeAt(i) ^ request.signature.charCodeAt(i);
  return difference === 0;
}
