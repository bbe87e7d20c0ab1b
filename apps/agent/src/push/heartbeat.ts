/**
 * Heartbeats: every `heartbeat_interval`, at a random phase chosen once per process (so a fleet
 * restarted together does not hit the backend on the same second). Each carries what the backend
 * will never get since the last acknowledged beat: `dropped_samples`, the samples and check
 * results the buffer caps dropped, and `rejected_items`, the items set aside because the backend
 * refused their batch; the backend adds them to totals shown on the server's page. Each counter
 * is decreased by what was reported only once the backend acknowledged the heartbeat (at most
 * LIMITS.maxLostItemsPerHeartbeat each: the rest goes with the next beats). A backend older
 * than `rejected_items` refuses the field (its schema is strict): the beat is sent again at once
 * with both counts in `dropped_samples`, as agents did before, and so for the rest of the process.
 * An agent whose own alert channel fails asks with each beat which of its undelivered pages the
 * backend delivered itself, and does not send those late. The first beat of each process asks
 * where the acknowledge links of the agent's own pages point (`want_links`). Each answer says
 * whether the backend's own schedule runs (`schedule_stale`, push/backend-schedule.ts).
 */
import { uptime } from "node:os";
import { HeartbeatResponse, LIMITS } from "@custos/protocol";
import type { AlertDispatcher } from "../alerts/dispatcher.ts";
import type { Logger } from "../log.ts";
import { KV } from "../store/kv.ts";
import type { Store } from "../store/store.ts";
import { AGENT_VERSION } from "../version.ts";
import type { BackendSchedule } from "./backend-schedule.ts";
import type { BackendClient, SendOutcome } from "./client.ts";
import type { BackendLink } from "./link.ts";
import { intervalSeconds } from "./register.ts";

interface HeartbeatOptions {
  store: Store;
  client: BackendClient;
  link: BackendLink;
  serverId: () => string | undefined;
  /** Reported with each beat: the backend keeps the timeout at twice this or more. */
  intervalMs?: number;
  /** How long a beat waits for its answer (beatTimeoutMs); else the client's timeout. */
  timeoutMs?: number;
  log: Logger;
  now?: () => number;
  /** Host uptime in seconds. */
  uptimeSeconds?: () => number;
  /** The agent's undelivered pages: asked about with each beat, and what the backend paged. */
  pages?: Pick<AlertDispatcher, "awaitingPages" | "learnBackendPages">;
  /** Told what each answer says of the backend's own schedule. */
  schedule?: Pick<BackendSchedule, "observe">;
  /** Shown each answer: its `config_version` says whether the central configuration changed. */
  config?: { seen(answer: unknown): void };
}

const CLOCK_SKEW_WARN_MS = 60_000;

/** One beat's content and what it reported, kept until the backend answers it. */
export interface HeartbeatPart {
  serverId: string;
  /** The heartbeat's fields without `server_id`. */
  fields: Record<string, unknown>;
  minimal: boolean;
  capped: number;
  rejected: number;
  now: number;
}

/** What one beat reports of a counter: a whole count within the protocol's bound. */
function unreported(counter: number | undefined): number {
  return Math.min(Math.max(0, Math.floor(counter ?? 0)), LIMITS.maxLostItemsPerHeartbeat);
}

export class Heartbeat {
  readonly #o: HeartbeatOptions;
  #skewWarned = false;
  /**
   * The backend refused a heartbeat as invalid: it predates a field this agent sends (a strict
   * schema answers 400 to an unknown key). From then on this process sends only the fields every
   * backend knows, refused items summed into dropped_samples: liveness must never depend on an
   * optional field, or an agent newer than its backend would be declared down.
   */
  #minimal = false;
  /** Whether this process learned the acknowledge link base yet (asked until it has). */
  #linksLearned = false;

  constructor(options: HeartbeatOptions) {
    this.#o = options;
  }

  /** First beat after a random phase in [0, interval). */
  static phase(intervalMs: number, random: () => number = Math.random): number {
    return Math.floor(random() * intervalMs);
  }

  /**
   * What the next beat carries, without `server_id` (the single-kind route adds it, the combined
   * push carries it once for every part); undefined before registration. `minimal`: only the
   * fields every backend knows, refused items summed into dropped_samples.
   */
  part(minimal = this.#minimal): HeartbeatPart | undefined {
    const { store } = this.#o;
    const serverId = this.#o.serverId();
    if (!serverId) return undefined;
    const now = (this.#o.now ?? Date.now)();
    const capped = unreported(store.kv.getNumber(KV.droppedSamples));
    const rejected = unreported(store.kv.getNumber(KV.rejectedUnreported));
    const awaiting = this.#o.pages?.awaitingPages() ?? [];
    const essential = {
      sent_at: new Date(now).toISOString(),
      agent_version: AGENT_VERSION,
      uptime_seconds: Math.round((this.#o.uptimeSeconds ?? uptime)()),
    };
    const fields = minimal
      ? { ...essential, dropped_samples: capped + rejected }
      : {
          ...essential,
          dropped_samples: capped,
          ...(rejected > 0 ? { rejected_items: rejected } : {}),
          ...(this.#o.intervalMs ? { heartbeat_interval_seconds: intervalSeconds(this.#o.intervalMs) } : {}),
          ...(awaiting.length > 0 ? { awaiting_pages: awaiting } : {}),
          ...(this.#linksLearned ? {} : { want_links: true as const }),
        };
    return { serverId, fields, minimal, capped, rejected, now };
  }

  /**
   * The backend refused a beat's fields as invalid: from now on this process sends only those
   * every backend knows. Returns false when it already did (nothing left to drop).
   */
  refused(message: string): boolean {
    if (this.#minimal) return false;
    this.#o.log.warn(
      "the backend refused this heartbeat's newer fields; sending only those every backend knows",
      {
        error: message,
      },
    );
    this.#minimal = true;
    return true;
  }

  async beat(signal?: AbortSignal): Promise<SendOutcome | undefined> {
    const { log } = this.#o;
    let part = this.part();
    if (!part) return undefined;
    const send = (p: HeartbeatPart) =>
      this.#o.client.post("heartbeat", JSON.stringify({ server_id: p.serverId, ...p.fields }), {
        ...(signal ? { signal } : {}),
        ...(this.#o.timeoutMs !== undefined ? { timeoutMs: this.#o.timeoutMs } : {}),
      });
    let outcome = await send(part);
    if (!part.minimal && outcome.kind === "rejected" && this.refused(outcome.message)) {
      part = this.part(true) ?? part;
      outcome = await send(part);
    }
    this.#o.link.record(outcome);
    if (outcome.kind !== "ok") {
      log[outcome.kind === "retry" ? "debug" : "warn"]("heartbeat not accepted", { error: outcome.message });
      return outcome;
    }
    this.accepted(part, outcome.body);
    return outcome;
  }

  /**
   * The backend acknowledged `part` with `answer` (the heartbeat's answer, on its own route or
   * inside a combined push's): the reported counts are taken off, and what the answer says of
   * links, the backend's schedule, its pages and the clock is acted on.
   */
  accepted(part: HeartbeatPart, answer: unknown): void {
    const { store, log } = this.#o;
    const { capped, rejected, now } = part;
    store.transaction(() => {
      store.kv.set(KV.lastHeartbeatAt, now);
      if (capped > 0) store.kv.add(KV.droppedSamples, -capped);
      if (rejected > 0) store.kv.add(KV.rejectedUnreported, -rejected);
    });
    if (capped > 0 || rejected > 0)
      log.info("reported items the backend will not get", {
        dropped_samples: capped,
        rejected_items: rejected,
      });
    const response = HeartbeatResponse.safeParse(answer);
    this.#o.config?.seen(answer);
    if (response.success && !part.minimal && !this.#linksLearned) {
      this.#linksLearned = true;
      const base = response.data.ack_link_base;
      if (base) store.kv.set(KV.ackLinkBase, base);
      else store.kv.delete(KV.ackLinkBase);
    }
    if (response.success) this.#o.schedule?.observe(response.data.schedule_stale);
    if (response.success && response.data.paged?.length)
      this.#o.pages?.learnBackendPages(response.data.paged);
    if (response.success && Math.abs(response.data.clock_skew_ms) > CLOCK_SKEW_WARN_MS && !this.#skewWarned) {
      log.warn("this host's clock differs from the backend's; timestamps will be off", {
        clock_skew_ms: response.data.clock_skew_ms,
      });
      this.#skewWarned = true;
    }
  }
}
