/**
 * The combined push (`POST /agent/push`, decision 0036): the heartbeat and one batch of each
 * kind in one gzip request, metrics in the compact encoding. One run sends a first push with
 * the heartbeat (when one is due) and only as much pending data as keeps that request small,
 * so liveness never waits behind a backlog; the rest drains in follow-up pushes without a
 * heartbeat, each at most one outbox batch per kind and MAX_PUSH_PAYLOAD_BYTES in all. When a
 * beat is due, including a retry soon after one failed, is beat-schedule.ts's (decision 0047).
 *
 * Each batch keeps the store-and-forward rules of the single-kind routes (pusher.ts decides
 * what every outcome means, here as there): rows go only after the backend acknowledged their
 * batch in `acks`, a kind's refusal in `refused` is that kind's answer alone, a kind backing
 * off is left out of pushes until its retry time. A whole push refused as invalid names the
 * field: a batch of the named kind is set aside and the rest sent again at once; a refused
 * heartbeat field makes the heartbeat minimal (heartbeat.ts). 413 sends one batch per push.
 *
 * A backend older than the route answers 404 naming no field: the agent then uses the
 * single-kind routes (`legacy`) and asks again after LEGACY_RETRY_MS, so a backend upgraded
 * under a running agent is noticed. A backend with the push but older than its `events` part
 * refuses the part as an unknown field: events then stay buffered for LEGACY_RETRY_MS while the
 * rest goes on (decision 0044).
 */
import { compactMetrics, PUSH_VERSION, type PushRefusal, PushResponse } from "@custos/protocol";
import type { Logger } from "../log.ts";
import type { OutboxKind, OutgoingBatch } from "../store/outbox.ts";
import { OUTBOX_KINDS } from "../store/outbox.ts";
import type { Store } from "../store/store.ts";
import { type BackendClient, classify, type SendOutcome } from "./client.ts";
import type { Heartbeat, HeartbeatPart } from "./heartbeat.ts";
import type { BackendLink } from "./link.ts";
import type { Pusher } from "./pusher.ts";

/** Pending data that may ride along with a heartbeat (uncompressed JSON of the buffered items). */
export const SMALL_PUSH_PAYLOAD_BYTES = 256 * 1024;
/** The most data one follow-up push carries: one full outbox batch, as a single-kind request. */
export const MAX_PUSH_PAYLOAD_BYTES = 4_000_000;
/** How long an agent whose backend has no combined push uses the single-kind routes before asking again. */
export const LEGACY_RETRY_MS = 3_600_000;

interface CombinedOptions {
  store: Store;
  client: BackendClient;
  link: BackendLink;
  pusher: Pusher;
  heartbeat: Heartbeat;
  serverId: () => string | undefined;
  log: Logger;
  /**
   * How long a push carrying a heartbeat, or small enough to ride with one, waits for its answer
   * (beatTimeoutMs): every push holds up the next beat while it waits. Larger ones: the client's.
   */
  beatTimeoutMs?: number;
  /** Pushes in one run before yielding (the next run starts at once). */
  maxPushesPerRun?: number;
  smallPushBytes?: number;
  now?: () => number;
}

export interface RunResult {
  /** The backend has no combined push: use the single-kind routes until `legacyUntil`. */
  legacy: boolean;
  /** Batches the backend acknowledged in this run. */
  sent: number;
  /** The heartbeat's outcome, when this run carried one. */
  beat?: SendOutcome;
  /** When data should be pushed again before the next heartbeat (a kind's retry), else undefined. */
  dataDueInMs: number | undefined;
}

const ITEMS_KEY: Record<Exclude<OutboxKind, "metrics">, string> = {
  checks: "results",
  alerts: "alerts",
  events: "events",
};

function payloadBytes(batch: OutgoingBatch): number {
  let bytes = 0;
  for (const payload of batch.payloads) bytes += payload.length;
  return bytes;
}

/**
 * A check result without its `type` when the backend would derive the same from the monitor's
 * name (`http:api` -> http; the backend takes the name's prefix when the type is absent).
 */
function checkPayload(payload: string): string {
  const result = JSON.parse(payload) as { monitor?: string; type?: string };
  if (result.type === undefined || result.type !== result.monitor?.split(":")[0]) return payload;
  const { type: _derivable, ...rest } = result;
  return JSON.stringify(rest);
}

/** The push body as text: buffered items are JSON already; metrics are re-encoded, checks trimmed. */
function pushBody(serverId: string, heartbeat: HeartbeatPart | undefined, batches: OutgoingBatch[]): string {
  const parts = [`"v":${PUSH_VERSION}`, `"server_id":${JSON.stringify(serverId)}`];
  if (heartbeat) parts.push(`"heartbeat":${JSON.stringify(heartbeat.fields)}`);
  for (const batch of batches) {
    const id = JSON.stringify(batch.batchId);
    if (batch.kind === "metrics") {
      const samples = batch.payloads.map((p) => JSON.parse(p));
      parts.push(`"metrics":${JSON.stringify(compactMetrics(batch.batchId, samples))}`);
    } else {
      const items = batch.kind === "checks" ? batch.payloads.map(checkPayload) : batch.payloads;
      parts.push(`"${batch.kind}":{"batch_id":${id},"${ITEMS_KEY[batch.kind]}":[${items.join(",")}]}`);
    }
  }
  return `{${parts.join(",")}}`;
}

export class CombinedPush {
  readonly #o: CombinedOptions;
  /** Per kind: not before this time (its backoff after a failed push). */
  readonly #retryAt = new Map<OutboxKind, number>();
  #legacyUntil: number | undefined;
  /** The backend refused the push's `events` part as unknown (it predates it): not before then. */
  #eventsRefusedUntil: number | undefined;

  constructor(options: CombinedOptions) {
    this.#o = options;
  }

  get #now(): number {
    return (this.#o.now ?? Date.now)();
  }

  /** Whether the backend lacks the combined push (until LEGACY_RETRY_MS after it said so). */
  get legacy(): boolean {
    return this.#legacyUntil !== undefined && this.#now < this.#legacyUntil;
  }

  /** Milliseconds until the combined push is tried again (0 when not legacy). */
  legacyRemainingMs(): number {
    return this.legacy ? (this.#legacyUntil as number) - this.#now : 0;
  }

  async run(signal: AbortSignal | undefined, options: { beat: boolean }): Promise<RunResult> {
    const { log } = this.#o;
    const serverId = this.#o.serverId();
    const result: RunResult = { legacy: false, sent: 0, dataDueInMs: undefined };
    if (!serverId) return { ...result, dataDueInMs: 1_000 };
    let heartbeat = options.beat ? this.#o.heartbeat.part() : undefined;
    let onePerPush = false;
    const limit = this.#o.maxPushesPerRun ?? 20;
    for (let push = 0; push < limit; push++) {
      if (signal?.aborted) break;
      const batches = this.#collect(heartbeat !== undefined, onePerPush);
      if (!heartbeat && batches.length === 0) return { ...result, dataDueInMs: this.#dataDue() };
      for (const batch of batches) this.#o.store.outbox.markAttempt(batch.batchId);
      const body = pushBody(serverId, heartbeat, batches);
      const small =
        heartbeat !== undefined || body.length <= (this.#o.smallPushBytes ?? SMALL_PUSH_PAYLOAD_BYTES);
      const beatTimeout = small ? this.#o.beatTimeoutMs : undefined;
      const outcome = await this.#o.client.post("push", body, {
        gzip: true,
        ...(signal ? { signal } : {}),
        ...(beatTimeout !== undefined ? { timeoutMs: beatTimeout } : {}),
      });
      if (outcome.kind === "retry" && outcome.status === 404 && !outcome.error?.field) {
        this.#legacyUntil = this.#now + LEGACY_RETRY_MS;
        log.info("the backend has no combined push; using the single-kind routes", {
          retry_combined_in_ms: LEGACY_RETRY_MS,
        });
        return { ...result, legacy: true };
      }
      this.#legacyUntil = undefined;
      this.#o.link.record(outcome);
      if (heartbeat) result.beat = outcome;

      if (outcome.kind === "ok") {
        this.#acknowledged(heartbeat, batches, outcome.body, result);
        heartbeat = undefined;
        continue;
      }
      if (outcome.kind === "rejected") {
        const kind = outcome.error.field?.split(".")[0];
        if (outcome.error.field === "events" && batches.some((b) => b.kind === "events")) {
          this.#eventsNotKnown(outcome.message);
          continue;
        }
        if (kind === "heartbeat" && heartbeat && this.#o.heartbeat.refused(outcome.message)) {
          heartbeat = this.#o.heartbeat.part(true);
          continue;
        }
        const named = batches.find((b) => b.kind === kind);
        if (named) {
          this.#settle(named, outcome);
          continue;
        }
      }
      if (outcome.kind === "too_large" && batches.length > 1) {
        log.warn("combined push too large for the backend; one batch per push", { batches: batches.length });
        onePerPush = true;
        continue;
      }
      if (outcome.kind === "too_large" && batches.length === 1) {
        this.#settle(batches[0] as OutgoingBatch, outcome);
        continue;
      }
      // the push as a whole failed: the heartbeat is tried again soon (beat-schedule.ts), each kind backs off
      if (heartbeat)
        log[outcome.kind === "retry" ? "debug" : "warn"]("heartbeat not accepted", {
          error: outcome.message,
        });
      const asRetry: SendOutcome =
        outcome.kind === "rejected" || outcome.kind === "too_large"
          ? { kind: "retry", status: outcome.status, message: outcome.message, unreachable: false }
          : outcome;
      for (const batch of batches) this.#settle(batch, asRetry);
      return { ...result, dataDueInMs: this.#dataDue() };
    }
    return { ...result, dataDueInMs: signal?.aborted ? undefined : 0 };
  }

  /** The next batch of each kind that may go now, within the push's size budget. */
  #collect(withHeartbeat: boolean, onePerPush: boolean): OutgoingBatch[] {
    if (this.#o.pusher.pausedUntil()) return [];
    const now = this.#now;
    const budget = withHeartbeat
      ? (this.#o.smallPushBytes ?? SMALL_PUSH_PAYLOAD_BYTES)
      : MAX_PUSH_PAYLOAD_BYTES;
    const batches: OutgoingBatch[] = [];
    let bytes = 0;
    for (const kind of OUTBOX_KINDS) {
      if ((this.#retryAt.get(kind) ?? 0) > now) continue;
      if (kind === "events" && (this.#eventsRefusedUntil ?? 0) > now) continue;
      const batch = this.#o.store.outbox.nextBatch(kind, now);
      if (!batch) continue;
      const size = payloadBytes(batch);
      // a follow-up always takes its first batch (one outbox batch fits the backend's limits)
      if (bytes + size > budget && (withHeartbeat || batches.length > 0)) continue;
      batches.push(batch);
      bytes += size;
      if (onePerPush) break;
    }
    return batches;
  }

  /** A 2xx: the heartbeat and every acknowledged batch are done; refused kinds get their answer. */
  #acknowledged(
    heartbeat: HeartbeatPart | undefined,
    batches: OutgoingBatch[],
    body: unknown,
    result: RunResult,
  ): void {
    const answer = PushResponse.safeParse(body);
    if (heartbeat) this.#o.heartbeat.accepted(heartbeat, answer.success ? answer.data.heartbeat : undefined);
    for (const batch of batches) {
      const ack = answer.success ? answer.data.acks[batch.kind] : undefined;
      const refusal = answer.success ? answer.data.refused?.[batch.kind] : undefined;
      if (ack?.batch_id === batch.batchId) {
        this.#settle(batch, { kind: "ok", status: 200, body: ack });
        result.sent++;
      } else if (refusal) {
        this.#settle(batch, refusalOutcome(refusal));
      } else {
        // never from a backend that follows the protocol: keep the rows and try again later
        this.#settle(batch, {
          kind: "retry",
          status: 200,
          message: `the backend did not acknowledge the ${batch.kind} batch`,
          unreachable: false,
        });
      }
    }
    // kinds that backed off because the network failed go again now that it answers
    for (const kind of this.#o.pusher.backendReachable()) this.#retryAt.delete(kind);
  }

  /**
   * A backend older than the outage log (decision 0044) refuses a push with an `events` part as
   * a whole (400 naming `events`: its schema is strict), so it stored nothing, heartbeat
   * included. The events stay buffered and out of the pushes for LEGACY_RETRY_MS; the same
   * push goes again at once without them, so heartbeats and the other kinds never wait on them.
   */
  #eventsNotKnown(message: string): void {
    this.#eventsRefusedUntil = this.#now + LEGACY_RETRY_MS;
    this.#o.log.info("the backend does not take events yet; they stay buffered", {
      error: message,
      retry_events_in_ms: LEGACY_RETRY_MS,
    });
  }

  #settle(batch: OutgoingBatch, outcome: SendOutcome): void {
    const verdict = this.#o.pusher.settle(batch, outcome);
    if (verdict?.state === "retry") this.#retryAt.set(batch.kind, this.#now + verdict.delayMs);
    else if (!verdict) this.#retryAt.delete(batch.kind);
  }

  /** Until the earliest kind's retry, or the end of a pause; undefined when nothing waits. */
  #dataDue(): number | undefined {
    const now = this.#now;
    const pause = this.#o.pusher.pausedUntil();
    if (pause) return pause.until - now;
    let due: number | undefined;
    for (const at of this.#retryAt.values()) if (at > now) due = Math.min(due ?? Infinity, at - now);
    return due;
  }
}

/** A kind's refusal inside a 2xx, as the answer its own route would have given. */
function refusalOutcome(refusal: PushRefusal): SendOutcome {
  return classify(refusal.status, JSON.stringify({ error: refusal.error }), null);
}
