import { ACK_LINK_TTL_MS } from "@custos/protocol";

/**
 * Acknowledge-link tokens: 24 base62 characters (≈ 143 random bits), short enough for an SMS and
 * far too many to guess (at a million tries a second, 10^29 years to find one of a thousand live
 * tokens), so the route needs no rate limit. Stored only as SHA-256, like API keys.
 */
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const TOKEN_CHARS = 24;
export const ACK_TOKEN_RE = /^[0-9A-Za-z]{24}$/;

/** How long a link works; it also stops working once its incident is acknowledged or resolved. */
export const ACK_LINK_TTL_HOURS = ACK_LINK_TTL_MS / 3_600_000;

/** The events that page a person, whose messages carry an acknowledge link. */
export const PAGING_EVENTS: ReadonlySet<string> = new Set(["down", "flapping", "escalation", "repeat"]);

export function generateAckToken(): string {
  const out: string[] = [];
  while (out.length < TOKEN_CHARS) {
    const bytes = crypto.getRandomValues(new Uint8Array(48));
    for (const b of bytes) {
      // reject the tail of the byte range so every character is equally likely
      if (b < 248 && out.length < TOKEN_CHARS) out.push(ALPHABET[b % 62] as string);
    }
  }
  return out.join("");
}

export async function hashAckToken(token: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)));
}
