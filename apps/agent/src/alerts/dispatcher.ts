/**
 * Delivers queued local alerts. Runs on its own timer, never inside a collection: a slow or
 * dead SMTP server cannot delay a check. A failed delivery is retried with backoff (full
 * jitter, cap 5 min) for up to 24 h. Each successful round is reported to the backend with the
 * channels that carried it, so the backend does not page a second time for the same incident.
 */
import { type AwaitedPage, type BackendPage, LIMITS } from "@custos/protocol";
import type { Logger } from "../log.ts";
import { errorMessage } from "../log.ts";
import type { DueDelivery } from "../store/alerts.ts";
import type { Store } from "../store/store.ts";
import { type BackoffOptions, backoffDelay } from "../util/backoff.ts";
import { Loop } from "../util/loop.ts";
import type { AckLinkMaker } from "./ack-link.ts";
import type { Channel } from "./channels/types.ts";
import { queueAlertReport } from "./report.ts";

/** An awaited page as it travels in the heartbeat (times as ISO strings). */
type AwaitedPageWire = Omit<AwaitedPage, "started_at"> & { started_at: string };

interface DispatcherOptions {
  store: Store;
  channels: readonly Channel[];
  serverName: string;
  serverId: () => string | undefined;
  log: Logger;
  backoff?: BackoffOptions;
  giveUpAfterMs?: number;
  deliveryTimeoutMs?: number;
  /** Longest sleep between two looks at the queue. */
  idleMs?: number;
  now?: () => number;
  /** Makes the acknowledge link of a page for the channel carrying it (none without). */
  ackLink?: AckLinkMaker;
  /** Called after reports of delivered pages were queued for the backend (pushed soon). */
  onReported?: () => void;
}

const MIN_RETRY_MS = 1_000;
const DEFAULT_ALERT_BACKOFF: BackoffOptions = { baseMs: 5_000, capMs: 300_000 };

export class AlertDispatcher {
  readonly #o: DispatcherOptions;
  readonly #channels: Map<string, Channel>;
  readonly #loop: Loop;
  #signal: AbortSignal | undefined;

  constructor(options: DispatcherOptions) {
    this.#o = options;
    this.#channels = new Map(options.channels.map((channel) => [channel.key, channel]));
    this.#loop = new Loop(
      "alert delivery",
      async (signal) => {
        this.#signal = signal;
        await this.runOnce();
        const idle = this.#o.idleMs ?? 60_000;
        const due = this.#o.store.alerts.nextDueAt();
        return due === undefined ? idle : Math.min(idle, Math.max(0, due - this.#now));
      },
      options.log,
    );
  }

  get #now(): number {
    return (this.#o.now ?? Date.now)();
  }

  start(): void {
    const abandoned = this.#o.store.alerts.abandonChannelsExcept([...this.#channels.keys()], this.#now);
    if (abandoned > 0)
      this.#o.log.warn("dropped pending alert deliveries to channels no longer configured", { abandoned });
    this.#loop.start(0);
  }

  /** Look at the queue soon (the timer fires after the current transaction committed). */
  wake(): void {
    this.#loop.wake();
  }

  /** One round: every channel's oldest due delivery, in parallel. Returns how many were tried. */
  async runOnce(): Promise<number> {
    const { store, log } = this.#o;
    const due = store.alerts.due(this.#now);
    if (due.length === 0) return 0;
    const results = await Promise.all(due.map((delivery) => this.#deliver(delivery)));
    const now = this.#now;
    const deliveredByAlert = new Map<
      number,
      { delivery: DueDelivery; types: string[]; destinations: string[] }
    >();
    const settledWithout: DueDelivery[] = [];
    store.transaction(() => {
      results.forEach((error, index) => {
        const delivery = due[index] as DueDelivery;
        const where = {
          channel: delivery.channelType,
          channel_key: delivery.channelKey,
          alert: delivery.alert.title,
        };
        if (error === undefined) {
          store.alerts.markDelivered(delivery.id, now);
          const entry = deliveredByAlert.get(delivery.alert.id) ?? { delivery, types: [], destinations: [] };
          entry.types.push(delivery.channelType);
          entry.destinations.push(...(this.#channels.get(delivery.channelKey)?.destinations ?? []));
          deliveredByAlert.set(delivery.alert.id, entry);
          log.info("alert delivered", { ...where, attempts: delivery.attempts + 1 });
          return;
        }
        const age = now - delivery.alert.createdAt;
        if (age >= (this.#o.giveUpAfterMs ?? 86_400_000)) {
          store.alerts.markFailed(delivery.id, error, now);
          settledWithout.push(delivery);
          log.error("alert delivery given up", { ...where, attempts: delivery.attempts + 1, error });
          return;
        }
        const delay = Math.max(
          MIN_RETRY_MS,
          backoffDelay(delivery.attempts, this.#o.backoff ?? DEFAULT_ALERT_BACKOFF),
        );
        store.alerts.markRetry(delivery.id, error, now + delay);
        log.warn("alert delivery failed, will retry", {
          ...where,
          attempts: delivery.attempts + 1,
          retry_in_ms: delay,
          error,
        });
      });
      const serverId = this.#o.serverId();
      for (const { delivery, types, destinations } of deliveredByAlert.values()) {
        queueAlertReport(store, delivery.alert, types, serverId, now, destinations);
      }
      for (const delivery of settledWithout) {
        const states = store.alerts.deliveries(delivery.alert.id);
        if (states.every((d) => d.status === "failed"))
          queueAlertReport(store, delivery.alert, [], serverId, now);
      }
    });
    if (deliveredByAlert.size > 0 || settledWithout.length > 0) this.#o.onReported?.();
    return due.length;
  }

  /** undefined when delivered, else the reason. */
  async #deliver(delivery: DueDelivery): Promise<string | undefined> {
    const channel = this.#channels.get(delivery.channelKey);
    if (!channel) return "channel no longer configured";
    const timeout = AbortSignal.timeout(this.#o.deliveryTimeoutMs ?? 15_000);
    const signal = this.#signal ? AbortSignal.any([this.#signal, timeout]) : timeout;
    try {
      const ackUrl = await this.#o.ackLink?.(delivery.alert, channel.type);
      await channel.send(
        {
          alert: delivery.alert,
          serverName: this.#o.serverName,
          serverId: this.#o.serverId(),
          ...(ackUrl ? { ackUrl } : {}),
        },
        signal,
      );
      return undefined;
    } catch (error) {
      return errorMessage(error);
    }
  }

  /** The pages to ask the backend about with the next heartbeat (their channel is failing). */
  awaitingPages(): AwaitedPageWire[] {
    return this.#o.store.alerts.awaiting(LIMITS.maxAwaitingPages).map((page) => ({
      monitor: page.monitor,
      started_at: new Date(page.startedAt).toISOString(),
      state: page.state,
    }));
  }

  /**
   * The backend's answer: where it paged an incident state itself on every destination of one
   * of this agent's channels, that channel's pending delivery is settled, not sent late. A
   * channel with a destination the backend did not reach still gets its page.
   */
  learnBackendPages(paged: readonly BackendPage[]): number {
    const { store, log } = this.#o;
    const now = this.#now;
    let covered = 0;
    store.transaction(() => {
      for (const page of paged) {
        const reached = new Set(page.destinations);
        const keys = [...this.#channels.values()]
          .filter(
            (channel) => channel.destinations.length > 0 && channel.destinations.every((d) => reached.has(d)),
          )
          .map((channel) => channel.key);
        if (keys.length === 0) continue;
        const startedAt = Date.parse(page.started_at);
        const n = store.alerts.cover({ monitor: page.monitor, startedAt, state: page.state }, keys, now);
        if (n > 0)
          log.info("not paging late: the backend paged these destinations itself", {
            monitor: page.monitor,
            state: page.state,
            deliveries: n,
          });
        covered += n;
      }
    });
    return covered;
  }

  async stop(): Promise<void> {
    await this.#loop.stop();
    for (const channel of this.#channels.values()) channel.close?.();
  }
}
