/**
 * What keeps a runaway application from filling the agent's disk or memory: a cap on distinct
 * names, on label sets per name, and on samples per second (a token bucket holding one second's
 * worth). Every refusal is counted by reason, and the counts are reported as metrics.
 */

export type DropReason = "names" | "series" | "rate" | "invalid";

interface LimitOptions {
  maxNames: number;
  maxSeriesPerName: number;
  maxSamplesPerSecond: number;
  /** Series not seen for this long stop counting against the caps. */
  forgetAfterMs?: number;
}

const FORGET_AFTER_MS = 3_600_000;

export class IntakeLimits {
  readonly #o: Required<LimitOptions>;
  /** name -> series key -> last seen (ms). */
  readonly #names = new Map<string, Map<string, number>>();
  #tokens: number;
  #refilledAt: number;
  readonly dropped: Record<DropReason, number> = { names: 0, series: 0, rate: 0, invalid: 0 };

  constructor(options: LimitOptions, now: number) {
    this.#o = { forgetAfterMs: FORGET_AFTER_MS, ...options };
    this.#tokens = options.maxSamplesPerSecond;
    this.#refilledAt = now;
  }

  /** Takes up to `wanted` samples' worth of the per-second budget; returns how many fit. */
  takeRate(wanted: number, now: number): number {
    const rate = this.#o.maxSamplesPerSecond;
    this.#tokens = Math.min(rate, this.#tokens + ((now - this.#refilledAt) / 1000) * rate);
    this.#refilledAt = now;
    const granted = Math.min(wanted, Math.floor(this.#tokens));
    this.#tokens -= granted;
    this.dropped.rate += wanted - granted;
    return granted;
  }

  /** True when the series may be kept (known, or room for it); counts the refusal otherwise. */
  admitSeries(name: string, seriesKey: string, now: number): boolean {
    let series = this.#names.get(name);
    if (!series) {
      if (this.#names.size >= this.#o.maxNames) {
        this.dropped.names++;
        return false;
      }
      series = new Map();
      this.#names.set(name, series);
    }
    if (!series.has(seriesKey) && series.size >= this.#o.maxSeriesPerName) {
      this.dropped.series++;
      return false;
    }
    series.set(seriesKey, now);
    return true;
  }

  countInvalid(count = 1): void {
    this.dropped.invalid += count;
  }

  /** Forgets series quiet for longer than forgetAfterMs, so a renamed metric frees its slot. */
  forgetQuiet(now: number): void {
    for (const [name, series] of this.#names) {
      for (const [key, seen] of series) if (now - seen > this.#o.forgetAfterMs) series.delete(key);
      if (series.size === 0) this.#names.delete(name);
    }
  }

  get names(): number {
    return this.#names.size;
  }
}
