/**
 * sea/build.ts when the npm registry cannot be reached: the other architecture's Node binary
 * cannot be fetched, which must not stop `npm start` (it runs `--arch all`), while asking for
 * that architecture by name still fails. The host binary is skipped when up to date, so after
 * one build these runs cost the bundle and three quick npm attempts each.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const AGENT_DIR = fileURLToPath(new URL("..", import.meta.url));
const HOST = process.arch === "arm64" ? "arm64" : "x64";
const OTHER = HOST === "x64" ? "arm64" : "x64";
// an empty cache of other-architecture Node binaries, so the registry must be asked
const baseCache = mkdtempSync(join(tmpdir(), "custos-sea-base-"));
afterAll(() => rmSync(baseCache, { recursive: true, force: true }));

function build(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join(AGENT_DIR, "sea", "build.ts"), ...args],
      {
        cwd: AGENT_DIR,
        timeout: 600_000,
        env: {
          ...process.env,
          CUSTOS_SEA_BASE_DIR: baseCache,
          // nothing listens on the discard port: the registry is unreachable
          npm_config_registry: "http://127.0.0.1:9/",
          // npm's own retries wait 10 s and more; the build's three attempts are what is tested
          npm_config_fetch_retries: "0",
        },
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") return reject(error);
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
  });
}

describe("building the agent binaries without the npm registry", () => {
  it("builds the host's binary, warns in one line naming the other architecture and npm's error, and exits 0 for --arch all", async () => {
    const run = await build(["--arch", "all"]);
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(join(AGENT_DIR, "dist", `custos-agent-linux-${HOST}`))).toBe(true);
    expect(run.stdout).toMatch(
      new RegExp(`custos-agent-linux-${HOST}( is up to date|\\s+[0-9.]+ MB\\s+sha256)`),
    );
    const lines = run.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`build:binary: warning: custos-agent-linux-${OTHER} not built`);
    expect(lines[0]).toContain("ECONNREFUSED");
    expect(lines[0]).toContain(`pnpm --filter @custos/agent build:binary --arch ${OTHER}`);
    expect(lines[0]).toContain("failed 3 times");
  }, 600_000);

  it(`fails with npm's error when --arch ${OTHER} is asked for by name`, async () => {
    const run = await build(["--arch", OTHER]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `build:binary: npm pack node-linux-${OTHER}@${process.versions.node} failed 3 times`,
    );
    expect(run.stderr).toContain("ECONNREFUSED");
  }, 600_000);
});
