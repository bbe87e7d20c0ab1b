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
  consecutiveSuccesses: number;
  /** First success of the current streak of successes. */
  succeedingSince: number | null;
  /** 'down' once the failure threshold was reached (paged, or held while flapping). */
  alertState: "up" | "down";
  incidentStartedAt: number | null;
  incidentKey: string | null;
  /** A DOWN or FLAPPING notice went out for the current incident: its RESTORED will too. */
  incidentPaged: boolean;
  /** Times of the state changes within the flapping window. */
  recentChanges: number[];
  flappingNotifiedAt: number | null;
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
  consecutive_successes: number;
  succeeding_since: number | null;
  alert_state: "up" | "down";
  incident_started_at: number | null;
  incident_key: string | null;
  incident_paged: number;
  recent_changes: string;
  flapping_notified_at: number | null;
};

function changesFromJson(text: string): number[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((t): t is number => typeof t === "number") : [];
  } catch {
    return [];
  }
}

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
    consecutiveSuccesses: row.consecutive_successes,
    succeedingSince: row.succeeding_since,
    alertState: row.alert_state,
    incidentStartedAt: row.incident_started_at,
    incidentKey: row.incident_key,
    incidentPaged: row.incident_paged === 1,
    recentChanges: changesFromJson(row.recent_changes),
    flappingNotifiedAt: row.flapping_notified_at,
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
         last_latency_ms, consecutive_failures, failing_since, consecutive_successes, succeeding_since,
         alert_state, incident_started_at, incident_key, incident_paged, recent_changes, flapping_notified_at)
       values (@monitor, @parent, @type, @status, @status_since, @last_checked_at, @last_message,
         @last_latency_ms, @consecutive_failures, @failing_since, @consecutive_successes, @succeeding_since,
         @alert_state, @incident_started_at, @incident_key, @incident_paged, @recent_changes, @flapping_notified_at)
       on conflict (monitor) do update set parent = excluded.parent, type = excluded.type, status = excluded.status,
         status_since = excluded.status_since, last_checked_at = excluded.last_checked_at,
         last_message = excluded.last_message, last_latency_ms = excluded.last_latency_ms,
         consecutive_failures = excluded.consecutive_failures, failing_since = excluded.failing_since,
         consecutive_successes = excluded.consecutive_successes, succeeding_since = excluded.succeeding_since,
         alert_state = excluded.alert_state, incident_started_at = excluded.incident_started_at,
         incident_key = excluded.incident_key, incident_paged = excluded.incident_paged,
         recent_changes = excluded.recent_changes, flapping_notified_at = excluded.flapping_notified_at`,
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
      consecutive_successes: state.consecutiveSuccesses,
      succeeding_since: state.succeedingSince,
      alert_state: state.alertState,
      incident_started_at: state.incidentStartedAt,
      incident_key: state.incidentKey,
      incident_paged: state.incidentPaged ? 1 : 0,
      recent_changes: JSON.stringify(state.recentChanges),
      flapping_notified_at: state.flappingNotifiedAt,
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
