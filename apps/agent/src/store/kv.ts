/** Small named values: server id, counters, last push and heartbeat times. */
import type { SqliteDatabase } from "./sqlite.ts";

export const KV = {
  serverId: "server_id",
  registeredUrl: "registered_url",
  registeredKeyHash: "registered_key_hash",
  approval: "approval",
  /** The backend's words while it refuses to register this server (402 PLAN_LIMIT); shown by status. */
  registrationRefused: "registration_refused",
  /** Samples and check results dropped by the buffer caps, not yet reported in a heartbeat. */
  droppedSamples: "dropped_samples",
  /** Items in batches the backend refused for good (set aside in `rejected`), all kinds. */
  rejectedItems: "rejected_items",
  /** Per kind as `rejected_batches.<kind>` / `rejected_items.<kind>`: totals since install. */
  rejectedBatchesPrefix: "rejected_batches",
  rejectedItemsPrefix: "rejected_items",
  /** Items set aside and not yet reported in a heartbeat (sent as `rejected_items`). */
  rejectedUnreported: "rejected_unreported",
  /** JSON {<kind>: {since, attempts, last_error, retry_at}} for kinds whose pushes fail. */
  pushFailing: "push_failing",
  lastPushAt: "last_push_at",
  lastHeartbeatAt: "last_heartbeat_at",
  lastBackendOkAt: "last_backend_ok_at",
  backendFailingSince: "backend_failing_since",
  backendLastError: "backend_last_error",
  /** JSON {started_at, incident_key} while a backend-unreachable alert is open. */
  backendIncident: "backend_incident",
  /** Since when heartbeat answers say the backend's paging jobs are stale (`schedule_stale`). */
  scheduleStaleSince: "schedule_stale_since",
  /** JSON {started_at, incident_key} while a backend-not-paging alert is open. */
  scheduleIncident: "schedule_incident",
  /** `<api origin>/functions/v1/api/ack/` as the backend last told it (heartbeat `ack_link_base`). */
  ackLinkBase: "ack_link_base",
} as const;

export class Kv {
  readonly #get;
  readonly #set;
  readonly #delete;
  readonly #add;

  constructor(db: SqliteDatabase) {
    this.#get = db.prepare<[string], { value: string }>("select value from kv where key = ?");
    this.#set = db.prepare<[string, string]>(
      "insert into kv (key, value) values (?, ?) on conflict (key) do update set value = excluded.value",
    );
    this.#delete = db.prepare<[string]>("delete from kv where key = ?");
    this.#add = db.prepare<[string, number]>(
      "insert into kv (key, value) values (?, ?) on conflict (key) do update set value = cast(value as integer) + cast(excluded.value as integer)",
    );
  }

  get(key: string): string | undefined {
    return this.#get.get(key)?.value;
  }

  set(key: string, value: string | number): void {
    this.#set.run(key, String(value));
  }

  delete(key: string): void {
    this.#delete.run(key);
  }

  getNumber(key: string): number | undefined {
    const value = this.get(key);
    if (value === undefined) return undefined;
    const number = Number(value);
    return Number.isFinite(number) ? number : undefined;
  }

  /** Adds to an integer counter (negative to subtract). */
  add(key: string, amount: number): void {
    this.#add.run(key, amount);
  }

  getJson<T>(key: string): T | undefined {
    const value = this.get(key);
    return value === undefined ? undefined : (JSON.parse(value) as T);
  }

  setJson(key: string, value: unknown): void {
    this.set(key, JSON.stringify(value));
  }
}
