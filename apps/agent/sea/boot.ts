/**
 * Runs first in the single executable (imported before src/main.ts, so before any command can
 * open the state database): hands better-sqlite3 the embedded native addon.
 */
import { isSea } from "node:sea";
import { setDefaultNativeBinding } from "../src/store/sqlite.ts";
import { failingBinding, loadEmbeddedAddon } from "./native.ts";

if (isSea()) {
  try {
    setDefaultNativeBinding(loadEmbeddedAddon().binding);
  } catch (error) {
    // version and check never open the database; the first open reports this error
    setDefaultNativeBinding(failingBinding(error as Error));
  }
}
