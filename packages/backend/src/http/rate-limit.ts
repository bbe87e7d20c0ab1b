import { setBounded } from "../bounded-map.ts";

/**
 * Token bucket per key: `ratePerSecond` refill, `burst` capacity. In memory, per process, for at
 * most `maxKeys` keys (the least recently used are forgotten first).
 */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #rate: number;
  readonly #burst: number;
  readonly #now: () => number;
  readonly #maxKeys: number;
  constructor(ratePerSecond: number, burst: number, now: () => number = Date.now, maxKeys = 50_000) {
    this.#rate = ratePerSecond;
    this.#burst = burst;
    this.#now = now;
    this.#maxKeys = maxKeys;
  }

  /** Keys tracked now (bounded by maxKeys). */
  get size(): number {
    return this.#buckets.size;
  }

  /** true when the request may go ahead; otherwise the seconds until a token is available. */
  take(id: string): true | number {
    const now = this.#now();
    const bucket = this.#buckets.get(id) ?? { tokens: this.#burst, at: now };
    bucket.tokens = Math.min(this.#burst, bucket.tokens + ((now - bucket.at) / 1000) * this.#rate);
    bucket.at = now;
    setBounded(this.#buckets, id, bucket, this.#maxKeys);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return true;
    }
    return Math.ceil((1 - bucket.tokens) / this.#rate);
  }
}
