/**
 * Gives back the executable's pages that start-up touched and the agent no longer reads
 * (sea/pageout.c, madvise MADV_PAGEOUT): once the first rounds of every monitor have run, then
 * every hour for what a rare path touched since. Optional: an executable built without a C
 * compiler has no pageout.node, and a kernel older than 5.4 answers EINVAL; both leave the pages
 * where they are. The timers do not keep a short command (version, check) alive.
 * docs/decisions/0030-lighter-agent.md
 */

export interface PageOutBinding {
  /** Bytes advised, or a negative errno. */
  pageOut(): number;
}

export const PAGE_OUT_FIRST_MS = 3 * 60_000;
export const PAGE_OUT_EVERY_MS = 60 * 60_000;

/** Calls the addon after `firstMs` and then every `everyMs`; stops at the first failure. */
export function schedulePageOut(
  load: () => PageOutBinding,
  timing: { firstMs: number; everyMs: number } = { firstMs: PAGE_OUT_FIRST_MS, everyMs: PAGE_OUT_EVERY_MS },
): { stop(): void } {
  let binding: PageOutBinding | undefined;
  let timer: NodeJS.Timeout | undefined;
  const stop = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  const tick = () => {
    try {
      binding ??= load();
      if (binding.pageOut() < 0) return stop();
    } catch {
      return stop();
    }
    timer = setTimeout(tick, timing.everyMs).unref();
  };
  timer = setTimeout(tick, timing.firstMs).unref();
  return { stop };
}
