import { memo } from "react";

/** Pure: an SVG path through the points, scaled into width x height (0..100 fixed or auto range). */
export function sparkPath(
  values: ReadonlyArray<number | null>,
  width: number,
  height: number,
  max?: number,
): string {
  const points = values.length;
  if (points < 2) return "";
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (present.length === 0) return "";
  const top = max ?? Math.max(...present, 1);
  const step = width / (points - 1);
  let d = "";
  let pen = false;
  values.forEach((value, i) => {
    if (value === null || !Number.isFinite(value)) {
      pen = false;
      return;
    }
    const x = (i * step).toFixed(1);
    const y = (height - (Math.min(Math.max(value, 0), top) / top) * (height - 2) - 1).toFixed(1);
    d += `${pen ? "L" : "M"}${x} ${y}`;
    pen = true;
  });
  return d;
}

/**
 * A tiny trend line for table rows: one SVG path, no chart library, so a thousand of them cost
 * next to nothing. Decorative: the row states the current value in text.
 */
export const Sparkline = memo(function Sparkline({
  values,
  max = 100,
  className = "stroke-blue-500",
  width = 64,
  height = 20,
}: {
  values: ReadonlyArray<number | null>;
  max?: number;
  className?: string;
  width?: number;
  height?: number;
}) {
  const d = sparkPath(values, width, height, max);
  return (
    <svg
      aria-hidden="true"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      className="shrink-0"
    >
      {d ? <path d={d} fill="none" strokeWidth={1.5} strokeLinejoin="round" className={className} /> : null}
    </svg>
  );
});
