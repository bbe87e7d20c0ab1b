/**
 * Runs every enabled monitor on its own timer. Runs of different monitors are independent: a
 * slow plugin holds only its own timer. A monitor whose previous run is still going past its
 * deadline skips a slot instead of piling up.
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
  timer: NodeJS.Timeout | undefined;
  nextAt: number;
  running: Promise<void> | undefined;
}

export class Scheduler {
  readonly #o: SchedulerOptions;
  readonly #slots: Slot[];
  #stopped = false;

  constructor(options: SchedulerOptions) {
    this.#o = options;
    this.#slots = options.monitors
      .filter((monitor) => monitor.enabled)
      .map((monitor) => ({
        runner: new MonitorRunner(monitor, options.state, options.log, options.onResult),
        timer: undefined,
        nextAt: 0,
        running: undefined,
      }));
  }

  get #now(): number {
    return (this.#o.now ?? Date.now)();
  }

  start(): void {
    const now = this.#now;
    this.#slots.forEach((slot, index) => {
      // unaligned monitors start a few ms apart so they do not all run in the same tick
      const start = firstRunAt(now, slot.runner.monitor.intervalMs, this.#o.clockAligned);
      this.#arm(slot, this.#o.clockAligned ? start : start + index * 25);
    });
  }

  #arm(slot: Slot, at: number): void {
    if (this.#stopped || slot.runner.disabled) return;
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
