/**
 * The one small interface every agent plugin implements. A plugin is a folder
 * `plugins/<type>/` with `index.ts` (exports a PluginDefinition), `README.md` (what it measures,
 * sample config, permissions) and `fixtures/` (recorded real outputs with their origin noted in
 * fixtures/README.md). Its options schema is in @custos/protocol (`monitors/<type>.ts`, listed in
 * `MONITOR_OPTIONS`), so the backend validates a monitor exactly as the agent does.
 *
 * Keep reading the outside world (a thin runner: exec, fetch, read a file) apart from
 * interpreting it (a pure parser tested table-style on fixtures).
 */
import type { CheckStatus } from "@custos/protocol";
import type { z } from "zod";

/** One metric sample. `ts` defaults to the collection time when omitted. */
export interface Sample {
  name: string;
  value: number;
  labels?: Record<string, string>;
  ts?: number;
}

/** One check result for a monitor (or a sub-target of it, e.g. "http:api" or "systemd:nginx"). */
export interface CheckOutcome {
  /** Defaults to the monitor's own name; set it when one monitor checks several targets. */
  monitor?: string;
  status: CheckStatus;
  latency_ms?: number;
  message?: string;
}

export interface Collected {
  samples: Sample[];
  checks: CheckOutcome[];
  /** Noteworthy one-off events (reboot detected, outage ended with its duration, ...). */
  events?: { kind: string; message: string; data?: Record<string, unknown> }[];
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

export interface PluginContext {
  /** The monitor's name, unique in the config (e.g. "http:api"). */
  monitorName: string;
  /** Per-check deadline; collect() must give up by then. */
  timeoutMs: number;
  log: { info(msg: string, data?: object): void; warn(msg: string, data?: object): void };
  /** Runs a command without a shell; rejects with UnsupportedError when the tool is missing. */
  exec(
    command: string,
    args: string[],
    options?: { timeoutMs?: number; env?: Record<string, string> },
  ): Promise<ExecResult>;
  /** Small JSON state that survives agent restarts (previous counters, last uptime, ...). */
  state: {
    get<T>(key: string): T | undefined;
    set(key: string, value: unknown): void;
  };
  /**
   * Records samples (and checks, events) now, outside the schedule, in one transaction of the
   * state database: for plugins that receive data (the local metrics endpoint) and must not
   * answer "accepted" before it is stored. Throws when the store cannot take it. Optional so
   * plugins that only collect on schedule can be tested with a plain context.
   */
  emit?(collected: Collected): void;
}

export interface PluginInstance {
  collect(signal: AbortSignal): Promise<Collected>;
  close?(): Promise<void>;
}

export interface PluginDefinition<Schema extends z.ZodType = z.ZodType> {
  /** The `type:` users write in agent.yaml. */
  type: string;
  /**
   * Options of this plugin only: its `MONITOR_OPTIONS` entry from @custos/protocol. The common
   * keys (type, name, enabled, check_interval, timeout) are stripped first; z.strictObject makes
   * unknown keys errors.
   */
  configSchema: Schema;
  /** Interval when the monitor sets no check_interval (ms). */
  defaultIntervalMs: number;
  /**
   * A key under which one entry may list several targets (`endpoints:` for http): each item,
   * merged over the entry's other keys, is configured as a monitor of its own (config/list-form.ts).
   */
  listForm?: string;
  /** Other names users write for an option (`services:` for systemd's `units:`), old → canonical. */
  aliases?: Readonly<Record<string, string>>;
  /** Name used when the user gives none, e.g. `http:${host}`. */
  defaultName?(config: z.output<Schema>): string;
  create(config: z.output<Schema>, ctx: PluginContext): PluginInstance | Promise<PluginInstance>;
}

/** Thrown by create() or collect() when the plugin cannot run on this host; reported once as `unsupported`. */
export class UnsupportedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "UnsupportedError";
  }
}

export function definePlugin<Schema extends z.ZodType>(
  def: PluginDefinition<Schema>,
): PluginDefinition<Schema> {
  return def;
}
