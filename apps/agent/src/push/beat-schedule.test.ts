import { describe, expect, it } from "vitest";
import { BeatSchedule, beatTimeoutMs, RETRY_BASE_MS } from "./beat-schedule.ts";
import type { SendOutcome } from "./client.ts";

const ok: SendOutcome = { kind: "ok", status: 200, body: {} };
const unreachable: SendOutcome = {
  kind: "retry",
  status: undefined,
  message: "ECONNRESET",
  unreachable: true,
};
const unavailable: SendOutcome = { kind: "retry", status: 503, message: "HTTP 503", unreachable: true };
const rateLimited: SendOutcome = {
  kind: "retry",
  status: 429,
  message: "HTTP 429",
  unreachable: false,
  retryAfterMs: 1_000,
};
const refused: SendOutcome = { kind: "auth", status: 401, message: "invalid API key" };

/** A schedule with a 3 s interval whose first beat is at t=1000, its jitter at the top of its range. */
function schedule(random = () => 1) {
  const beats = new BeatSchedule({ intervalMs: 3_000, firstAt: 1_000, random });
  beats.take(0); // the forced first beat (start)
  beats.settled(ok, 0, 10);
  return beats;
}

describe("BeatSchedule", () => {
  it("beats at once on start, then on its phase every interval", () => {
    const beats = new BeatSchedule({ intervalMs: 3_000, firstAt: 1_000 });
    expect(beats.dueInMs(0)).toBe(0);
    expect(beats.take(0)).toBe(true);
    beats.settled(ok, 0, 10);
    expect(beats.dueInMs(10)).toBe(990);
    expect(beats.take(500)).toBe(false);
    expect(beats.take(1_000)).toBe(true);
    beats.settled(ok, 1_000, 1_020);
    expect(beats.dueInMs(1_020)).toBe(2_980);
  });

  it("tries a beat that could not reach the backend again after RETRY_BASE_MS, not a whole interval later", () => {
    const beats = schedule();
    expect(beats.take(1_000)).toBe(true);
    beats.settled(unreachable, 1_000, 1_005);
    expect(beats.dueInMs(1_005)).toBe(RETRY_BASE_MS - 5);
    expect(beats.take(1_000 + RETRY_BASE_MS)).toBe(true);
  });

  it("doubles the retry delay with each failure, never past the regular beat", () => {
    const beats = schedule();
    let at = 1_000;
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      expect(beats.take(at)).toBe(true);
      beats.settled(unavailable, at, at);
      delays.push(beats.dueInMs(at));
      at += beats.dueInMs(at);
    }
    // from 1000: retries at 1250, 1750, 2750; the regular beat at 4000 comes before the fourth
    // retry (4750); past that the delay reaches the interval and only the regular beats remain
    expect(delays).toEqual([250, 500, 1_000, 1_250, 3_000, 3_000]);
  });

  it("retries at once a beat whose request hung longer than its retry delay (a cut that ended)", () => {
    const beats = schedule();
    expect(beats.take(1_000)).toBe(true);
    // the request was black-holed for 2.5 s and reset when the network came back
    beats.settled(unreachable, 1_000, 3_500);
    expect(beats.dueInMs(3_500)).toBe(0);
    expect(beats.take(3_500)).toBe(true);
  });

  it("jitters each retry within the upper half of its delay", () => {
    const low = schedule(() => 0);
    low.take(1_000);
    low.settled(unreachable, 1_000, 1_000);
    expect(low.dueInMs(1_000)).toBe(RETRY_BASE_MS / 2);
  });

  it("forgets the failures once a beat is accepted", () => {
    const beats = schedule();
    let at = 1_000;
    for (let i = 0; i < 3; i++) {
      beats.take(at);
      beats.settled(unreachable, at, at);
      at += beats.dueInMs(at);
    }
    beats.take(at);
    beats.settled(ok, at, at);
    // the next failure starts again from RETRY_BASE_MS
    const next = at + beats.dueInMs(at);
    beats.take(next);
    beats.settled(unreachable, next, next);
    expect(beats.dueInMs(next)).toBe(RETRY_BASE_MS);
  });

  it("waits for the regular beat after a 429 with Retry-After, or an answer that is not a failure to retry", () => {
    for (const outcome of [rateLimited, refused]) {
      const beats = schedule();
      beats.take(1_000);
      beats.settled(outcome, 1_000, 1_010);
      expect(beats.dueInMs(1_010)).toBe(2_990);
    }
  });

  it("a run that carried no beat (not registered yet) keeps the regular schedule", () => {
    const beats = schedule();
    beats.take(1_000);
    beats.settled(undefined, 1_000, 1_010);
    expect(beats.dueInMs(1_010)).toBe(2_990);
  });

  it("beatNow makes the next push carry a beat whatever the time, once", () => {
    const beats = schedule();
    beats.beatNow();
    expect(beats.dueInMs(200)).toBe(0);
    expect(beats.take(200)).toBe(true);
    expect(beats.take(201)).toBe(false);
  });
});

describe("beatTimeoutMs", () => {
  it("is half the interval, at least 5 s and at most 30 s", () => {
    expect(beatTimeoutMs(3_000)).toBe(5_000);
    expect(beatTimeoutMs(20_000)).toBe(10_000);
    expect(beatTimeoutMs(30_000)).toBe(15_000);
    expect(beatTimeoutMs(3_600_000)).toBe(30_000);
  });
});
