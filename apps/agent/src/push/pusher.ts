/**
 * Sends the outbox to the backend: alert reports, then check results, then samples, each kind
 * oldest first in batches with stable ids. Rows are deleted only after a 2xx. 413 splits the
 * batch, 400 drops it (counted, logged: a replay could never succeed), 401/403 pause pushing
 * (data keeps buffering), everything else backs off with full jitter up to 5 minutes.
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

const ITEMS_KEY: Record<OutboxKind, string> = { metrics: "samples", checks: "results", alerts: "alerts" };
/** Pause after the backend refused the API key; keeps buffering meanwhile. */
export const AUTH_PAUSE_MS = 300_000;
/** Retry pace while the server waits for approval in the dashboard. */
export const PENDING_APPROVAL_RETRY_MS = 60_000;

export type RoundResult =
  | { state: "idle"; sent: number }
  | { state: "more"; sent: number }
  | { state: "retry"; sent: number; delayMs: number }
  | { state: "paused"; sent: number; delayMs: number; reason: string };

type Verdict = { state: "retry"; delayMs: number } | { state: "paused"; delayMs: number; reason: string };

export interface PusherOptions {
  store: Store;
  client: BackendClient;
  link: BackendLink;
  serverId: () => string | undefined;
  log: Logger;
  backoff?: BackoffOptions;
  /** Batches sent in one round before yielding (the next round starts at once). */
  maxBatchesPerRound?: number;
  /** Retry pace while the server awaits approval (default 60 s). */
  pendingApprovalRetryMs?: number;
  now?: () => number;
}

export function batchBody(serverId: string, batch: OutgoingBatch): string {
  return `{"server_id":${JSON.stringify(serverId)},"batch_id":${JSON.stringify(batch.batchId)},"${ITEMS_KEY[batch.kind]}":[${batch.payloads.join(",")}]}`;
}

export class Pusher {
  readonly #o: PusherOptions;
  #failures = 0;
  #authWarned = false;

  constructor(options: PusherOptions) {
    this.#o = options;
  }

  get #now(): number {
    return (this.#o.now ?? Date.now)();
  }

  /** Sends what is pending, up to the per-round limit. */
  async pushOnce(signal?: AbortSignal): Promise<RoundResult> {
    const { store, log } = this.#o;
    const serverId = this.#o.serverId();
    if (!serverId) return { state: "paused", sent: 0, delayMs: 1_000, reason: "not registered yet" };
    const limit = this.#o.maxBatchesPerRound ?? 20;
    let sent = 0;
    for (const kind of OUTBOX_KINDS) {
      while (sent < limit) {
        if (signal?.aborted) return { state: "idle", sent };
        const batch = store.outbox.nextBatch(kind, this.#now);
        if (!batch) break;
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
      if (sent >= limit) return { state: "more", sent };
    }
    if (sent > 0) log.debug("push round done", { batches: sent });
    return { state: "idle", sent };
  }

  /** undefined: go on with the next batch. */
  #handle(batch: OutgoingBatch, outcome: SendOutcome): Verdict | undefined {
    const { store, log } = this.#o;
    const where = { kind: batch.kind, batch_id: batch.batchId, items: batch.payloads.length };
    switch (outcome.kind) {
      case "ok": {
        const ack = IngestResponse.safeParse(outcome.body);
        store.transaction(() => {
          store.outbox.acknowledge(batch.batchId);
          if (batch.kind !== "alerts") store.kv.set(KV.lastPushAt, this.#now);
        });
        if (ack.success && !ack.data.stored)
          log.info("backend had this batch already (replay acknowledged)", where);
        this.#failures = 0;
        this.#authWarned = false;
        return undefined;
      }
      case "too_large": {
        if (store.outbox.split(batch.batchId, this.#now)) {
          log.warn("batch too large for the backend; split in two", where);
          return undefined;
        }
        const dropped = store.outbox.reject(batch.batchId);
        log.error("single item larger than the backend accepts; dropped", {
          ...where,
          dropped,
          error: outcome.message,
        });
        return undefined;
      }
      case "rejected": {
        const dropped = store.outbox.reject(batch.batchId);
        log.error("backend refused the batch as invalid; dropped (a replay cannot succeed)", {
          ...where,
          dropped,
          error: outcome.message,
        });
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
        return { state: "paused", delayMs: AUTH_PAUSE_MS, reason: outcome.message };
      }
      case "pending_approval": {
        log.info("server awaits approval in the dashboard; buffering until then");
        return {
          state: "paused",
          delayMs: this.#o.pendingApprovalRetryMs ?? PENDING_APPROVAL_RETRY_MS,
          reason: outcome.message,
        };
      }
      case "retry": {
        const delay = Math.max(
          250,
          backoffDelay(this.#failures, this.#o.backoff ?? DEFAULT_BACKOFF),
          outcome.retryAfterMs ?? 0,
        );
        this.#failures++;
        log.debug("push failed; will retry", { ...where, error: outcome.message, retry_in_ms: delay });
        return { state: "retry", delayMs: delay };
      }
    }
  }

  /** Next delay for the push loop after a round. */
  static nextDelay(result: RoundResult, intervalMs: number): number {
    switch (result.state) {
      case "idle":
        return intervalMs;
      case "more":
        return 0;
      case "retry":
      case "paused":
        return result.delayMs;
    }
  }
}
