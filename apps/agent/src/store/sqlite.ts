/**
 * The one module that loads better-sqlite3. The single-executable build passes the addon it
 * loaded with process.dlopen as `nativeBinding` (inside a SEA, `require` only sees built-ins).
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";

export type SqliteDatabase = Database.Database;

export interface OpenOptions {
  readonly?: boolean;
  /** Path of better_sqlite3.node, or the addon object already loaded with process.dlopen. */
  nativeBinding?: string | object;
}

let defaultNativeBinding: string | object | undefined;

/** Set once at start-up by an entry that loads the addon itself (the single executable). */
export function setDefaultNativeBinding(binding: string | object | undefined): void {
  defaultNativeBinding = binding;
}

/** Opens (creating when needed, unless read-only) a database in WAL mode with synchronous=NORMAL. */
export function openDatabase(path: string, options: OpenOptions = {}): SqliteDatabase {
  const nativeBinding = options.nativeBinding ?? defaultNativeBinding;
  if (!options.readonly && path !== ":memory:") mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const db = new Database(path, {
    readonly: options.readonly ?? false,
    fileMustExist: options.readonly ?? false,
    timeout: 5_000,
    // typed as string in @types/better-sqlite3; the library also takes the addon object
    ...(nativeBinding === undefined ? {} : { nativeBinding: nativeBinding as string }),
  });
  if (!options.readonly) {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
  }
  return db;
}
