/**
 * When the next heartbeat goes. Beats keep a fixed phase (every `heartbeat_interval` from a
 * random start), and a beat that could not reach the backend is tried again soon instead of at
 * the next beat: the backend's timeout runs from the last beat it stored, so after a short cut
 * a beat that waits a whole interval can turn a blip the timeout was meant to absorb into a
 * page (decision 0047). The retry backs off from RETRY_BASE_MS, doubling up to the interval,
 * measured from when the failed attempt started: a request that hung through the cut has
 * waited already and goes again at once. A backend that answered 429 with Retry-After, or any
 * answer other than a retryable failure, waits for the regular beat. A beat's request gives up
 * after `beatTimeoutMs`, so the retry does not wait behind a connection that died silently.
 */
import { nextRunAt } from "../scheduler/timing.ts";
import type { SendOutcome } from "./client.ts";

export const RETRY_BASE_MS = 250;

/**
 * How long a request carrying a beat waits for its answer: half the interval, within
 * [5 s, 30 s]. A kept-alive connection can die without a reset (a NAT that forgot it, a link
 * that came back under a new address): a beat sent on it gets no answer ever, and with the
 * backend's timeout at twice the interval, a beat that waited 30 s before its retry on a new
 * connection would arrive after the deadline. Half an interval leaves the retry half of one.
 * Data-only pushes keep the client's longer timeout (a 4 MB batch on a slow uplink).
 */
export function beatTimeoutMs(intervalMs: number): number {
  return Math.min(30_000, Math.max(5_000, Math.floor(intervalMs / 2)));
}

interface BeatScheduleOptions {
  intervalMs: number;
  /** The first beat's time (the random phase). */
  firstAt: number;
  random?: () => number;
}

export class BeatSchedule {
  readonly #intervalMs: number;
  readonly #random: () => number;
  /** The regular beat. */
  #nextAt: number;
  /** An earlier attempt after a beat that failed, when one is due before the regular beat. */
  #retryAt: number | undefined;
  #failures = 0;
  #forced = true;

  constructor(options: BeatScheduleOptions) {
    this.#intervalMs = options.intervalMs;
    this.#random = options.random ?? Math.random;
    this.#nextAt = options.firstAt;
  }

  /** The next push carries a heartbeat whatever the time (start, registration). */
  beatNow(): void {
    this.#forced = true;
  }

  /** Whether a push starting at `now` carries a heartbeat; clears a `beatNow`. */
  take(now: number): boolean {
    const due = this.#forced || this.#nextAt <= now || (this.#retryAt !== undefined && this.#retryAt <= now);
    this.#forced = false;
    return due;
  }

  /**
   * A beat that started at `startedAt` got `outcome` (undefined when none was sent: not yet
   * registered). Moves the regular beat past `now` and sets or clears the early retry.
   */
  settled(outcome: SendOutcome | undefined, startedAt: number, now: number): void {
    if (outcome?.kind === "retry" && outcome.retryAfterMs === undefined) {
      this.#failures++;
      const ceiling = Math.min(this.#intervalMs, RETRY_BASE_MS * 2 ** Math.min(this.#failures - 1, 20));
      // equal jitter: at least half the delay, so a fleet cut off together does not retry in lockstep
      this.#retryAt = startedAt + Math.floor(ceiling / 2 + (this.#random() * ceiling) / 2);
    } else if (outcome) {
      this.#failures = 0;
      this.#retryAt = undefined;
    }
    this.passed(now);
  }

  /** Moves the regular beat past `now` (a run that carried no beat). */
  passed(now: number): void {
    if (this.#nextAt <= now) this.#nextAt = nextRunAt(this.#nextAt, now, this.#intervalMs, false);
    if (this.#retryAt !== undefined && this.#retryAt >= this.#nextAt) this.#retryAt = undefined;
  }

  /** Milliseconds until a beat is due (0 when one is due now). */
  dueInMs(now: number): number {
    if (this.#forced) return 0;
    return Math.max(0, Math.min(this.#nextAt, this.#retryAt ?? Number.POSITIVE_INFINITY) - now);
  }
}
