/**
 * Runs first in the single executable (imported before src/main.ts, so before any command can
 * open the state database): sizes libuv's thread pool, hands better-sqlite3 the embedded
 * native addon, and schedules the page-out of start-up's pages when the executable carries it.
 */
import { isSea } from "node:sea";
import { setDefaultNativeBinding } from "../src/store/sqlite.ts";
import { failingBinding, hasEmbeddedAddon, loadEmbeddedAddon, PAGEOUT_ADDON } from "./native.ts";
import { type PageOutBinding, schedulePageOut } from "./pageout.ts";

/**
 * libuv's threads (file reads, DNS lookups, gzip) when the environment does not say: 2, not 4.
 * libuv reads the variable when the pool starts, at the first such call, which is after this.
 * Not 1: a DNS lookup that hangs would then hold up every file read too (decision 0030).
 */
export const UV_THREADPOOL_SIZE = "2";

if (isSea()) {
  process.env.UV_THREADPOOL_SIZE ??= UV_THREADPOOL_SIZE;
  try {
    setDefaultNativeBinding(loadEmbeddedAddon().binding);
  } catch (error) {
    // version and check never open the database; the first open reports this error
    setDefaultNativeBinding(failingBinding(error as Error));
  }
  if (hasEmbeddedAddon(PAGEOUT_ADDON)) {
    schedulePageOut(() => loadEmbeddedAddon(undefined, PAGEOUT_ADDON).binding as PageOutBinding);
  }
}
