/**
 * Runs every enabled monitor on its own timer. Runs of different monitors are independent: a
 * slow plugin holds only its own timer. A monitor whose previous run is still going past its
 * deadline skips a slot instead of piling up. The set of monitors can be replaced while running
 * (a new central configuration, decision 0037): removed ones stop, added ones start, changed
 * ones restart, and the others keep their timers and plugin instances.
 */
import type { ResolvedMonitor } from "../config/settings.ts";
import { errorMessage, type Logger } from "../log.ts";
import { MonitorRunner, type RunResult, type StateReader } from "./monitor-runner.ts";
import { firstRunAt, nextRunAt } from "./timing.ts";

interface SchedulerOptions {
  monitors: readonly ResolvedMonitor[];
  clockAligned: boolean;
  state: StateReader;
  /** Called with each run's result and each ctx.emit() (writes it to the store; may throw). */
  onResult: (result: RunResult) => void;
  log: Logger;
  now?: () => number;
}

interface Slot {
  runner: MonitorRunner;
  /** What the monitor was started with, to tell a changed definition from the same one. */
  fingerprint: string;
  timer: NodeJS.Timeout | undefined;
  nextAt: number;
  running: Promise<void> | undefined;
}

/** A monitor's definition as text: the same text means nothing to restart. */
function fingerprint(monitor: ResolvedMonitor): string {
  return JSON.stringify([monitor.type, monitor.intervalMs, monitor.timeoutMs, monitor.options]);
}

export class Scheduler {
  readonly #o: SchedulerOptions;
  #slots: Slot[];
  #started = false;
  #stopped = false;

  constructor(options: SchedulerOptions) {
    this.#o = options;
    this.#slots = options.monitors.filter((monitor) => monitor.enabled).map((monitor) => this.#slot(monitor));
  }

  #slot(monitor: ResolvedMonitor): Slot {
    const o = this.#o;
    return {
      runner: new MonitorRunner(monitor, o.state, o.log, o.onResult),
      fingerprint: fingerprint(monitor),
      timer: undefined,
      nextAt: 0,
      running: undefined,
    };
  }

  /** The names of the monitors running now. */
  get monitorNames(): string[] {
    return this.#slots.map((slot) => slot.runner.monitor.name);
  }

  /**
   * Runs `monitors` from now on: a monitor whose name and definition (type, interval, timeout,
   * options, and the plugin itself) are unchanged keeps running untouched; the others are
   * stopped (their run in progress awaited, bounded by its deadline, and the plugin closed) and
   * the new ones started. Resolves when the stopped ones have closed.
   */
  async replace(monitors: readonly ResolvedMonitor[]): Promise<{ started: string[]; stopped: string[] }> {
    if (this.#stopped) return { started: [], stopped: [] };
    const wanted = monitors.filter((monitor) => monitor.enabled);
    const current = new Map(this.#slots.map((slot) => [slot.runner.monitor.name, slot]));
    const keep: Slot[] = [];
    const added: Slot[] = [];
    for (const monitor of wanted) {
      const slot = current.get(monitor.name);
      if (
        slot &&
        slot.fingerprint === fingerprint(monitor) &&
        slot.runner.monitor.plugin === monitor.plugin
      ) {
        keep.push(slot);
        current.delete(monitor.name);
      } else {
        added.push(this.#slot(monitor));
      }
    }
    const removed = [...current.values()];
    this.#slots = [...keep, ...added];
    for (const slot of removed) clearTimeout(slot.timer);
    if (this.#started) this.#startSlots(added);
    await Promise.all(
      removed.map(async (slot) => {
        await slot.running;
        await slot.runner.close();
      }),
    );
    return {
      started: added.map((slot) => slot.runner.monitor.name),
      stopped: removed.map((slot) => slot.runner.monitor.name),
    };
  }

  get #now(): number {
    return (this.#o.now ?? Date.now)();
  }

  start(): void {
    this.#started = true;
    this.#startSlots(this.#slots);
  }

  #startSlots(slots: readonly Slot[]): void {
    const now = this.#now;
    slots.forEach((slot, index) => {
      // unaligned monitors start a few ms apart so they do not all run in the same tick
      const start = firstRunAt(now, slot.runner.monitor.intervalMs, this.#o.clockAligned);
      this.#arm(slot, this.#o.clockAligned ? start : start + index * 25);
    });
  }

  #arm(slot: Slot, at: number): void {
    if (this.#stopped || slot.runner.disabled || !this.#slots.includes(slot)) return;
    slot.nextAt = at;
    slot.timer = setTimeout(() => this.#fire(slot), Math.max(0, at - this.#now));
  }

  #fire(slot: Slot): void {
    const { runner } = slot;
    const scheduledAt = slot.nextAt;
    const interval = runner.monitor.intervalMs;
    this.#arm(slot, nextRunAt(scheduledAt, this.#now, interval, this.#o.clockAligned));
    if (slot.running || runner.busy) {
      this.#o.log.warn("previous run still going; skipping this slot", { monitor: runner.monitor.name });
      return;
    }
    const collectedAt = this.#o.clockAligned ? scheduledAt : this.#now;
    slot.running = runner
      .run(collectedAt)
      .then((result) => this.#o.onResult(result))
      .catch((error: unknown) => {
        this.#o.log.error("recording a collection failed", {
          monitor: runner.monitor.name,
          error: errorMessage(error),
        });
      })
      .finally(() => {
        slot.running = undefined;
        if (runner.disabled) clearTimeout(slot.timer);
      });
  }

  /** Stops the timers, waits for runs in progress (bounded by their deadlines) and closes plugins. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const slot of this.#slots) clearTimeout(slot.timer);
    await Promise.all(this.#slots.map((slot) => slot.running));
    await Promise.all(this.#slots.map((slot) => slot.runner.close()));
  }
}
