/**
 * Local alerts and their deliveries, one row per alert and channel. Deliveries to one channel
 * go out in order (a RESTORED never overtakes its DOWN); failed ones wait for their next
 * attempt time. Everything survives a restart.
 */
import type { PageState } from "@custos/protocol";
import type { SqliteDatabase } from "./sqlite.ts";

export type AlertState = PageState | "backend_unreachable";

interface NewAlert {
  incidentKey: string;
  monitor: string;
  state: AlertState;
  startedAt: number;
  createdAt: number;
  title: string;
  body: string;
  durationMs: number | null;
}

export interface StoredAlert extends NewAlert {
  id: number;
}

export interface DueDelivery {
  id: number;
  channelKey: string;
  channelType: string;
  attempts: number;
  alert: StoredAlert;
}

export interface AlertWithDeliveries extends StoredAlert {
  deliveries: { channelType: string; status: string; attempts: number; lastError: string | null }[];
}

type AlertRow = {
  id: number;
  incident_key: string;
  monitor: string;
  state: AlertState;
  started_at: number;
  created_at: number;
  title: string;
  body: string;
  duration_ms: number | null;
};

function alertFromRow(row: AlertRow): StoredAlert {
  return {
    id: row.id,
    incidentKey: row.incident_key,
    monitor: row.monitor,
    state: row.state,
    startedAt: row.started_at,
    createdAt: row.created_at,
    title: row.title,
    body: row.body,
    durationMs: row.duration_ms,
  };
}

const KEEP_MS = 7 * 86_400_000;

/** Why a delivery was not sent: the backend reached the same destination for this incident. */
export const COVERED = "covered: the backend paged this destination for the same incident";

/** Why a DOWN was never delivered: the incident ended first, and its RESTORED carries both. */
export const SUPERSEDED = "superseded: the incident ended before this was delivered; its RESTORED says both";

export class AlertQueue {
  readonly #db: SqliteDatabase;
  readonly #q;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    this.#q = {
      insertAlert: db.prepare<[string, string, string, number, number, string, string, number | null]>(
        `insert into alerts (incident_key, monitor, state, started_at, created_at, title, body, duration_ms)
         values (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertDelivery: db.prepare<[number, string, string, number]>(
        "insert into alert_deliveries (alert_id, channel_key, channel_type, next_attempt_at) values (?, ?, ?, ?)",
      ),
      due: db.prepare<
        [number, number],
        AlertRow & { d_id: number; channel_key: string; channel_type: string; attempts: number }
      >(
        `select d.id as d_id, d.channel_key, d.channel_type, d.attempts, a.*
         from alert_deliveries d join alerts a on a.id = d.alert_id
         where d.status = 'pending'
           and d.id = (select min(x.id) from alert_deliveries x where x.channel_key = d.channel_key and x.status = 'pending')
           and d.next_attempt_at <= ?
         order by d.id limit ?`,
      ),
      delivered: db.prepare<[number, number]>(
        "update alert_deliveries set status = 'delivered', attempts = attempts + 1, done_at = ?, last_error = null where id = ?",
      ),
      retry: db.prepare<[string, number, number]>(
        "update alert_deliveries set attempts = attempts + 1, last_error = ?, next_attempt_at = ? where id = ?",
      ),
      failed: db.prepare<[string, number, number]>(
        "update alert_deliveries set status = 'failed', attempts = attempts + 1, last_error = ?, done_at = ? where id = ?",
      ),
      supersede: db.prepare<[string, number, string, string]>(
        `update alert_deliveries set status = 'failed', last_error = ?, done_at = ?
         where status = 'pending' and attempts > 0 and channel_key = ?
           and alert_id in (select id from alerts where incident_key = ? and state in ('down', 'flapping'))`,
      ),
      awaiting: db.prepare<[number], { monitor: string; started_at: number; state: AlertState }>(
        // every undelivered page on a channel that is failing (its head has been tried), oldest
        // first: those the backend may have paged meanwhile
        `select distinct a.monitor, a.started_at, a.state from alert_deliveries d
         join alerts a on a.id = d.alert_id
         where d.status = 'pending' and a.state in ('down', 'flapping', 'restored')
           and exists (select 1 from alert_deliveries x
                       where x.channel_key = d.channel_key and x.status = 'pending' and x.attempts > 0)
         order by a.id limit ?`,
      ),
      cover: db.prepare<[string, number, string, number, string, string]>(
        `update alert_deliveries set status = 'covered', last_error = ?, done_at = ?
         where status = 'pending' and channel_key = ?
           and alert_id in (select id from alerts where started_at = ? and monitor = ?
                            and case when ? = 'restored' then state = 'restored' else state in ('down', 'flapping') end)`,
      ),
      abandon: db.prepare<[string, number, string]>(
        "update alert_deliveries set status = 'failed', last_error = ?, done_at = ? where status = 'pending' and channel_key = ?",
      ),
      pendingKeys: db.prepare<[], { channel_key: string }>(
        "select distinct channel_key from alert_deliveries where status = 'pending'",
      ),
      deliveryStates: db.prepare<
        [number],
        { channel_type: string; status: string; attempts: number; last_error: string | null }
      >(
        "select channel_type, status, attempts, last_error from alert_deliveries where alert_id = ? order by id",
      ),
      recent: db.prepare<[number], AlertRow>("select * from alerts order by id desc limit ?"),
      nextDue: db.prepare<[], { at: number | null }>(
        `select min(d.next_attempt_at) as at from alert_deliveries d
         where d.status = 'pending'
           and d.id = (select min(x.id) from alert_deliveries x where x.channel_key = d.channel_key and x.status = 'pending')`,
      ),
      pendingCount: db.prepare<[], { n: number }>(
        "select count(*) as n from alert_deliveries where status = 'pending'",
      ),
      prune: db.prepare<[number]>(
        `delete from alerts where created_at < ?
         and not exists (select 1 from alert_deliveries d where d.alert_id = alerts.id and d.status = 'pending')`,
      ),
    };
  }

  /**
   * Records an alert and one pending delivery per channel. Call inside the caller's transaction.
   * A RESTORED replaces its incident's DOWN (or FLAPPING) where that delivery has failed and is
   * waiting for a retry: the channel gets one message that says both ("restored after 4m, down
   * since …"), not a late DOWN followed by a RESTORED after the incident is over. A DOWN not yet
   * tried still goes first.
   */
  add(alert: NewAlert, channels: readonly { key: string; type: string }[]): StoredAlert {
    if (alert.state === "restored") {
      for (const channel of channels)
        this.#q.supersede.run(SUPERSEDED, alert.createdAt, channel.key, alert.incidentKey);
    }
    const result = this.#q.insertAlert.run(
      alert.incidentKey,
      alert.monitor,
      alert.state,
      alert.startedAt,
      alert.createdAt,
      alert.title,
      alert.body,
      alert.durationMs,
    );
    const id = Number(result.lastInsertRowid);
    for (const channel of channels)
      this.#q.insertDelivery.run(id, channel.key, channel.type, alert.createdAt);
    return { ...alert, id };
  }

  /** For each channel, its oldest pending delivery when that one is due. */
  due(now: number, limit = 50): DueDelivery[] {
    return this.#q.due.all(now, limit).map((row) => ({
      id: row.d_id,
      channelKey: row.channel_key,
      channelType: row.channel_type,
      attempts: row.attempts,
      alert: alertFromRow(row),
    }));
  }

  markDelivered(id: number, now: number): void {
    this.#q.delivered.run(now, id);
  }

  markRetry(id: number, error: string, nextAttemptAt: number): void {
    this.#q.retry.run(error, nextAttemptAt, id);
  }

  markFailed(id: number, error: string, now: number): void {
    this.#q.failed.run(error, now, id);
  }

  /**
   * The pages the agent has not delivered because their channel fails, oldest first (at most
   * `limit`): it asks the backend with each heartbeat whether it paged them itself.
   */
  awaiting(limit: number): { monitor: string; startedAt: number; state: PageState }[] {
    return this.#q.awaiting.all(limit).map((row) => ({
      monitor: row.monitor,
      startedAt: row.started_at,
      state: row.state as PageState,
    }));
  }

  /**
   * The backend paged this incident state on destinations that include all of these channels':
   * their pending deliveries are settled as `covered`, never sent late. Returns how many.
   */
  cover(
    page: { monitor: string; startedAt: number; state: PageState },
    channelKeys: readonly string[],
    now: number,
  ): number {
    let count = 0;
    for (const key of channelKeys)
      count += this.#q.cover.run(COVERED, now, key, page.startedAt, page.monitor, page.state).changes;
    return count;
  }

  /** Pending deliveries to channels that are no longer configured are given up. */
  abandonChannelsExcept(keys: readonly string[], now: number): number {
    let count = 0;
    this.#db.transaction(() => {
      for (const row of this.#q.pendingKeys.all()) {
        if (!keys.includes(row.channel_key)) {
          count += this.#q.abandon.run("channel removed from the config", now, row.channel_key).changes;
        }
      }
    })();
    return count;
  }

  deliveries(alertId: number): AlertWithDeliveries["deliveries"] {
    return this.#q.deliveryStates.all(alertId).map((row) => ({
      channelType: row.channel_type,
      status: row.status,
      attempts: row.attempts,
      lastError: row.last_error,
    }));
  }

  recent(limit: number): AlertWithDeliveries[] {
    return this.#q.recent
      .all(limit)
      .map((row) => ({ ...alertFromRow(row), deliveries: this.deliveries(row.id) }));
  }

  /** When the next delivery that may go out is due (undefined when none is pending). */
  nextDueAt(): number | undefined {
    return this.#q.nextDue.get()?.at ?? undefined;
  }

  pendingCount(): number {
    return this.#q.pendingCount.get()?.n ?? 0;
  }

  prune(now: number): void {
    this.#q.prune.run(now - KEEP_MS);
  }
}
