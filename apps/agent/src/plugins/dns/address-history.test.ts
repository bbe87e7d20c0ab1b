import { describe, expect, it } from "vitest";
import { HISTORY_LIMIT, readHistory, recordAddress } from "./address-history.ts";

describe("public address history", () => {
  const t = (minute: number) => new Date(Date.UTC(2025, 0, 1, 0, minute));

  it("records the first address without calling it a change, and each change after", () => {
    const first = recordAddress([], "203.0.113.7", t(0));
    expect(first).toEqual({ history: [{ address: "203.0.113.7", since: "2025-01-01T00:00:00.000Z" }] });
    const same = recordAddress(first.history, "203.0.113.7", t(5));
    expect(same).toEqual({ history: first.history });
    const changed = recordAddress(first.history, "198.51.100.4", t(10));
    expect(changed.changedFrom).toBe("203.0.113.7");
    expect(changed.history.map((h) => h.address)).toEqual(["203.0.113.7", "198.51.100.4"]);
  });

  it(`keeps only the newest ${HISTORY_LIMIT} changes`, () => {
    let history = readHistory([]);
    for (let i = 0; i < HISTORY_LIMIT + 10; i++)
      history = recordAddress(history, `198.51.100.${i}`, t(i)).history;
    expect(history).toHaveLength(HISTORY_LIMIT);
    expect(history[0]?.address).toBe("198.51.100.10");
    expect(history.at(-1)?.address).toBe(`198.51.100.${HISTORY_LIMIT + 9}`);
  });

  it("ignores stored state of another shape", () => {
    expect(readHistory({ not: "a list" })).toEqual([]);
    expect(readHistory([{ address: "1.2.3.4" }, { address: "1.2.3.5", since: "x" }])).toEqual([
      { address: "1.2.3.5", since: "x" },
    ]);
  });
});
