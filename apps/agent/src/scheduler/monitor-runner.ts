/**
 * One configured monitor: its plugin instance (created on first run), its PluginContext, and
 * one collection with a deadline. Whatever the plugin does, a run ends by the deadline with a
 * result: an exception becomes a `down` check with the message, UnsupportedError becomes one
 * `unsupported` check with the reason and the monitor is not run again until restart.
 */
import type { CheckStatus } from "@custos/protocol";
import type { ResolvedMonitor } from "../config/settings.ts";
import { errorMessage, type Logger } from "../log.ts";
import {
  type CheckOutcome,
  type Collected,
  type PluginContext,
  type PluginInstance,
  type Sample,
  UnsupportedError,
} from "../plugins/types.ts";
import { runCommand } from "./exec.ts";

export interface StateReader {
  get<T>(monitor: string, key: string): T | undefined;
}

export interface RunResult {
  monitor: ResolvedMonitor;
  /** Default timestamp of the samples (the scheduled time when clock-aligned). */
  collectedAt: number;
  durationMs: number;
  samples: Sample[];
  checks: CheckOutcome[];
  events: NonNullable<Collected["events"]>;
  /** ctx.state.set() calls of this run, to commit with its samples. */
  stagedState: Map<string, unknown>;
  /** Set when the plugin said it cannot run here. */
  unsupported?: string;
}

/** Where ctx.emit() sends what a plugin records outside its schedule. */
type EmitSink = (result: RunResult) => void;

export class MonitorRunner {
  readonly monitor: ResolvedMonitor;
  readonly #state: StateReader;
  readonly #log: Logger;
  readonly #ctx: PluginContext;
  #instance: PluginInstance | undefined;
  #signal: AbortSignal | undefined;
  #staged = new Map<string, unknown>();
  /** The plugin's promise from a run that passed its deadline and has not settled yet. */
  #straggler: Promise<unknown> | undefined;
  disabled = false;

  constructor(monitor: ResolvedMonitor, state: StateReader, log: Logger, onEmit?: EmitSink) {
    this.monitor = monitor;
    this.#state = state;
    this.#log = log.child({ monitor: monitor.name });
    const pluginLog = this.#log;
    this.#ctx = {
      monitorName: monitor.name,
      timeoutMs: monitor.timeoutMs,
      log: { info: (msg, data) => pluginLog.info(msg, data), warn: (msg, data) => pluginLog.warn(msg, data) },
      exec: (command, args, options) =>
        runCommand(command, args, {
          timeoutMs: Math.min(options?.timeoutMs ?? monitor.timeoutMs, monitor.timeoutMs),
          ...(options?.env ? { env: options.env } : {}),
          ...(this.#signal ? { signal: this.#signal } : {}),
        }),
      state: {
        get: <T>(key: string): T | undefined =>
          this.#staged.has(key) ? (this.#staged.get(key) as T) : this.#state.get<T>(monitor.name, key),
        set: (key: string, value: unknown) => {
          this.#staged.set(key, value);
        },
      },
      ...(onEmit
        ? {
            emit: (collected: Collected) =>
              onEmit({
                monitor,
                collectedAt: Date.now(),
                durationMs: 0,
                samples: collected.samples,
                checks: collected.checks,
                events: collected.events ?? [],
                stagedState: new Map(),
              }),
          }
        : {}),
    };
  }

  /** True while a plugin call from an earlier run is still going past its deadline. */
  get busy(): boolean {
    return this.#straggler !== undefined;
  }

  async run(collectedAt: number): Promise<RunResult> {
    const started = performance.now();
    this.#staged = new Map();
    const controller = new AbortController();
    this.#signal = controller.signal;
    const timeoutMs = this.monitor.timeoutMs;
    const timer = setTimeout(
      () => controller.abort(new Error(`timed out after ${formatSeconds(timeoutMs)}`)),
      timeoutMs,
    );
    const base = { monitor: this.monitor, collectedAt, samples: [], checks: [], events: [] };
    try {
      const work = this.#collect(controller.signal);
      const collected = await raceAbort(work, controller.signal);
      if (collected === ABORTED) {
        this.#straggler = work
          .catch(() => undefined)
          .finally(() => {
            this.#straggler = undefined;
          });
        return this.#failed(base, "down", errorMessage(controller.signal.reason), started);
      }
      const checks = collected.checks.length > 0 ? collected.checks : [{ status: "ok" as const }];
      return {
        ...base,
        samples: collected.samples,
        checks,
        events: collected.events ?? [],
        stagedState: this.#staged,
        durationMs: performance.now() - started,
      };
    } catch (error) {
      if (error instanceof UnsupportedError) {
        this.disabled = true;
        this.#log.warn("monitor unsupported on this host; not run again until restart", {
          reason: error.message,
        });
        const result = this.#failed(base, "unsupported", error.message, started);
        return { ...result, unsupported: error.message };
      }
      return this.#failed(base, "down", errorMessage(error), started);
    } finally {
      clearTimeout(timer);
      this.#signal = undefined;
    }
  }

  async #collect(signal: AbortSignal): Promise<Collected> {
    if (!this.#instance) this.#instance = await this.monitor.plugin.create(this.monitor.options, this.#ctx);
    return this.#instance.collect(signal);
  }

  #failed(
    base: Pick<RunResult, "monitor" | "collectedAt" | "samples" | "events">,
    status: CheckStatus,
    message: string,
    started: number,
  ): RunResult {
    return {
      ...base,
      checks: [{ status, message }],
      // a failed run's state changes are not kept: the next run starts from the last good one
      stagedState: new Map(),
      durationMs: performance.now() - started,
    };
  }

  async close(): Promise<void> {
    const instance = this.#instance;
    this.#instance = undefined;
    try {
      await instance?.close?.();
    } catch (error) {
      this.#log.warn("plugin close failed", { error: errorMessage(error) });
    }
  }
}

const ABORTED = Symbol("aborted");

function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T | typeof ABORTED> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return resolve(ABORTED);
    const onAbort = () => resolve(ABORTED);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(signal.aborted ? ABORTED : value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        if (signal.aborted) resolve(ABORTED);
        else reject(error);
      },
    );
  });
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
