/**
 * Runs first in the single executable (imported before src/main.ts, so before any command can
 * open the state database): sizes libuv's thread pool and hands better-sqlite3 the embedded
 * native addon.
 */
import { isSea } from "node:sea";
import { setDefaultNativeBinding } from "../src/store/sqlite.ts";
import { failingBinding, loadEmbeddedAddon } from "./native.ts";

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
}
