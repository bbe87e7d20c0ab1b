/** The agent's state as `status`, the dashboard and /api/status show it (read from SQLite). */

import type { PushFailure } from "../push/pusher.ts";
import type { AlertWithDeliveries } from "../store/alerts.ts";
import type { StoredEvent } from "../store/events.ts";
import { KV } from "../store/kv.ts";
import type { MonitorState } from "../store/monitor-state.ts";
import { OUTBOX_KINDS, type OutboxKind } from "../store/outbox.ts";
import type { Store } from "../store/store.ts";
import { AGENT_VERSION } from "../version.ts";

export interface AgentStatus {
  agent_version: string;
  generated_at: string;
  server: {
    name: string | null;
    id: string | null;
    approval: string | null;
    /** Why the backend refuses to register this server (its plan), while it does. */
    refused: string | null;
  };
  buffer: {
    pending_samples: number;
    pending_checks: number;
    pending_alert_reports: number;
    /** Outage-log events (decision 0044) waiting for the backend. */
    pending_events: number;
    bytes: number;
    oldest_enqueued_at: string | null;
    oldest_age_seconds: number | null;
    batches_in_flight: number;
    dropped_samples_unreported: number;
    /** Items in batches set aside as refused, all kinds (the same as rejected.items). */
    rejected_items: number;
  };
  /** Per kind: whether its pushes fail right now (each kind backs off on its own). */
  push: Record<
    OutboxKind,
    { failing_since: string | null; attempts: number; last_error: string | null; retry_at: string | null }
  >;
  /** Batches the backend refused for good, set aside in the `rejected` table. */
  rejected: {
    batches: number;
    items: number;
    /** Still kept for inspection (the newest 1,000 of the last 7 days). */
    kept: number;
    /** Refused items not yet reported in a heartbeat (sent as `rejected_items`). */
    unreported_items: number;
    by_kind: Record<
      OutboxKind,
      {
        batches: number;
        items: number;
        kept: number;
        last: {
          batch_id: string;
          items: number;
          status: number;
          code: string | null;
          message: string;
          field: string | null;
          rejected_at: string;
        } | null;
      }
    >;
  };
  last_push_at: string | null;
  last_heartbeat_at: string | null;
  backend: {
    last_ok_at: string | null;
    unreachable_since: string | null;
    last_error: string | null;
    alerted: boolean;
  };
  monitors: {
    monitor: string;
    parent: string;
    type: string | null;
    status: string;
    since: string;
    last_checked_at: string;
    message: string | null;
    latency_ms: number | null;
    consecutive_failures: number;
    alert_state: "up" | "down";
    incident_key: string | null;
  }[];
  alerts: {
    pending_deliveries: number;
    recent: {
      title: string;
      state: string;
      created_at: string;
      incident_key: string;
      deliveries: AlertWithDeliveries["deliveries"];
    }[];
  };
  events: { ts: string; monitor: string; kind: string; message: string }[];
}

const iso = (ms: number | undefined | null) =>
  ms === undefined || ms === null ? null : new Date(ms).toISOString();

export function readStatus(store: Store, options: { serverName?: string; now?: number } = {}): AgentStatus {
  const now = options.now ?? Date.now();
  const { kv } = store;
  const depth = store.outbox.depth();
  const failing = kv.getJson<Partial<Record<OutboxKind, PushFailure>>>(KV.pushFailing) ?? {};
  const rejected = store.rejected.summary();
  const byKind = <T>(view: (kind: OutboxKind) => T) =>
    Object.fromEntries(OUTBOX_KINDS.map((kind) => [kind, view(kind)])) as Record<OutboxKind, T>;
  const total = (field: "batches" | "items" | "kept") =>
    OUTBOX_KINDS.reduce((sum, kind) => sum + rejected[kind][field], 0);
  return {
    agent_version: AGENT_VERSION,
    generated_at: new Date(now).toISOString(),
    server: {
      name: options.serverName ?? null,
      id: kv.get(KV.serverId) ?? null,
      approval: kv.get(KV.approval) ?? null,
      refused: kv.get(KV.registrationRefused) ?? null,
    },
    buffer: {
      pending_samples: depth.items.metrics,
      pending_checks: depth.items.checks,
      pending_alert_reports: depth.items.alerts,
      pending_events: depth.items.events,
      bytes: depth.bytes,
      oldest_enqueued_at: iso(depth.oldestEnqueuedAt),
      oldest_age_seconds:
        depth.oldestEnqueuedAt === undefined
          ? null
          : Math.max(0, Math.round((now - depth.oldestEnqueuedAt) / 1000)),
      batches_in_flight: depth.batchesInFlight,
      dropped_samples_unreported: kv.getNumber(KV.droppedSamples) ?? 0,
      rejected_items: kv.getNumber(KV.rejectedItems) ?? 0,
    },
    push: byKind((kind) => {
      const failure = failing[kind];
      return {
        failing_since: iso(failure?.since),
        attempts: failure?.attempts ?? 0,
        last_error: failure?.last_error ?? null,
        retry_at: iso(failure?.retry_at),
      };
    }),
    rejected: {
      batches: total("batches"),
      items: total("items"),
      kept: total("kept"),
      unreported_items: kv.getNumber(KV.rejectedUnreported) ?? 0,
      by_kind: byKind((kind) => {
        const { batches, items, kept, last } = rejected[kind];
        return {
          batches,
          items,
          kept,
          last: last
            ? {
                batch_id: last.batchId,
                items: last.items,
                status: last.status,
                code: last.code,
                message: last.message,
                field: last.field,
                rejected_at: new Date(last.rejectedAt).toISOString(),
              }
            : null,
        };
      }),
    },
    last_push_at: iso(kv.getNumber(KV.lastPushAt)),
    last_heartbeat_at: iso(kv.getNumber(KV.lastHeartbeatAt)),
    backend: {
      last_ok_at: iso(kv.getNumber(KV.lastBackendOkAt)),
      unreachable_since: iso(kv.getNumber(KV.backendFailingSince)),
      last_error: kv.get(KV.backendLastError) ?? null,
      alerted: kv.get(KV.backendIncident) !== undefined,
    },
    monitors: store.monitors.all().map(monitorView),
    alerts: {
      pending_deliveries: store.alerts.pendingCount(),
      recent: store.alerts.recent(10).map((alert) => ({
        title: alert.title,
        state: alert.state,
        created_at: new Date(alert.createdAt).toISOString(),
        incident_key: alert.incidentKey,
        deliveries: alert.deliveries,
      })),
    },
    events: store.events.recent(20).map(eventView),
  };
}

function monitorView(state: MonitorState): AgentStatus["monitors"][number] {
  return {
    monitor: state.monitor,
    parent: state.parent,
    type: state.type,
    status: state.status,
    since: new Date(state.statusSince).toISOString(),
    last_checked_at: new Date(state.lastCheckedAt).toISOString(),
    message: state.lastMessage,
    latency_ms: state.lastLatencyMs,
    consecutive_failures: state.consecutiveFailures,
    alert_state: state.alertState,
    incident_key: state.incidentKey,
  };
}

function eventView(event: StoredEvent): AgentStatus["events"][number] {
  return {
    ts: new Date(event.ts).toISOString(),
    monitor: event.monitor,
    kind: event.kind,
    message: event.message,
  };
}
