/** The agent's state database: one SQLite file, opened once per process. */
import { StateError } from "../errors.ts";
import { AlertQueue } from "./alerts.ts";
import { Events } from "./events.ts";
import { History } from "./history.ts";
import { Kv } from "./kv.ts";
import { MonitorStates } from "./monitor-state.ts";
import { Outbox, type OutboxCaps } from "./outbox.ts";
import { PluginStates } from "./plugin-state.ts";
import { RejectedBatches } from "./rejected.ts";
import { migrate } from "./schema.ts";
import { type OpenOptions, openDatabase, type SqliteDatabase } from "./sqlite.ts";

export class Store {
  readonly db: SqliteDatabase;
  readonly kv: Kv;
  readonly outbox: Outbox;
  readonly rejected: RejectedBatches;
  readonly monitors: MonitorStates;
  readonly pluginState: PluginStates;
  readonly events: Events;
  readonly alerts: AlertQueue;
  readonly history: History;

  constructor(db: SqliteDatabase, caps: OutboxCaps) {
    this.db = db;
    this.kv = new Kv(db);
    this.rejected = new RejectedBatches(db, this.kv);
    this.outbox = new Outbox(db, this.kv, this.rejected, caps);
    this.monitors = new MonitorStates(db);
    this.pluginState = new PluginStates(db);
    this.events = new Events(db);
    this.alerts = new AlertQueue(db);
    this.history = new History(db);
  }

  /** Runs `fn` in one transaction (nested calls join the outer one). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

interface OpenStoreOptions extends OpenOptions {
  caps?: OutboxCaps;
}

const NO_CAPS: OutboxCaps = { maxAgeMs: Number.MAX_SAFE_INTEGER, maxBytes: Number.MAX_SAFE_INTEGER };

/** Opens the state database (creating and migrating it unless read-only). */
export function openStore(path: string, options: OpenStoreOptions = {}): Store {
  let db: SqliteDatabase;
  try {
    db = openDatabase(path, options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const hint = options.readonly
      ? " (has the agent run yet?)"
      : " (set buffer.path in the config to a writable place)";
    throw new StateError(`cannot open state database ${path}: ${code ?? (error as Error).message}${hint}`);
  }
  try {
    if (!options.readonly) migrate(db);
    return new Store(db, options.caps ?? NO_CAPS);
  } catch (error) {
    db.close();
    throw new StateError(`state database ${path}: ${(error as Error).message}`);
  }
}
