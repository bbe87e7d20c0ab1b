import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseProcStat } from "./parse.ts";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "fixtures", name), "utf8");

describe("/proc/stat", () => {
  it("reads busy and total jiffies from a recorded /proc/stat", () => {
    expect(parseProcStat(fixture("proc-stat-1.txt"))).toEqual({
      busy: 8807 + 3298 + 84 + 2,
      total: 8807 + 3298 + 84 + 2 + 247013 + 574,
    });
  });
});
