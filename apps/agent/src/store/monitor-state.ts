/** The last known state of every monitor (and sub-target), kept across restarts. */
import type { CheckStatus } from "@custos/protocol";
import type { SqliteDatabase } from "./sqlite.ts";

export interface MonitorState {
  monitor: string;
  /** The configured monitor that produced it (differs for sub-targets like "http:api"). */
  parent: string;
  type: string | null;
  status: CheckStatus;
  statusSince: number;
  lastCheckedAt: number;
  lastMessage: string | null;
  lastLatencyMs: number | null;
  consecutiveFailures: number;
  /** First failure of the current streak of failures. */
  failingSince: number | null;
  /** 'down' once the failure threshold was reached and the DOWN alert was raised. */
  alertState: "up" | "down";
  incidentStartedAt: number | null;
  incidentKey: string | null;
}

type Row = {
  monitor: string;
  parent: string;
  type: string | null;
  status: CheckStatus;
  status_since: number;
  last_checked_at: number;
  last_message: string | null;
  last_latency_ms: number | null;
  consecutive_failures: number;
  failing_since: number | null;
  alert_state: "up" | "down";
  incident_started_at: number | null;
  incident_key: string | null;
};

function fromRow(row: Row): MonitorState {
  return {
    monitor: row.monitor,
    parent: row.parent,
    type: row.type,
    status: row.status,
    statusSince: row.status_since,
    lastCheckedAt: row.last_checked_at,
    lastMessage: row.last_message,
    lastLatencyMs: row.last_latency_ms,
    consecutiveFailures: row.consecutive_failures,
    failingSince: row.failing_since,
    alertState: row.alert_state,
    incidentStartedAt: row.incident_started_at,
    incidentKey: row.incident_key,
  };
}

export class MonitorStates {
  readonly #get;
  readonly #all;
  readonly #upsert;
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#get = db.prepare<[string], Row>("select * from monitor_state where monitor = ?");
    this.#all = db.prepare<[], Row>("select * from monitor_state order by monitor");
    this.#upsert = db.prepare<Row>(
      `insert into monitor_state (monitor, parent, type, status, status_since, last_checked_at, last_message,
         last_latency_ms, consecutive_failures, failing_since, alert_state, incident_started_at, incident_key)
       values (@monitor, @parent, @type, @status, @status_since, @last_checked_at, @last_message,
         @last_latency_ms, @consecutive_failures, @failing_since, @alert_state, @incident_started_at, @incident_key)
       on conflict (monitor) do update set parent = excluded.parent, type = excluded.type, status = excluded.status,
         status_since = excluded.status_since, last_checked_at = excluded.last_checked_at,
         last_message = excluded.last_message, last_latency_ms = excluded.last_latency_ms,
         consecutive_failures = excluded.consecutive_failures, failing_since = excluded.failing_since,
         alert_state = excluded.alert_state, incident_started_at = excluded.incident_started_at,
         incident_key = excluded.incident_key`,
    );
  }

  get(monitor: string): MonitorState | undefined {
    const row = this.#get.get(monitor);
    return row ? fromRow(row) : undefined;
  }

  all(): MonitorState[] {
    return this.#all.all().map(fromRow);
  }

  put(state: MonitorState): void {
    this.#upsert.run({
      monitor: state.monitor,
      parent: state.parent,
      type: state.type,
      status: state.status,
      status_since: state.statusSince,
      last_checked_at: state.lastCheckedAt,
      last_message: state.lastMessage,
      last_latency_ms: state.lastLatencyMs,
      consecutive_failures: state.consecutiveFailures,
      failing_since: state.failingSince,
      alert_state: state.alertState,
      incident_started_at: state.incidentStartedAt,
      incident_key: state.incidentKey,
    });
  }

  /** Forgets monitors whose configured parent is gone from the config. */
  keepOnlyParents(parents: readonly string[]): number {
    if (parents.length === 0) return this.#db.prepare("delete from monitor_state").run().changes;
    const marks = parents.map(() => "?").join(", ");
    return this.#db.prepare(`delete from monitor_state where parent not in (${marks})`).run(...parents)
      .changes;
  }
}
