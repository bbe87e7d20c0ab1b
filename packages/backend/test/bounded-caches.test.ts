import { describe, expect, it } from "vitest";
import { setBounded } from "../src/bounded-map.ts";
import { RateLimiter } from "../src/http/rate-limit.ts";

describe("bounded in-process caches", () => {
  it("keeps at most the bound, dropping the oldest entries first", () => {
    const map = new Map<string, number>();
    for (let i = 0; i < 10; i++) setBounded(map, `k${i}`, i, 3);
    expect([...map.keys()]).toEqual(["k7", "k8", "k9"]);
  });

  it("counts a key set again as the newest, so an entry in use is not the one evicted", () => {
    const map = new Map<string, number>();
    setBounded(map, "a", 1, 2);
    setBounded(map, "b", 2, 2);
    setBounded(map, "a", 3, 2);
    setBounded(map, "c", 4, 2);
    expect([...map]).toEqual([
      ["a", 3],
      ["c", 4],
    ]);
  });

  it("a rate limiter flooded with new keys stays bounded and keeps limiting the key in use", () => {
    let now = 0;
    const limiter = new RateLimiter(1, 2, () => now, 100);
    expect(limiter.take("hot")).toBe(true);
    expect(limiter.take("hot")).toBe(true);
    expect(limiter.take("hot")).toBe(1); // burst spent: wait a second
    for (let i = 0; i < 1_000; i++) {
      limiter.take(`flood-${i}`);
      // the hot client keeps calling between the flood's requests and stays limited
      if (i % 50 === 0) expect(limiter.take("hot")).not.toBe(true);
    }
    expect(limiter.size).toBeLessThanOrEqual(100);
    now += 1_000;
    expect(limiter.take("hot")).toBe(true);
  });
});
