/** The state database's tables, versioned with PRAGMA user_version (one step per version). */
import type { SqliteDatabase } from "./sqlite.ts";

const STEPS: string[] = [
  `
  create table kv (key text primary key, value text not null) without rowid;

  -- Every sample, check result and alert report waits here until the backend acknowledged it.
  -- seq is global, so seq order is enqueue order across kinds (used when caps drop the oldest).
  create table outbox (
    seq integer primary key autoincrement,
    kind text not null check (kind in ('metrics', 'checks', 'alerts')),
    payload text not null,
    enqueued_at integer not null,
    bytes integer not null,
    batch_id text
  );
  create index outbox_pending on outbox (kind, seq) where batch_id is null;
  create index outbox_by_batch on outbox (batch_id, seq) where batch_id is not null;

  -- An outgoing batch is formed once: a resend after a crash carries the same batch_id.
  create table batches (
    batch_id text primary key,
    kind text not null,
    first_seq integer not null,
    item_count integer not null,
    created_at integer not null,
    attempts integer not null default 0
  );
  create index batches_by_kind on batches (kind, first_seq);

  create table monitor_state (
    monitor text primary key,
    parent text not null,
    type text,
    status text not null,
    status_since integer not null,
    last_checked_at integer not null,
    last_message text,
    last_latency_ms real,
    consecutive_failures integer not null default 0,
    failing_since integer,
    alert_state text not null default 'up' check (alert_state in ('up', 'down')),
    incident_started_at integer,
    incident_key text
  );

  create table plugin_state (
    monitor text not null,
    key text not null,
    value text not null,
    primary key (monitor, key)
  ) without rowid;

  create table events (
    id integer primary key,
    ts integer not null,
    monitor text not null,
    kind text not null,
    message text not null,
    data text
  );
  create index events_ts on events (ts);

  create table alerts (
    id integer primary key,
    incident_key text not null,
    monitor text not null,
    state text not null,
    started_at integer not null,
    created_at integer not null,
    title text not null,
    body text not null,
    duration_ms integer
  );

  create table alert_deliveries (
    id integer primary key,
    alert_id integer not null references alerts (id) on delete cascade,
    channel_key text not null,
    channel_type text not null,
    status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
    attempts integer not null default 0,
    next_attempt_at integer not null,
    last_error text,
    done_at integer
  );
  create index alert_deliveries_pending on alert_deliveries (channel_key, id) where status = 'pending';

  -- Local chart history for the dashboard: one bucket per series and minute, kept 24 h.
  create table history (
    series text not null,
    bucket integer not null,
    sum real not null,
    count integer not null,
    primary key (series, bucket)
  ) without rowid;
  create index history_bucket on history (bucket);
  `,
  `
  -- Batches the backend refused for good (400/422, or a single item too large for 413): set
  -- aside with the backend's answer instead of dropped, kept for inspection and never resent.
  -- Bounded by RejectedBatches (newest 1,000, 7 days, 16 MB of items).
  create table rejected (
    id integer primary key,
    batch_id text not null,
    kind text not null,
    item_count integer not null,
    items text not null,
    bytes integer not null,
    status integer not null,
    code text,
    message text not null,
    field text,
    rejected_at integer not null
  );
  create index rejected_by_kind on rejected (kind, id);
  `,
  `
  -- The backend's alert policy on the agent too: RESTORED after N successes, flapping damping.
  alter table monitor_state add column consecutive_successes integer not null default 0;
  alter table monitor_state add column succeeding_since integer;
  alter table monitor_state add column incident_paged integer not null default 0;
  alter table monitor_state add column recent_changes text not null default '[]';
  alter table monitor_state add column flapping_notified_at integer;
  -- a monitor already down was paged under the old rules: its RESTORED still goes out
  update monitor_state set incident_paged = 1 where alert_state = 'down';
  `,
  `
  -- 'covered': not sent by the agent because the backend paged that destination for the same
  -- incident while the agent's channel failed (the backend tells it in the heartbeat answer).
  create table alert_deliveries_next (
    id integer primary key,
    alert_id integer not null references alerts (id) on delete cascade,
    channel_key text not null,
    channel_type text not null,
    status text not null default 'pending' check (status in ('pending', 'delivered', 'failed', 'covered')),
    attempts integer not null default 0,
    next_attempt_at integer not null,
    last_error text,
    done_at integer
  );
  insert into alert_deliveries_next select * from alert_deliveries;
  drop table alert_deliveries;
  alter table alert_deliveries_next rename to alert_deliveries;
  create index alert_deliveries_pending on alert_deliveries (channel_key, id) where status = 'pending';
  `,
  `
  -- The outage log's events (decision 0044) travel through the outbox too: the kind check grows.
  -- SQLite cannot alter a check, so the table is copied (seq values kept: they order batches).
  create table outbox_next (
    seq integer primary key autoincrement,
    kind text not null check (kind in ('metrics', 'checks', 'alerts', 'events')),
    payload text not null,
    enqueued_at integer not null,
    bytes integer not null,
    batch_id text
  );
  insert into outbox_next (seq, kind, payload, enqueued_at, bytes, batch_id)
    select seq, kind, payload, enqueued_at, bytes, batch_id from outbox;
  drop table outbox;
  alter table outbox_next rename to outbox;
  create index outbox_pending on outbox (kind, seq) where batch_id is null;
  create index outbox_by_batch on outbox (batch_id, seq) where batch_id is not null;
  `,
];

export const SCHEMA_VERSION = STEPS.length;

export function migrate(db: SqliteDatabase): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  if (current > STEPS.length) {
    throw new Error(
      `state database schema ${current} is newer than this agent (${STEPS.length}); upgrade the agent`,
    );
  }
  for (let version = current; version < STEPS.length; version++) {
    db.transaction(() => {
      db.exec(STEPS[version] as string);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
