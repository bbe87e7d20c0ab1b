/**
 * Heartbeats: every `heartbeat_interval`, at a random phase chosen once per process (so a fleet
 * restarted together does not hit the backend on the same second). Each carries the count of
 * samples the buffer caps dropped plus the items set aside because the backend refused their
 * batch (the protocol has no field of its own for those yet: both are items the backend will
 * never get). Each counter is decreased by what was reported only once the backend acknowledged
 * the heartbeat. An agent whose own alert channel fails asks with each beat which of its
 * undelivered pages the backend delivered itself, and does not send those late.
 */
import { uptime } from "node:os";
import { HeartbeatResponse } from "@custos/protocol";
import type { AlertDispatcher } from "../alerts/dispatcher.ts";
import type { Logger } from "../log.ts";
import { KV } from "../store/kv.ts";
import type { Store } from "../store/store.ts";
import { AGENT_VERSION } from "../version.ts";
import type { BackendClient, SendOutcome } from "./client.ts";
import type { BackendLink } from "./link.ts";
import { intervalSeconds } from "./register.ts";

export interface HeartbeatOptions {
  store: Store;
  client: BackendClient;
  link: BackendLink;
  serverId: () => string | undefined;
  /** Reported with each beat: the backend keeps the timeout at twice this or more. */
  intervalMs?: number;
  log: Logger;
  now?: () => number;
  /** Host uptime in seconds. */
  uptimeSeconds?: () => number;
  /** The agent's undelivered pages: asked about with each beat, and what the backend paged. */
  pages?: Pick<AlertDispatcher, "awaitingPages" | "learnBackendPages">;
}

const CLOCK_SKEW_WARN_MS = 60_000;

export class Heartbeat {
  readonly #o: HeartbeatOptions;
  #skewWarned = false;

  constructor(options: HeartbeatOptions) {
    this.#o = options;
  }

  /** First beat after a random phase in [0, interval). */
  static phase(intervalMs: number, random: () => number = Math.random): number {
    return Math.floor(random() * intervalMs);
  }

  async beat(signal?: AbortSignal): Promise<SendOutcome | undefined> {
    const { store, log } = this.#o;
    const serverId = this.#o.serverId();
    if (!serverId) return undefined;
    const now = (this.#o.now ?? Date.now)();
    const capped = Math.max(0, store.kv.getNumber(KV.droppedSamples) ?? 0);
    const rejected = Math.max(0, store.kv.getNumber(KV.rejectedUnreported) ?? 0);
    const dropped = capped + rejected;
    const awaiting = this.#o.pages?.awaitingPages() ?? [];
    const body = {
      server_id: serverId,
      sent_at: new Date(now).toISOString(),
      agent_version: AGENT_VERSION,
      uptime_seconds: Math.round((this.#o.uptimeSeconds ?? uptime)()),
      dropped_samples: dropped,
      ...(this.#o.intervalMs ? { heartbeat_interval_seconds: intervalSeconds(this.#o.intervalMs) } : {}),
      ...(awaiting.length > 0 ? { awaiting_pages: awaiting } : {}),
    };
    const outcome = await this.#o.client.post("heartbeat", JSON.stringify(body), signal ? { signal } : {});
    this.#o.link.record(outcome);
    if (outcome.kind !== "ok") {
      log[outcome.kind === "retry" ? "debug" : "warn"]("heartbeat not accepted", { error: outcome.message });
      return outcome;
    }
    store.transaction(() => {
      store.kv.set(KV.lastHeartbeatAt, now);
      if (capped > 0) store.kv.add(KV.droppedSamples, -capped);
      if (rejected > 0) store.kv.add(KV.rejectedUnreported, -rejected);
    });
    if (dropped > 0)
      log.info("reported items the backend will not get", {
        dropped_samples: dropped,
        by_buffer_caps: capped,
        refused_by_backend: rejected,
      });
    const response = HeartbeatResponse.safeParse(outcome.body);
    if (response.success && response.data.paged?.length)
      this.#o.pages?.learnBackendPages(response.data.paged);
    if (response.success && Math.abs(response.data.clock_skew_ms) > CLOCK_SKEW_WARN_MS && !this.#skewWarned) {
      log.warn("this host's clock differs from the backend's; timestamps will be off", {
        clock_skew_ms: response.data.clock_skew_ms,
      });
      this.#skewWarned = true;
    }
    return outcome;
  }
}
