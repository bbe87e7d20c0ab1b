/**
 * The waterfall of one page load in Chromium (bench/dashboard.ts --waterfall): what the page
 * requested when (navigation, scripts with their sizes, config/auth/API requests), the main
 * thread's long tasks with the scripts they ran (Long Animation Frames), first contentful paint
 * and LCP. For finding where a page's time before its content goes; not a pass/fail figure.
 */

/** Installed before the page's own scripts: long tasks and long animation frames, buffered. */
export function traceProbe(): void {
  const w = window as unknown as {
    __trace: { tasks: { start: number; ms: number }[]; frames: TraceFrame[] };
  };
  interface TraceFrame {
    start: number;
    ms: number;
    scripts: { src: string; ms: number; invoker: string }[];
  }
  w.__trace = { tasks: [], frames: [] };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.__trace.tasks.push({ start: e.startTime, ms: e.duration });
  }).observe({ type: "longtask", buffered: true });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as (PerformanceEntry & {
        scripts?: { sourceURL: string; duration: number; invoker: string }[];
      })[]) {
        w.__trace.frames.push({
          start: e.startTime,
          ms: e.duration,
          scripts: (e.scripts ?? []).map((s) => ({ src: s.sourceURL, ms: s.duration, invoker: s.invoker })),
        });
      }
    }).observe({ type: "long-animation-frame", buffered: true });
  } catch {
    // an older Chromium without Long Animation Frames: long tasks only
  }
}

export interface Waterfall {
  navigation: { responseEnd: number; domInteractive: number; domContentLoaded: number; load: number };
  fcp: number;
  resources: { path: string; type: string; start: number; end: number; bytes: number; decoded: number }[];
  tasks: { start: number; ms: number }[];
  frames: { start: number; ms: number; scripts: { src: string; ms: number; invoker: string }[] }[];
}

/** Runs in the page (page.evaluate): the entries gathered so far. */
export function readWaterfall(): Waterfall {
  const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
  const fcp = performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? Number.NaN;
  const trace = (window as unknown as { __trace?: Pick<Waterfall, "tasks" | "frames"> }).__trace;
  return {
    navigation: {
      responseEnd: nav?.responseEnd ?? Number.NaN,
      domInteractive: nav?.domInteractive ?? Number.NaN,
      domContentLoaded: nav?.domContentLoadedEventEnd ?? Number.NaN,
      load: nav?.loadEventEnd ?? Number.NaN,
    },
    fcp,
    resources: (performance.getEntriesByType("resource") as PerformanceResourceTiming[]).map((e) => {
      const url = new URL(e.name);
      return {
        path: `${url.pathname}${url.search}`,
        type: e.initiatorType,
        start: e.startTime,
        end: e.responseEnd,
        bytes: e.encodedBodySize,
        decoded: e.decodedBodySize,
      };
    }),
    tasks: trace?.tasks ?? [],
    frames: trace?.frames ?? [],
  };
}

const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(0).padStart(5) : "    ?");
const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

/** The waterfall as lines, in time order, with the page's own marks (content, LCP) among them. */
export function formatWaterfall(w: Waterfall, marks: { at: number; what: string }[]): string[] {
  const rows: { at: number; line: string }[] = [
    { at: w.navigation.responseEnd, line: `${ms(w.navigation.responseEnd)}  HTML received` },
    { at: w.navigation.domInteractive, line: `${ms(w.navigation.domInteractive)}  DOM interactive` },
    { at: w.navigation.domContentLoaded, line: `${ms(w.navigation.domContentLoaded)}  DOMContentLoaded end` },
    { at: w.fcp, line: `${ms(w.fcp)}  first contentful paint` },
    ...marks.map((m) => ({ at: m.at, line: `${ms(m.at)}  ${m.what}` })),
    ...w.resources.map((r) => ({
      at: r.start,
      line: `${ms(r.start)}-${ms(r.end).trim()}  ${r.type} ${r.path.slice(0, 90)} (${kb(r.bytes)} sent, ${kb(r.decoded)})`,
    })),
    ...w.frames.map((f) => {
      const top = [...f.scripts].sort((a, b) => b.ms - a.ms).slice(0, 3);
      const scripts = top
        .map(
          (s) =>
            `${s.src.replace(/^.*\/_next\/static\//, "")} ${s.ms.toFixed(0)} ms (${s.invoker.slice(0, 40)})`,
        )
        .join("; ");
      return {
        at: f.start,
        line: `${ms(f.start)}-${ms(f.start + f.ms).trim()}  long frame ${f.ms.toFixed(0)} ms: ${scripts}`,
      };
    }),
  ];
  if (w.frames.length === 0)
    rows.push(
      ...w.tasks.map((t) => ({
        at: t.start,
        line: `${ms(t.start)}-${ms(t.start + t.ms).trim()}  long task ${t.ms.toFixed(0)} ms`,
      })),
    );
  const js = w.resources.filter((r) => r.type === "script" || r.path.endsWith(".js"));
  const busy = w.tasks.reduce((n, t) => n + t.ms, 0);
  return [
    ...rows.sort((a, b) => a.at - b.at).map((r) => r.line),
    `scripts: ${js.length}, ${kb(js.reduce((n, r) => n + r.bytes, 0))} sent, ${kb(js.reduce((n, r) => n + r.decoded, 0))} decoded; long tasks: ${w.tasks.length}, ${busy.toFixed(0)} ms`,
  ];
}
