import { describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff.ts";

describe("backoff with full jitter", () => {
  it("draws the delay uniformly below base * 2^attempt", () => {
    const options = { baseMs: 1_000, capMs: 300_000 };
    expect(backoffDelay(0, { ...options, random: () => 0.999 })).toBe(999);
    expect(backoffDelay(3, { ...options, random: () => 0.5 })).toBe(4_000);
    expect(backoffDelay(3, { ...options, random: () => 0 })).toBe(0);
  });

  it("never waits longer than the 5 minute cap, however many failures", () => {
    const delays = [10, 20, 100, 10_000].map((attempt) =>
      backoffDelay(attempt, { baseMs: 1_000, capMs: 300_000, random: () => 0.9999 }),
    );
    for (const delay of delays) expect(delay).toBeLessThan(300_000);
    expect(Math.min(...delays)).toBeGreaterThan(299_000);
  });

  it("spreads a fleet's retries instead of synchronising them", () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(6)));
    expect(delays.size).toBeGreaterThan(40);
    for (const delay of delays) expect(delay).toBeLessThan(64_000);
  });
});
