import { setBounded } from "@custos/backend";
/**
 * Counts failures per key (an email, a client address) in a sliding window, in memory: one
 * custos-server process is one limiter; several processes on one database each count their own
 * (the limits multiply), which is still abuse protection, and a restart forgets the counts.
 * The number of keys is capped so a flood of distinct emails cannot grow it without bound.
 */
export class FailureLimiter {
  readonly #failures = new Map<string, number[]>();
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #maxKeys: number;

  constructor(limit: number, windowMs: number, maxKeys = 100_000) {
    this.#limit = limit;
    this.#windowMs = windowMs;
    this.#maxKeys = maxKeys;
  }

  /** 0 when another attempt is allowed now, else milliseconds until the oldest failure ages out. */
  waitMs(key: string, now: number): number {
    const stamps = this.#live(key, now);
    if (stamps.length < this.#limit) return 0;
    return (stamps[stamps.length - this.#limit] as number) + this.#windowMs - now;
  }

  /** Counts one failure (or one attempt in flight, see cancel). */
  record(key: string, now: number): void {
    const stamps = this.#live(key, now);
    stamps.push(now);
    // re-inserted: the Map's order is then least recently failed first, and those go first
    setBounded(this.#failures, key, stamps, this.#maxKeys);
  }

  /** Takes back one recorded attempt (it turned out to succeed), leaving earlier failures counted. */
  cancel(key: string, stamp: number): void {
    const stamps = this.#failures.get(key);
    const at = stamps?.lastIndexOf(stamp) ?? -1;
    if (stamps && at >= 0) stamps.splice(at, 1);
  }

  reset(key: string): void {
    this.#failures.delete(key);
  }

  #live(key: string, now: number): number[] {
    const stamps = this.#failures.get(key);
    if (!stamps) return [];
    const from = now - this.#windowMs;
    const firstLive = stamps.findIndex((t) => t > from);
    if (firstLive === -1) {
      this.#failures.delete(key);
      return [];
    }
    return firstLive === 0 ? stamps : stamps.slice(firstLive);
  }
}
