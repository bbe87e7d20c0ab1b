import type { Ctx } from "../context.ts";
import { readScheduleStaleness } from "./staleness.ts";

/** The jobs without which the backend pages nobody: the sweep opens incidents, dispatch sends. */
export const PAGING_JOBS: readonly string[] = ["sweep", "dispatch"];

/** How long one reading serves every heartbeat of this process (the schedule moves in 15-s ticks). */
export const PAGING_STALENESS_CACHE_MS = 15_000;

export interface PagingStale {
  jobs: string[];
  sweep_last_run_at: string | null;
}

interface Reading {
  at: number;
  value: PagingStale | undefined;
}

// per app context, so each app (and each test's app) keeps its own reading
const readings = new WeakMap<object, { last?: Reading; inFlight?: Promise<PagingStale | undefined> }>();

/**
 * Whether the backend's paging jobs are stale, for the heartbeat's answer: read at most once per
 * PAGING_STALENESS_CACHE_MS per process (concurrent heartbeats share one read), so the thousands
 * of heartbeats a second custos-server takes cost nothing. A failed read is "not known": a
 * heartbeat never fails because of it.
 */
export async function pagingStaleness(
  ctx: Pick<Ctx, "sql" | "config" | "now" | "log">,
): Promise<PagingStale | undefined> {
  const state = readings.get(ctx) ?? {};
  readings.set(ctx, state);
  const now = ctx.now();
  if (state.last && now - state.last.at < PAGING_STALENESS_CACHE_MS) return state.last.value;
  state.inFlight ??= readScheduleStaleness({ ctx })
    .then((health) => {
      const jobs = health.stale_jobs.filter((job) => PAGING_JOBS.includes(job));
      const value = jobs.length > 0 ? { jobs, sweep_last_run_at: health.sweep_last_run_at } : undefined;
      state.last = { at: now, value };
      return value;
    })
    .catch((error: unknown) => {
      ctx.log.warn("heartbeat: the schedule's state could not be read", {
        error: error instanceof Error ? error.message : String(error),
      });
      return undefined;
    })
    .finally(() => {
      state.inFlight = undefined;
    });
  return state.inFlight;
}
