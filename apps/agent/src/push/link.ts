/**
 * What the agent knows about its link to the backend: when it last got an answer, since when
 * it gets none. Network errors, timeouts and 5xx count as unreachable; any other answer means
 * the backend is there. Feeds the local "backend unreachable" alert, which waits
 * `backend_unreachable_after` counted from the later of the first failure and this process's
 * start (so a restart never alerts at once for an outage it did not watch).
 */
import type { AlertEngine } from "../alerts/engine.ts";
import type { Logger } from "../log.ts";
import { KV } from "../store/kv.ts";
import type { Store } from "../store/store.ts";
import type { SendOutcome } from "./client.ts";

interface LinkOptions {
  store: Store;
  engine: AlertEngine | undefined;
  unreachableAfterMs: number;
  processStartedAt: number;
  log: Logger;
  now?: () => number;
}

export class BackendLink {
  readonly #o: LinkOptions;
  #warned = false;

  constructor(options: LinkOptions) {
    this.#o = options;
  }

  get #now(): number {
    return (this.#o.now ?? Date.now)();
  }

  record(outcome: SendOutcome): void {
    if (outcome.kind === "retry" && outcome.unreachable) this.unreachable(outcome.message);
    else this.reachable();
  }

  reachable(): void {
    const now = this.#now;
    const { kv } = this.#o.store;
    kv.set(KV.lastBackendOkAt, now);
    if (kv.get(KV.backendFailingSince) !== undefined) {
      const since = kv.getNumber(KV.backendFailingSince) ?? now;
      kv.delete(KV.backendFailingSince);
      kv.delete(KV.backendLastError);
      this.#o.log.info("backend reachable again", { unreachable_ms: now - since });
    }
    this.#warned = false;
    this.#o.engine?.backendReachable(now);
  }

  unreachable(message: string): void {
    const now = this.#now;
    const { kv } = this.#o.store;
    if (kv.get(KV.backendFailingSince) === undefined) kv.set(KV.backendFailingSince, now);
    kv.set(KV.backendLastError, message);
    if (!this.#warned) {
      this.#o.log.warn("backend unreachable; buffering locally and retrying", { error: message });
      this.#warned = true;
    }
    this.tick();
  }

  /** Raises the local alert once the outage is long enough. */
  tick(): void {
    const { kv } = this.#o.store;
    const failingSince = kv.getNumber(KV.backendFailingSince);
    if (failingSince === undefined || !this.#o.engine) return;
    const now = this.#now;
    const watchedSince = Math.max(failingSince, this.#o.processStartedAt);
    if (now - watchedSince >= this.#o.unreachableAfterMs) {
      this.#o.engine.backendUnreachable(failingSince, now, kv.get(KV.backendLastError));
    }
  }

  failingSince(): number | undefined {
    return this.#o.store.kv.getNumber(KV.backendFailingSince);
  }
}
