/**
 * The page-out of start-up's pages (sea/pageout.c, sea/pageout.ts): the addon built as
 * sea/build.ts builds it and loaded into a Node process of its own (a private copy of the node
 * binary: the kernel pages out only pages no other process maps), and its schedule.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { schedulePageOut } from "../sea/pageout.ts";

const SOURCE = fileURLToPath(new URL("../sea/pageout.c", import.meta.url));
const HEADERS = join(dirname(process.execPath), "..", "include", "node");
const compiler = spawnSync("cc", ["--version"]).status === 0 && existsSync(join(HEADERS, "node_api.h"));

describe.skipIf(!compiler)("pageout.node in a Node process", () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "custos-pageout-"));
    execFileSync("cc", [
      "-shared",
      "-fPIC",
      "-O2",
      "-Wall",
      "-Wextra",
      "-Werror",
      "-I",
      HEADERS,
      "-o",
      join(dir, "pageout.node"),
      SOURCE,
    ]);
    copyFileSync(process.execPath, join(dir, "node"));
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("gives back most of the executable's resident pages, and the process goes on", () => {
    const script = `
      const kb = (key) => Number(require("fs").readFileSync("/proc/self/status", "utf8").match(new RegExp(key + ":\\\\s+(\\\\d+)"))[1]);
      const addon = { exports: {} };
      process.dlopen(addon, ${JSON.stringify(join(dir, "pageout.node"))});
      const before = kb("RssFile");
      const advised = addon.exports.pageOut();
      const after = kb("RssFile");
      console.log(JSON.stringify({ before, advised, after, still: [1, 2, 3].map((n) => n * 2).join(",") }));
    `;
    const out = JSON.parse(execFileSync(join(dir, "node"), ["-e", script], { encoding: "utf8" })) as {
      before: number;
      advised: number;
      after: number;
      still: string;
    };
    expect(out.advised).toBeGreaterThan(10 * 1_048_576);
    expect(out.after).toBeLessThan(out.before * 0.75);
    expect(out.still).toBe("2,4,6");
  });
});

describe("the page-out schedule", () => {
  it("pages out after the first delay and then at every interval until stopped", () => {
    vi.useFakeTimers();
    try {
      const calls: number[] = [];
      const schedule = schedulePageOut(() => ({ pageOut: () => calls.push(Date.now()) }), {
        firstMs: 1_000,
        everyMs: 10_000,
      });
      const start = Date.now();
      vi.advanceTimersByTime(999);
      expect(calls).toEqual([]);
      vi.advanceTimersByTime(1 + 25_000);
      expect(calls.map((t) => t - start)).toEqual([1_000, 11_000, 21_000]);
      schedule.stop();
      vi.advanceTimersByTime(60_000);
      expect(calls).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it("stops for good when the kernel refuses or the addon cannot be loaded", () => {
    vi.useFakeTimers();
    try {
      let refused = 0;
      const pageOut = () => {
        refused++;
        return -22; // EINVAL: a kernel without MADV_PAGEOUT
      };
      schedulePageOut(() => ({ pageOut }), { firstMs: 10, everyMs: 10 });
      let loads = 0;
      schedulePageOut(
        () => {
          loads++;
          throw new Error("cannot load the embedded page-out addon");
        },
        { firstMs: 10, everyMs: 10 },
      );
      vi.advanceTimersByTime(1_000);
      expect({ refused, loads }).toEqual({ refused: 1, loads: 1 });
    } finally {
      vi.useRealTimers();
    }
  });
});
