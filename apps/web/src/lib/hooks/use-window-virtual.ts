"use client";
import { useLayoutEffect, useRef, useState } from "react";

/** Pure: which rows of a list that starts `top` px below the viewport's top edge are on screen. */
export function visibleRange(
  count: number,
  rowHeight: number,
  top: number,
  viewportHeight: number,
  overscan: number,
): { start: number; end: number } {
  if (count === 0) return { start: 0, end: 0 };
  const first = Math.floor(Math.max(0, -top) / rowHeight);
  const last = Math.ceil(Math.max(0, viewportHeight - top) / rowHeight);
  const start = Math.min(count, Math.max(0, first - overscan));
  const end = Math.min(count, Math.max(start, last + overscan));
  return { start, end };
}

/**
 * Windowing against the page's own scroll (no inner scroll box, so phones scroll naturally):
 * only the rows on screen (plus `overscan`) are rendered; fixed row height.
 */
export function useWindowVirtual(count: number, rowHeight: number, overscan = 8) {
  const ref = useRef<HTMLDivElement>(null);
  const [range, setRange] = useState(() => ({ start: 0, end: Math.min(count, 30) }));

  useLayoutEffect(() => {
    let frame = 0;
    const update = () => {
      frame = 0;
      const el = ref.current;
      if (!el) return;
      const next = visibleRange(
        count,
        rowHeight,
        el.getBoundingClientRect().top,
        window.innerHeight,
        overscan,
      );
      setRange((prev) => (prev.start === next.start && prev.end === next.end ? prev : next));
    };
    const schedule = () => {
      if (frame === 0) frame = requestAnimationFrame(update);
    };
    update();
    window.addEventListener("scroll", schedule, { passive: true });
    window.addEventListener("resize", schedule);
    return () => {
      window.removeEventListener("scroll", schedule);
      window.removeEventListener("resize", schedule);
      if (frame) cancelAnimationFrame(frame);
    };
  }, [count, rowHeight, overscan]);

  return { ref, start: range.start, end: Math.min(range.end, count), totalHeight: count * rowHeight };
}
