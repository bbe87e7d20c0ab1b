/**
 * What the backend says of its own schedule in each heartbeat answer (`schedule_stale`): when
 * its sweep or dispatcher has not run for several intervals it answers, but notices no silent
 * server and sends nothing. Nothing on the backend can page about that (paging is what stopped),
 * so the agent does, on its own channels, once the answers have said so for
 * `backend_unreachable_after` (the same patience as for an unreachable backend, counted from the
 * later of the first such answer and this process's start), and again when it is over.
 */
import type { HeartbeatResponse } from "@custos/protocol";
import type { AlertEngine } from "../alerts/engine.ts";
import type { Logger } from "../log.ts";
import { KV } from "../store/kv.ts";
import type { Store } from "../store/store.ts";

type ScheduleStale = NonNullable<HeartbeatResponse["schedule_stale"]>;

interface BackendScheduleOptions {
  store: Store;
  engine: AlertEngine | undefined;
  notPagingAfterMs: number;
  processStartedAt: number;
  log: Logger;
  now?: () => number;
}

function staleDetail(stale: ScheduleStale): string {
  const jobs = stale.jobs.join(" and ");
  const plural = stale.jobs.length > 1 ? "jobs have" : "job has";
  const since = stale.sweep_last_run_at ? `; its sweep last ran at ${stale.sweep_last_run_at}` : "";
  return `its ${jobs} ${plural} not run for several intervals${since}`;
}

export class BackendSchedule {
  readonly #o: BackendScheduleOptions;

  constructor(options: BackendScheduleOptions) {
    this.#o = options;
  }

  /** One heartbeat answer's word on the schedule: `undefined` means it runs. */
  observe(stale: ScheduleStale | undefined): void {
    const { store, engine, log } = this.#o;
    const now = (this.#o.now ?? Date.now)();
    const since = store.kv.getNumber(KV.scheduleStaleSince);
    if (!stale) {
      if (since === undefined) return;
      store.kv.delete(KV.scheduleStaleSince);
      log.info("the backend's schedule runs again", { stale_ms: now - since });
      engine?.backendPagingAgain(now);
      return;
    }
    if (since === undefined) {
      store.kv.set(KV.scheduleStaleSince, now);
      log.warn("the backend reports that its schedule does not run: it is not paging", { jobs: stale.jobs });
    }
    const startedAt = since ?? now;
    if (now - Math.max(startedAt, this.#o.processStartedAt) >= this.#o.notPagingAfterMs)
      engine?.backendNotPaging(startedAt, staleDetail(stale));
  }
}
