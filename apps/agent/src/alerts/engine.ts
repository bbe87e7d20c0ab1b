/**
 * Turns check results and backend reachability into local alerts. Runs inside the
 * collection's transaction: the monitor's new state, the alert and its pending deliveries are
 * written together, so a crash can neither lose an alert nor send it twice, and a restart does
 * not alert again for a state that was already alerted.
 */
import type { Logger } from "../log.ts";
import type { AlertState } from "../store/alerts.ts";
import { KV } from "../store/kv.ts";
import type { Store } from "../store/store.ts";
import {
  type AlertText,
  BACKEND_MONITOR,
  BACKEND_SCHEDULE_MONITOR,
  backendNotPagingText,
  backendPagingAgainText,
  backendRestoredText,
  backendUnreachableText,
  downText,
  flappingText,
  restoredText,
} from "./format.ts";
import { queueAlertReport } from "./report.ts";
import { type AlertPolicy, incidentKey, type Observation, observe } from "./state-machine.ts";

interface ChannelRef {
  key: string;
  type: string;
}

interface AlertEngineOptions {
  store: Store;
  serverName: string;
  serverId: () => string | undefined;
  policy: AlertPolicy;
  channels: readonly ChannelRef[];
  log: Logger;
  /** Called after an alert was queued (wakes the dispatcher). */
  onAlert?: () => void;
  /** Clock for the time an alert is queued (checks carry their own timestamps). */
  now?: () => number;
}

interface BackendIncident {
  started_at: number;
  incident_key: string;
}

export class AlertEngine {
  readonly #o: AlertEngineOptions;

  constructor(options: AlertEngineOptions) {
    this.#o = options;
  }

  /** Applies one check result. Call inside the store transaction that records it. */
  observe(check: Observation): void {
    const { store } = this.#o;
    const previous = store.monitors.get(check.monitor);
    const { next, transition } = observe(previous, check, this.#o.policy);
    if (transition?.kind === "flapping") {
      const key = incidentKey(this.#o.serverId(), check.monitor, transition.startedAt);
      next.incidentKey = key;
      const text = flappingText({
        monitor: check.monitor,
        server: this.#o.serverName,
        changes: transition.changes,
        windowMs: transition.windowMs,
        message: check.message,
        incidentKey: key,
      });
      this.#raise(check.monitor, "flapping", transition.startedAt, key, text, null);
    } else if (transition?.kind === "down") {
      const key = incidentKey(this.#o.serverId(), check.monitor, transition.startedAt);
      next.incidentKey = key;
      const text = downText({
        monitor: check.monitor,
        server: this.#o.serverName,
        startedAt: transition.startedAt,
        failures: transition.failures,
        message: check.message,
        incidentKey: key,
      });
      this.#raise(check.monitor, "down", transition.startedAt, key, text, null);
    } else if (transition?.kind === "restored") {
      const key =
        previous?.incidentKey ?? incidentKey(this.#o.serverId(), check.monitor, transition.startedAt);
      const text = restoredText({
        monitor: check.monitor,
        server: this.#o.serverName,
        startedAt: transition.startedAt,
        durationMs: transition.durationMs,
        incidentKey: key,
      });
      this.#raise(check.monitor, "restored", transition.startedAt, key, text, transition.durationMs);
    }
    store.monitors.put(next);
  }

  /** The backend has been unreachable since `startedAt`: alert once per outage. */
  backendUnreachable(startedAt: number, now: number, lastError: string | undefined): void {
    this.#openBackendIncident(KV.backendIncident, BACKEND_MONITOR, startedAt, (key) =>
      backendUnreachableText({ server: this.#o.serverName, startedAt, now, lastError, incidentKey: key }),
    );
  }

  /** The backend answered again: if an unreachable alert was sent, say it is back. */
  backendReachable(now: number): void {
    this.#closeBackendIncident(KV.backendIncident, BACKEND_MONITOR, now, (open, durationMs) =>
      backendRestoredText({
        server: this.#o.serverName,
        startedAt: open.started_at,
        durationMs,
        incidentKey: open.incident_key,
      }),
    );
  }

  /**
   * The backend answers but has said since `startedAt` that its paging jobs do not run: it
   * notices no silent server or sends no notification. Alert once per episode.
   */
  backendNotPaging(startedAt: number, detail: string): void {
    this.#openBackendIncident(KV.scheduleIncident, BACKEND_SCHEDULE_MONITOR, startedAt, (key) =>
      backendNotPagingText({ server: this.#o.serverName, startedAt, detail, incidentKey: key }),
    );
  }

  /** The backend's paging jobs run again: if a not-paging alert was sent, say so. */
  backendPagingAgain(now: number): void {
    this.#closeBackendIncident(KV.scheduleIncident, BACKEND_SCHEDULE_MONITOR, now, (open, durationMs) =>
      backendPagingAgainText({
        server: this.#o.serverName,
        startedAt: open.started_at,
        durationMs,
        incidentKey: open.incident_key,
      }),
    );
  }

  #openBackendIncident(kvKey: string, monitor: string, startedAt: number, text: (key: string) => AlertText) {
    const { store } = this.#o;
    store.transaction(() => {
      if (store.kv.get(kvKey) !== undefined) return;
      const key = incidentKey(this.#o.serverId(), monitor, startedAt);
      store.kv.setJson(kvKey, { started_at: startedAt, incident_key: key } satisfies BackendIncident);
      this.#raise(monitor, "backend_unreachable", startedAt, key, text(key), null);
    });
  }

  #closeBackendIncident(
    kvKey: string,
    monitor: string,
    now: number,
    text: (open: BackendIncident, durationMs: number) => AlertText,
  ) {
    const { store } = this.#o;
    store.transaction(() => {
      const open = store.kv.getJson<BackendIncident>(kvKey);
      if (!open) return;
      store.kv.delete(kvKey);
      const durationMs = Math.max(0, now - open.started_at);
      this.#raise(
        monitor,
        "restored",
        open.started_at,
        open.incident_key,
        text(open, durationMs),
        durationMs,
      );
    });
  }

  #raise(
    monitor: string,
    state: AlertState,
    startedAt: number,
    key: string,
    text: AlertText,
    durationMs: number | null,
  ): void {
    const { store, channels, log } = this.#o;
    const now = (this.#o.now ?? Date.now)();
    const alert = store.alerts.add(
      {
        incidentKey: key,
        monitor,
        state,
        startedAt,
        createdAt: now,
        title: text.title,
        body: text.body,
        durationMs,
      },
      channels,
    );
    if (channels.length === 0) queueAlertReport(store, alert, [], this.#o.serverId(), now);
    const level = state === "restored" ? "info" : "warn";
    log[level](text.title, { incident_key: key, channels: channels.length });
    this.#o.onAlert?.();
  }
}
