import { API_KEY_VISIBLE_PREFIX_LENGTH } from "@custos/protocol";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const KEY_PREFIX = "cus_";
const RANDOM_CHARS = 40; // 40 base62 chars ≈ 238 bits
export const VISIBLE_PREFIX_LENGTH = API_KEY_VISIBLE_PREFIX_LENGTH;
export const KEY_RE = /^cus_[0-9A-Za-z]{40}$/;

/** A new API key: random, high entropy, shown to the user once. */
export function generateApiKey(): string {
  const out: string[] = [];
  while (out.length < RANDOM_CHARS) {
    const bytes = crypto.getRandomValues(new Uint8Array(64));
    for (const b of bytes) {
      // reject the tail of the byte range so every character is equally likely
      if (b < 248 && out.length < RANDOM_CHARS) out.push(ALPHABET[b % 62] as string);
    }
  }
  return KEY_PREFIX + out.join("");
}

/** SHA-256 of the key: the only form stored. High-entropy keys need no salt or slow hash. */
export async function hashApiKey(key: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(key)));
}

export function visiblePrefix(key: string): string {
  return key.slice(0, VISIBLE_PREFIX_LENGTH);
}

export function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (const b of bytes) hex += b.toString(16).padStart(2, "0");
  return hex;
}
