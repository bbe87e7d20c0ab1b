/**
 * Sends the outbox to the backend. Each kind (alert reports, events, check results, samples) drains on
 * its own: oldest first in batches with stable ids, with its own backoff and failure count, so
 * a batch the backend keeps refusing stalls only its own kind and never the others.
 * Rows are deleted only after a 2xx. 413 splits the batch; a batch that can never be accepted
 * (400/422, one item too large) is set aside in the `rejected` table for inspection; 5xx,
 * network errors and any other answer back that kind off with full jitter up to 5 minutes.
 * What concerns the API key rather than a batch pauses every kind: 401/403, 403
 * PENDING_APPROVAL, and 429 (the rate limit is per key) for its Retry-After.
 */
import { IngestResponse } from "@custos/protocol";
import type { Logger } from "../log.ts";
import { KV } from "../store/kv.ts";
import type { OutboxKind, OutgoingBatch } from "../store/outbox.ts";
import { OUTBOX_KINDS } from "../store/outbox.ts";
import type { Store } from "../store/store.ts";
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from "../util/backoff.ts";
import type { AgentEndpoint, BackendClient, SendOutcome } from "./client.ts";
import type { BackendLink } from "./link.ts";

const ITEMS_KEY: Record<OutboxKind, string> = {
  metrics: "samples",
  checks: "results",
  alerts: "alerts",
  events: "events",
};
/** Pause after the backend refused the API key; keeps buffering meanwhile. */
export const AUTH_PAUSE_MS = 300_000;
/** Retry pace while the server waits for approval in the dashboard. */
export const PENDING_APPROVAL_RETRY_MS = 60_000;
/** The shortest retry delay, so full jitter never turns into a tight loop. */
const MIN_RETRY_MS = 250;

/** What one round of one kind did, and when that kind should run again. */
type RoundResult =
  | { state: "idle"; sent: number; delayMs: number }
  | { state: "more"; sent: number; delayMs: number }
  | { state: "retry"; sent: number; delayMs: number; error: string }
  | { state: "paused"; sent: number; delayMs: number; reason: string };

interface PassResult {
  state: RoundResult["state"];
  sent: number;
  delayMs: number;
  reason?: string;
  kinds: Partial<Record<OutboxKind, RoundResult>>;
}

/** A kind whose pushes fail, as `status` shows it (kept in kv, read by another process). */
export interface PushFailure {
  since: number;
  attempts: number;
  last_error: string;
  retry_at: number;
}

export type Verdict =
  | { state: "retry"; delayMs: number; error: string }
  | { state: "paused"; delayMs: number; reason: string };

interface PusherOptions {
  store: Store;
  client: BackendClient;
  link: BackendLink;
  serverId: () => string | undefined;
  log: Logger;
  backoff?: BackoffOptions;
  /** Delay after a kind has nothing left to send (`metrics_push_interval`, default 30 s). */
  intervalMs?: number;
  /** Batches of one kind sent in one round before yielding (the next round starts at once). */
  maxBatchesPerRound?: number;
  /** Retry pace while the server awaits approval (default 60 s). */
  pendingApprovalRetryMs?: number;
  now?: () => number;
}

function batchBody(serverId: string, batch: OutgoingBatch): string {
  return `{"server_id":${JSON.stringify(serverId)},"batch_id":${JSON.stringify(batch.batchId)},"${ITEMS_KEY[batch.kind]}":[${batch.payloads.join(",")}]}`;
}

export class Pusher {
  readonly #o: PusherOptions;
  /** Per kind: consecutive failed attempts, and whether the last one never reached the backend. */
  readonly #kinds = new Map<OutboxKind, { failures: number; networkFailure: boolean }>(
    OUTBOX_KINDS.map((kind) => [kind, { failures: 0, networkFailure: false }]),
  );
  /** Every kind waits until then: the API key was refused, awaits approval, or is rate limited. */
  #pause: { until: number; reason: string } | undefined;
  #authWarned = false;

  constructor(options: PusherOptions) {
    this.#o = options;
  }

  get #now(): number {
    return (this.#o.now ?? Date.now)();
  }

  get #intervalMs(): number {
    return this.#o.intervalMs ?? 30_000;
  }

  /**
   * One round of one kind: sends its oldest batches until nothing is left, the round limit, or
   * a failure. The result's `delayMs` is when this kind should run again; the runtime gives
   * each kind its own loop, so one kind's delay is nobody else's.
   */
  async pushKind(kind: OutboxKind, signal?: AbortSignal): Promise<RoundResult> {
    const { store } = this.#o;
    const serverId = this.#o.serverId();
    if (!serverId) return { state: "paused", sent: 0, delayMs: 1_000, reason: "not registered yet" };
    const pause = this.#pause;
    if (pause && this.#now < pause.until)
      return { state: "paused", sent: 0, delayMs: pause.until - this.#now, reason: pause.reason };
    const limit = this.#o.maxBatchesPerRound ?? 20;
    let sent = 0;
    while (sent < limit) {
      if (signal?.aborted) break;
      const batch = store.outbox.nextBatch(kind, this.#now);
      if (!batch) {
        // nothing left (the caps may have dropped what failed): nothing is failing any more
        if (sent === 0) this.#recovered(kind, "nothing left to push");
        break;
      }
      store.outbox.markAttempt(batch.batchId);
      const outcome = await this.#o.client.post(kind as AgentEndpoint, batchBody(serverId, batch), {
        gzip: true,
        ...(signal ? { signal } : {}),
      });
      this.#o.link.record(outcome);
      const verdict = this.#handle(batch, outcome);
      if (verdict) return { ...verdict, sent };
      sent++;
    }
    if (sent > 0) this.#o.log.debug("push round done", { kind, batches: sent });
    if (sent >= limit) return { state: "more", sent, delayMs: 0 };
    return { state: "idle", sent, delayMs: this.#intervalMs };
  }

  /**
   * One round of every kind in turn (alert reports, check results, samples), for callers that
   * want one pass, such as tests. A pause stops the pass; a kind's failure does not. The state
   * is the worst of the kinds', the delay the shortest.
   */
  async pushOnce(signal?: AbortSignal): Promise<PassResult> {
    const kinds: Partial<Record<OutboxKind, RoundResult>> = {};
    const pass: PassResult = { state: "idle", sent: 0, delayMs: this.#intervalMs, kinds };
    const rank = { idle: 0, more: 1, retry: 2, paused: 3 } as const;
    for (const kind of OUTBOX_KINDS) {
      const result = await this.pushKind(kind, signal);
      kinds[kind] = result;
      pass.sent += result.sent;
      pass.delayMs = Math.min(pass.delayMs, result.delayMs);
      if (rank[result.state] > rank[pass.state]) pass.state = result.state;
      if (result.state === "paused") {
        pass.delayMs = result.delayMs;
        pass.reason = result.reason;
        break;
      }
    }
    return pass;
  }

  /**
   * The backend answered a heartbeat: kinds that backed off because the network failed retry
   * now instead of sleeping out their backoff (uploads used to lag minutes behind
   * heartbeats after an outage). Kinds refused with 5xx keep their backoff: the backend is up,
   * but it fails them. Returns the kinds to wake.
   */
  backendReachable(): OutboxKind[] {
    const woken: OutboxKind[] = [];
    for (const [kind, state] of this.#kinds) {
      if (!state.networkFailure) continue;
      state.failures = 0;
      state.networkFailure = false;
      woken.push(kind);
    }
    return woken;
  }

  /**
   * A batch's outcome when it went another way (the combined push, push/combined.ts): acted on
   * as for one sent here. undefined: the kind goes on with its next batch.
   */
  settle(batch: OutgoingBatch, outcome: SendOutcome): Verdict | undefined {
    return this.#handle(batch, outcome);
  }

  /** When every kind may send again after a pause for the API key, approval or rate limit. */
  pausedUntil(): { until: number; reason: string } | undefined {
    const pause = this.#pause;
    return pause && this.#now < pause.until ? pause : undefined;
  }

  /** undefined: go on with the next batch. */
  #handle(batch: OutgoingBatch, outcome: SendOutcome): Verdict | undefined {
    const { store, log } = this.#o;
    const where = { kind: batch.kind, batch_id: batch.batchId, items: batch.payloads.length };
    const now = this.#now;
    switch (outcome.kind) {
      case "ok": {
        const ack = IngestResponse.safeParse(outcome.body);
        store.transaction(() => {
          store.outbox.acknowledge(batch.batchId);
          if (batch.kind !== "alerts") store.kv.set(KV.lastPushAt, now);
          this.#recovered(batch.kind);
        });
        if (ack.success && !ack.data.stored)
          log.info("backend had this batch already (replay acknowledged)", where);
        this.#authWarned = false;
        this.#pause = undefined;
        return undefined;
      }
      case "too_large": {
        if (store.outbox.split(batch.batchId, now)) {
          log.warn("batch too large for the backend; split in two", where);
          return undefined;
        }
        const setAside = store.outbox.setAside(
          batch.batchId,
          { status: outcome.status, ...outcome.error },
          now,
        );
        log.error("single item larger than the backend accepts; set aside in the rejected table", {
          ...where,
          set_aside: setAside,
          error: outcome.message,
        });
        return undefined;
      }
      case "rejected": {
        const setAside = store.outbox.setAside(
          batch.batchId,
          { status: outcome.status, ...outcome.error },
          now,
        );
        log.error(
          "backend refused the batch as invalid; set aside in the rejected table (a replay cannot succeed)",
          { ...where, set_aside: setAside, error: outcome.message },
        );
        return undefined;
      }
      case "auth": {
        if (!this.#authWarned) {
          log.error("backend rejected the API key; pushing paused, data keeps buffering (check api_key)", {
            status: outcome.status,
            error: outcome.message,
            retry_in_ms: AUTH_PAUSE_MS,
          });
          this.#authWarned = true;
        }
        return this.#pauseAll(AUTH_PAUSE_MS, outcome.message);
      }
      case "pending_approval": {
        log.info("server awaits approval in the dashboard; buffering until then");
        return this.#pauseAll(this.#o.pendingApprovalRetryMs ?? PENDING_APPROVAL_RETRY_MS, outcome.message);
      }
      case "plan_limit": {
        // the data routes do not answer this today; if one does, wait like for approval
        log.error("the organization's plan refused the data; buffering until it changes", {
          error: outcome.message,
        });
        return this.#pauseAll(this.#o.pendingApprovalRetryMs ?? PENDING_APPROVAL_RETRY_MS, outcome.message);
      }
      case "retry": {
        const state = this.#state(batch.kind);
        const delay = Math.max(
          MIN_RETRY_MS,
          backoffDelay(state.failures, this.#o.backoff ?? DEFAULT_BACKOFF),
          outcome.retryAfterMs ?? 0,
        );
        state.failures++;
        // no status: the request never reached the backend (refused, reset, timed out)
        state.networkFailure = outcome.status === undefined;
        this.#failed(batch.kind, outcome.message, now, delay);
        log.debug("push failed; will retry", { ...where, error: outcome.message, retry_in_ms: delay });
        // the rate limit is per API key: every kind waits, not only the one that hit it
        if (outcome.status === 429) this.#pause = { until: now + delay, reason: outcome.message };
        return { state: "retry", delayMs: delay, error: outcome.message };
      }
    }
  }

  #pauseAll(delayMs: number, reason: string): Verdict {
    this.#pause = { until: this.#now + delayMs, reason };
    return { state: "paused", delayMs, reason };
  }

  #state(kind: OutboxKind): { failures: number; networkFailure: boolean } {
    let state = this.#kinds.get(kind);
    if (!state) {
      state = { failures: 0, networkFailure: false };
      this.#kinds.set(kind, state);
    }
    return state;
  }

  #failed(kind: OutboxKind, error: string, now: number, delayMs: number): void {
    const { kv } = this.#o.store;
    const all = kv.getJson<Partial<Record<OutboxKind, PushFailure>>>(KV.pushFailing) ?? {};
    const previous = all[kind];
    all[kind] = {
      since: previous?.since ?? now,
      attempts: (previous?.attempts ?? 0) + 1,
      last_error: error,
      retry_at: now + delayMs,
    };
    kv.setJson(KV.pushFailing, all);
  }

  #recovered(kind: OutboxKind, why = "pushing works again"): void {
    const state = this.#state(kind);
    state.failures = 0;
    state.networkFailure = false;
    const { kv } = this.#o.store;
    const all = kv.getJson<Partial<Record<OutboxKind, PushFailure>>>(KV.pushFailing);
    if (!all?.[kind]) return;
    delete all[kind];
    if (Object.keys(all).length === 0) kv.delete(KV.pushFailing);
    else kv.setJson(KV.pushFailing, all);
    this.#o.log.info(why, { kind });
  }
}
