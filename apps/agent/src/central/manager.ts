/**
 * Central configuration on the agent (decision 0037). The backend's heartbeat answer carries the
 * version of this server's effective document; when it differs from the one applied, the agent
 * fetches the document, validates it exactly as agent.yaml is validated (config/central.ts) and
 * swaps the scheduler's monitor set without a restart. A document that fails is refused (and
 * the refusal reported with its reason) while the previous set keeps running. The last good
 * document is kept in the state database and applied at the next start, so an agent whose
 * backend is unreachable keeps monitoring and alerting locally with it.
 *
 * agent.yaml stays first-class: a monitor the file defines wins over a central one of the same
 * name, and the file's monitor names are reported as local.
 */
import { HeartbeatResponse } from "@custos/protocol";
import { type CentralSettings, validateCentral } from "../config/central.ts";
import type { ResolvedMonitor } from "../config/settings.ts";
import { errorMessage, type Logger } from "../log.ts";
import type { PluginDefinition, Sample } from "../plugins/types.ts";
import type { BackendClient } from "../push/client.ts";
import type { Scheduler } from "../scheduler/scheduler.ts";
import type { Store } from "../store/store.ts";
import { CentralThresholds, thresholdsMonitor } from "./thresholds.ts";

/** kv: {server_id, document} of the last document applied (JSON). */
export const CENTRAL_CONFIG_KEY = "central_config";

interface CentralOptions {
  store: Store;
  /** Absent when the agent runs without a backend. */
  client: BackendClient | undefined;
  plugins: Readonly<Record<string, PluginDefinition>>;
  env: Readonly<Record<string, string | undefined>>;
  /** The monitors agent.yaml defines. */
  local: readonly ResolvedMonitor[];
  serverId: () => string | undefined;
  log: Logger;
}

interface Applied {
  settings: CentralSettings;
  thresholds: CentralThresholds;
  monitors: ResolvedMonitor[];
}

interface Report {
  server_id: string;
  version: string;
  status: "applied" | "refused";
  reason?: string;
  local_monitors: string[];
}

export class CentralConfig {
  readonly #o: CentralOptions;
  readonly #localNames: Set<string>;
  #applied: Applied | undefined;
  /** The version last refused: not fetched again until the backend has another. */
  #refused: string | undefined;
  #scheduler: Scheduler | undefined;
  #refreshing: Promise<void> | undefined;
  /** A report the backend has not taken yet (sent again with the next refresh or answer). */
  #unreported: Report | undefined;
  #stopped = false;

  constructor(options: CentralOptions) {
    this.#o = options;
    this.#localNames = new Set(options.local.map((m) => m.name));
  }

  /** The version running now, if any. */
  get appliedVersion(): string | undefined {
    return this.#applied?.settings.version;
  }

  /** Every monitor to run: agent.yaml's, the central ones it does not shadow, the thresholds. */
  get monitors(): ResolvedMonitor[] {
    return this.#applied?.monitors ?? [...this.#o.local];
  }

  /**
   * At start, before the scheduler exists: the last document applied for this server, validated
   * again (the environment may have changed). Nothing when there is none or it fails now.
   */
  async restore(): Promise<void> {
    const serverId = this.#o.serverId();
    const kept = this.#o.store.kv.getJson<{ server_id: string; document: unknown }>(CENTRAL_CONFIG_KEY);
    if (!kept || !serverId || kept.server_id !== serverId) return;
    const result = await validateCentral(kept.document, this.#o);
    if (!result.ok) {
      this.#o.log.warn("the kept central configuration no longer validates; running agent.yaml only", {
        reason: result.reason,
      });
      return;
    }
    this.#applied = this.#build(result.settings);
    this.#o.log.info("running the kept central configuration until the backend is asked", {
      version: result.settings.version.slice(0, 12),
      monitors: this.#applied.monitors.map((m) => m.name),
    });
  }

  /** The scheduler whose monitor set this replaces from now on. */
  attach(scheduler: Scheduler): void {
    this.#scheduler = scheduler;
  }

  /** Every collection's samples, for the thresholds. */
  observe(samples: readonly Sample[], now: number): void {
    this.#applied?.thresholds.observe(samples, now);
  }

  /**
   * A heartbeat answer (alone or inside a combined push): a `config_version` other than the one
   * applied (and not the one refused) fetches the document.
   */
  seen(answer: unknown): void {
    const parsed = HeartbeatResponse.safeParse(answer);
    const version = parsed.success ? parsed.data.config_version : undefined;
    if (this.#unreported) void this.#report(this.#unreported);
    if (!version || version === this.appliedVersion || version === this.#refused) return;
    void this.refresh();
  }

  /** Fetches the document and applies or refuses it; one at a time. */
  refresh(): Promise<void> {
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #refresh(): Promise<void> {
    const { client, log } = this.#o;
    const serverId = this.#o.serverId();
    if (!client || !serverId || this.#stopped) return;
    const outcome = await client.post("config", JSON.stringify({ server_id: serverId }));
    if (outcome.kind !== "ok") {
      log.warn("fetching the central configuration failed; keeping the current one", {
        error: outcome.message,
      });
      return;
    }
    await this.apply(outcome.body);
  }

  /** Validates `document` and runs it, or refuses it and keeps what runs. */
  async apply(document: unknown): Promise<"applied" | "refused"> {
    const { log, store } = this.#o;
    const serverId = this.#o.serverId();
    const result = await validateCentral(document, this.#o);
    const version = (document as { version?: unknown } | null)?.version;
    if (!result.ok) {
      this.#refused = typeof version === "string" ? version : undefined;
      log.warn("refused the central configuration; the previous one keeps running", {
        version: this.#refused?.slice(0, 12),
        reason: result.reason,
      });
      if (serverId && this.#refused && /^[0-9a-f]{64}$/.test(this.#refused)) {
        await this.#report({
          ...this.#reportBase(serverId, this.#refused),
          status: "refused",
          reason: result.reason,
        });
      }
      return "refused";
    }
    if (this.#stopped) return "refused";
    const applied = this.#build(result.settings);
    this.#applied = applied;
    this.#refused = undefined;
    if (serverId) store.kv.setJson(CENTRAL_CONFIG_KEY, { server_id: serverId, document });
    const changes = await this.#scheduler?.replace(applied.monitors);
    const forgotten = store.monitors.keepOnlyParents(applied.monitors.map((m) => m.name));
    log.info("applied the central configuration", {
      version: result.settings.version.slice(0, 12),
      started: changes?.started ?? [],
      stopped: changes?.stopped ?? [],
      forgotten_states: forgotten,
    });
    if (serverId)
      await this.#report({ ...this.#reportBase(serverId, result.settings.version), status: "applied" });
    return "applied";
  }

  stop(): void {
    this.#stopped = true;
  }

  #build(settings: CentralSettings): Applied {
    const shadowed = settings.monitors.filter((m) => this.#localNames.has(m.name)).map((m) => m.name);
    if (shadowed.length > 0) {
      this.#o.log.info("agent.yaml defines these monitors; the central ones of the same name are not run", {
        monitors: shadowed,
      });
    }
    const central = settings.monitors.filter((m) => !this.#localNames.has(m.name));
    const monitors = [...this.#o.local, ...central];
    const thresholds = new CentralThresholds(settings.thresholds, Date.now());
    if (settings.thresholds.length > 0) monitors.push(thresholdsMonitor(thresholds, monitors));
    return { settings, thresholds, monitors };
  }

  #reportBase(serverId: string, version: string) {
    return { server_id: serverId, version, local_monitors: [...this.#localNames].slice(0, 200) };
  }

  async #report(report: Report): Promise<void> {
    const client = this.#o.client;
    if (!client) return;
    this.#unreported = report;
    try {
      const outcome = await client.post("config/report", JSON.stringify(report));
      // a report the backend refuses as invalid is not sent again
      if (outcome.kind === "ok" || outcome.kind === "rejected") {
        if (this.#unreported === report) this.#unreported = undefined;
      }
      if (outcome.kind !== "ok")
        this.#o.log.warn("reporting the configuration failed", { error: outcome.message });
    } catch (error) {
      this.#o.log.warn("reporting the configuration failed", { error: errorMessage(error) });
    }
  }
}
