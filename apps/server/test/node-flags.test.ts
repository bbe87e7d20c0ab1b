/**
 * custos-server's V8 flags (node-flags.json) are the same from every launcher: `npm start`
 * (scripts/custos.mjs), the package's bin and start script, and the testkit the tests and
 * benchmarks start it with. Why the flags: docs/decisions/0026-server-memory.md.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const read = (path: string) => readFileSync(fileURLToPath(new URL(path, import.meta.url)), "utf8");
const FLAGS = JSON.parse(read("../node-flags.json")) as string[];

describe("custos-server's V8 flags", () => {
  it("caps the young generation so a burst of ingest does not keep 100 MB of it for good", () => {
    expect(FLAGS).toContain("--max-semi-space-size=16");
  });

  it("are given by the bin's shebang and the package's start script", () => {
    const shebang = read("../bin/custos-server.mjs").split("\n")[0];
    expect(shebang).toBe(`#!/usr/bin/env -S node ${FLAGS.join(" ")}`);
    const start = (JSON.parse(read("../package.json")) as { scripts: { start: string } }).scripts.start;
    expect(start).toBe(`node ${FLAGS.join(" ")} src/cli.ts start`);
  });

  it("are read from node-flags.json by npm start and by the testkit", () => {
    expect(read("../../../scripts/custos.mjs")).toMatch(/"apps", "server", "node-flags\.json"/);
    expect(read("../../../packages/testkit/src/server.ts")).toContain("apps/server/node-flags.json");
  });
});
