/**
 * Monitor tests from the dashboard (decision 0045). A heartbeat answer (alone or inside a
 * combined push) that says `tests_pending` makes the agent claim the waiting tests
 * (POST /agent/monitor-tests/claim), run each once (test-run.ts) and post what it found
 * (POST /agent/monitor-tests/:id/result). A backend without monitor tests never says
 * `tests_pending`, so nothing happens there. A test changes nothing the agent runs: no scheduler
 * change, no stored state, no check result, no alert.
 */
import { HeartbeatResponse, MonitorTestClaim, type MonitorTestOutcome } from "@custos/protocol";
import { errorMessage, type Logger } from "../log.ts";
import type { PluginDefinition } from "../plugins/types.ts";
import type { BackendClient } from "../push/client.ts";
import { runMonitorTest } from "./test-run.ts";

interface MonitorTestsOptions {
  client: Pick<BackendClient, "post">;
  plugins: Readonly<Record<string, PluginDefinition>>;
  env: Readonly<Record<string, string | undefined>>;
  serverId: () => string | undefined;
  log: Logger;
  /** The longest one test may run (30 s). */
  maxRunMs?: number;
}

/** Claims after one heartbeat answer at most: a backend that keeps saying so is asked again next beat. */
const MAX_ROUNDS = 4;

export class MonitorTests {
  readonly #o: MonitorTestsOptions;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(options: MonitorTestsOptions) {
    this.#o = options;
  }

  /** A heartbeat answer: `tests_pending` claims and runs the waiting tests (once at a time). */
  seen(answer: unknown): void {
    const parsed = HeartbeatResponse.safeParse(answer);
    if (!parsed.success || parsed.data.tests_pending !== true) return;
    void this.run();
  }

  /** Claims and runs what waits; a second call while one runs joins it. */
  run(): Promise<void> {
    this.#running ??= this.#run()
      .catch((error: unknown) => this.#o.log.warn("monitor tests failed", { error: errorMessage(error) }))
      .finally(() => {
        this.#running = undefined;
      });
    return this.#running;
  }

  stop(): void {
    this.#stopped = true;
  }

  async #run(): Promise<void> {
    const { client, log } = this.#o;
    const serverId = this.#o.serverId();
    if (!serverId) return;
    for (let round = 0; round < MAX_ROUNDS && !this.#stopped; round++) {
      const outcome = await client.post("monitor-tests/claim", JSON.stringify({ server_id: serverId }));
      if (outcome.kind !== "ok") {
        log.warn("claiming monitor tests failed", { error: outcome.message });
        return;
      }
      const claim = MonitorTestClaim.safeParse(outcome.body);
      if (!claim.success || claim.data.tests.length === 0) return;
      // one after another: a test is a short one-off, and the host's monitors keep running
      for (const test of claim.data.tests) {
        if (this.#stopped) return;
        const result = await runMonitorTest(test.monitor, {
          plugins: this.#o.plugins,
          env: this.#o.env,
          log,
          ...(this.#o.maxRunMs ? { maxRunMs: this.#o.maxRunMs } : {}),
        });
        await this.#report(serverId, test.id, result);
      }
    }
  }

  async #report(serverId: string, id: string, result: MonitorTestOutcome): Promise<void> {
    const { client, log } = this.#o;
    const outcome = await client.post(
      `monitor-tests/${id}/result`,
      JSON.stringify({ server_id: serverId, outcome: result }),
    );
    // a result the backend does not take (expired, refused) is not sent again: the run is over
    if (outcome.kind === "ok") log.info("reported a monitor test", { test: id, status: result.status });
    else log.warn("reporting a monitor test failed", { test: id, error: outcome.message });
  }
}
