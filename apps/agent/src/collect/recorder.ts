/**
 * Writes one collection to the state database in one transaction: samples, check results and
 * outage-log events into the outbox, the plugin's state changes, its events, chart history, and each check's
 * effect on the monitor's alert state. Then applies the buffer caps.
 */
import type { AlertEngine } from "../alerts/engine.ts";
import { errorMessage, type Logger } from "../log.ts";
import type { RunResult } from "../scheduler/monitor-runner.ts";
import { seriesKey } from "../store/history.ts";
import type { Store } from "../store/store.ts";
import { eventToWire } from "./event-wire.ts";
import { checkToWire, sampleToWire, wireMonitorName } from "./wire.ts";

interface RecorderOptions {
  store: Store;
  engine: AlertEngine;
  /** Keep per-minute history for the local dashboard's charts. */
  history: boolean;
  log: Logger;
  now?: () => number;
  /**
   * Called after a collection with a check result the backend's incident engine is waiting for:
   * a status other than the check's last one in this process (or a first one that is not ok),
   * and the next PROMPT_RESULTS_AFTER_CHANGE - 1 results after it, which are what confirms a
   * DOWN or a RESTORED (2 in a row by default). The pusher then sends soon instead of at its
   * next beat; a check that stays in one state pushes nothing extra.
   */
  onStateChange?: () => void;
}

const CAP_WARN_EVERY_MS = 60_000;
/** Results pushed promptly from a change of state on (the change included); see onStateChange. */
export const PROMPT_RESULTS_AFTER_CHANGE = 3;

export class Recorder {
  readonly #o: RecorderOptions;
  readonly #warnedInvalid = new Set<string>();
  #lastCapWarning = 0;
  /** Each check's last status in this process and how many results in a row had it. */
  readonly #lastStatus = new Map<string, { status: string; streak: number }>();

  constructor(options: RecorderOptions) {
    this.#o = options;
  }

  record(result: RunResult): { samples: number; checks: number; invalid: number } {
    const { store, engine, log } = this.#o;
    const now = (this.#o.now ?? Date.now)();
    const monitor = result.monitor;
    const samples: string[] = [];
    const historyPoints: [string, number, number][] = [];
    let invalid = 0;
    for (const sample of result.samples) {
      const wire = sampleToWire(sample, result.collectedAt);
      if ("error" in wire) {
        invalid++;
        const key = `${monitor.name}:${sample.name}`;
        if (!this.#warnedInvalid.has(key)) {
          this.#warnedInvalid.add(key);
          log.warn("plugin produced an invalid sample; dropped", {
            monitor: monitor.name,
            sample: sample.name,
            error: wire.error,
          });
        }
        continue;
      }
      samples.push(wire.json);
      if (this.#o.history) historyPoints.push([seriesKey(sample.name, sample.labels), wire.ts, sample.value]);
    }
    const checks = result.checks.map((check) => checkToWire(check, monitor.name, monitor.type, now));
    // the outage log's events also go to the backend (decision 0044); the local table keeps all
    const wireEvents: string[] = [];
    for (const event of result.events) {
      const wire = eventToWire(event, wireMonitorName(monitor.name), now);
      if (wire && "error" in wire)
        log.warn("event not sent to the backend: invalid", { kind: event.kind, error: wire.error });
      else if (wire) wireEvents.push(wire.json);
    }

    store.transaction(() => {
      store.outbox.enqueue("metrics", samples, now);
      store.outbox.enqueue(
        "checks",
        checks.map((check) => JSON.stringify(check)),
        now,
      );
      store.outbox.enqueue("events", wireEvents, now);
      if (result.stagedState.size > 0) store.pluginState.commit(monitor.name, result.stagedState);
      for (const [series, ts, value] of historyPoints) store.history.add(series, ts, value);
      for (const check of checks) {
        if (this.#o.history && check.latency_ms !== undefined) {
          store.history.add(seriesKey("check_latency_ms", { monitor: check.monitor }), now, check.latency_ms);
        }
        engine.observe({
          monitor: check.monitor,
          parent: monitor.name,
          type: monitor.type,
          status: check.status,
          ...(check.message ? { message: check.message } : {}),
          ...(check.latency_ms === undefined ? {} : { latencyMs: check.latency_ms }),
          ts: now,
        });
      }
      for (const event of result.events) {
        store.events.add({
          ts: now,
          monitor: monitor.name,
          kind: event.kind,
          message: event.message,
          data: event.data ?? null,
        });
      }
    });
    let prompt = false;
    for (const check of checks) {
      const before = this.#lastStatus.get(check.monitor);
      // a first result counts as a change unless it is ok (nothing for the backend to confirm)
      const streak =
        before === undefined
          ? check.status === "ok"
            ? PROMPT_RESULTS_AFTER_CHANGE + 1
            : 1
          : before.status === check.status
            ? before.streak + 1
            : 1;
      if (streak <= PROMPT_RESULTS_AFTER_CHANGE) prompt = true;
      this.#lastStatus.set(check.monitor, { status: check.status, streak: Math.min(streak, 1_000) });
    }
    if (prompt) this.#o.onStateChange?.();
    for (const event of result.events) {
      log.info(`event: ${event.message}`, {
        monitor: monitor.name,
        kind: event.kind,
        ...(event.data ? { data: event.data } : {}),
      });
    }

    try {
      const dropped = store.outbox.enforceCaps(now);
      if (dropped > 0 && now - this.#lastCapWarning >= CAP_WARN_EVERY_MS) {
        this.#lastCapWarning = now;
        log.warn("buffer cap reached; dropped the oldest samples", { dropped });
      }
    } catch (error) {
      log.error("applying buffer caps failed", { error: errorMessage(error) });
    }
    return { samples: samples.length, checks: checks.length, invalid };
  }
}
