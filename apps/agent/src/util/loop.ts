/**
 * A background task that runs again after the delay its last run returned. Never overlaps
 * itself, never throws out (errors are logged and retried after `errorDelayMs`), and stops
 * cleanly: stop() aborts the signal passed to the task and waits for the run in progress.
 */
import { errorMessage, type Logger } from "../log.ts";

/** Returns the delay before the next run, or "stop" to end the loop. */
type LoopTask = (signal: AbortSignal) => Promise<number | "stop"> | number | "stop";

export class Loop {
  readonly #name: string;
  readonly #task: LoopTask;
  readonly #log: Logger;
  readonly #errorDelayMs: number;
  readonly #stop = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #wakeRequested = false;

  constructor(name: string, task: LoopTask, log: Logger, errorDelayMs = 5_000) {
    this.#name = name;
    this.#task = task;
    this.#log = log;
    this.#errorDelayMs = errorDelayMs;
  }

  start(initialDelayMs = 0): void {
    this.#arm(initialDelayMs);
  }

  /** Run as soon as possible (after the run in progress, if any). */
  wake(): void {
    if (this.#running) this.#wakeRequested = true;
    else this.#arm(0);
  }

  get stopped(): boolean {
    return this.#stop.signal.aborted;
  }

  #arm(delayMs: number): void {
    if (this.#stop.signal.aborted) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#run(), Math.max(0, delayMs));
  }

  #run(): void {
    const run = async () => {
      let next: number | "stop";
      try {
        next = await this.#task(this.#stop.signal);
      } catch (error) {
        this.#log.error(`${this.#name} failed`, { error: errorMessage(error) });
        next = this.#errorDelayMs;
      }
      return next;
    };
    this.#running = run().then((next) => {
      this.#running = undefined;
      if (next === "stop") return;
      if (this.#wakeRequested) {
        this.#wakeRequested = false;
        next = 0;
      }
      this.#arm(next);
    });
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    clearTimeout(this.#timer);
    await this.#running;
  }
}
