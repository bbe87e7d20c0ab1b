/**
 * Browser-test plumbing: Debian's Chromium driven by playwright-core, a fresh profile per
 * context, the built dashboard, and screenshots kept under test-artifacts/dashboard/.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const WEB_DIR = fileURLToPath(new URL("../../../web/", import.meta.url));
export const WEB_OUT = join(WEB_DIR, "out");
export const ARTIFACTS = fileURLToPath(new URL("../../../../test-artifacts/dashboard/", import.meta.url));
export const AGENT_MAIN = fileURLToPath(new URL("../../../agent/src/main.ts", import.meta.url));

export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Newest modification time of the dashboard's sources (src/, config files). */
function newestSource(): number {
  let newest = 0;
  const visit = (path: string) => {
    const info = statSync(path);
    if (info.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else newest = Math.max(newest, info.mtimeMs);
  };
  visit(join(WEB_DIR, "src"));
  for (const file of ["next.config.ts", "package.json", "postcss.config.mjs"]) visit(join(WEB_DIR, file));
  return newest;
}

/**
 * The dashboard's static export, (re)built when it is missing or older than its sources, so the
 * browser tests never run against a stale build (npm start builds it too; a build takes ~30 s).
 */
export function ensureDashboardBuilt(): void {
  const index = join(WEB_OUT, "index.html");
  if (existsSync(index) && statSync(index).mtimeMs >= newestSource()) return;
  const next = join(WEB_DIR, "node_modules", "next", "dist", "bin", "next");
  const result = spawnSync(process.execPath, [next, "build"], {
    cwd: WEB_DIR,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    encoding: "utf8",
  });
  if (result.status !== 0) {
    throw new Error(
      `building the dashboard failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`,
    );
  }
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Page errors and failed API answers seen so far (a test asserts none slipped through). */
  problems: string[];
  close(): Promise<void>;
}

/**
 * Chromium's environment: the test's own, except under libfaketime (scripts/test-conditions.sh
 * boundary) its monotonic clocks are shifted too. With only the wall clock shifted, Chromium's
 * timed waits spin (400,000 futex calls and 40 s of CPU for a blank page; every browser test
 * hung), and with both shifted by the same offset it starts in a second, showing the faked date.
 * Nothing in the browser compares its monotonic clock with another process's.
 */
function chromiumEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && name !== "FAKETIME_DONT_FAKE_MONOTONIC") env[name] = value;
  }
  return env;
}

/** A fresh Chromium profile (--user-data-dir) with one page. */
export async function openBrowser(
  options: { width?: number; height?: number; mobile?: boolean } = {},
): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), "custos-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    env: chromiumEnv(),
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    ...(options.mobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("response", (response) => {
    if (response.status() >= 500) problems.push(`HTTP ${response.status()} ${response.url()}`);
  });
  return {
    context,
    page,
    problems,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a screenshot (the whole page unless told) as test-artifacts/dashboard/<name>.png. */
export async function shoot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: options.fullPage ?? true });
  return path;
}

/** Polls until `probe` returns something truthy. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
