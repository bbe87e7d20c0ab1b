/** The agent's state as `status`, the dashboard and /api/status show it (read from SQLite). */
import type { AlertWithDeliveries } from "../store/alerts.ts";
import type { StoredEvent } from "../store/events.ts";
import { KV } from "../store/kv.ts";
import type { MonitorState } from "../store/monitor-state.ts";
import type { Store } from "../store/store.ts";
import { AGENT_VERSION } from "../version.ts";

export interface AgentStatus {
  agent_version: string;
  generated_at: string;
  server: { name: string | null; id: string | null; approval: string | null };
  buffer: {
    pending_samples: number;
    pending_checks: number;
    pending_alert_reports: number;
    bytes: number;
    oldest_enqueued_at: string | null;
    oldest_age_seconds: number | null;
    batches_in_flight: number;
    dropped_samples_unreported: number;
    rejected_items: number;
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
  return {
    agent_version: AGENT_VERSION,
    generated_at: new Date(now).toISOString(),
    server: {
      name: options.serverName ?? null,
      id: kv.get(KV.serverId) ?? null,
      approval: kv.get(KV.approval) ?? null,
    },
    buffer: {
      pending_samples: depth.items.metrics,
      pending_checks: depth.items.checks,
      pending_alert_reports: depth.items.alerts,
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
