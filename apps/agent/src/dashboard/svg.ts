/** A small line chart as inline SVG (no script, no external asset), its values in their unit. */
import { axisScale, formatUnit, type UnitFamily } from "@custos/protocol/units";
import { escapeHtml } from "./html.ts";

interface ChartPoint {
  t: number;
  v: number;
}

/** About how wide a 10 px label is (digits narrow, letters and "%" wider), a little generous. */
function labelWidth(text: string): number {
  let px = 0;
  for (const ch of text) px += /[0-9.,\-\s\u00a0]/.test(ch) ? 6 : /[%MWmw]/.test(ch) ? 9.5 : 7;
  return Math.ceil(px);
}

/**
 * A chart from 0 to a round top in the unit of the series (one unit per axis, chosen from its
 * max; 1-2-5 ticks), sized by its viewBox so it shrinks with the screen.
 */
export function lineChart(
  points: readonly ChartPoint[],
  options: { from: number; to: number; title: string; unit: UnitFamily; width?: number; height?: number },
): string {
  const width = options.width ?? 560;
  const height = options.height ?? 120;
  const unit = options.unit;
  const label = `${options.title}`;
  const title = (x: number) => `<text x="${x}" y="12" class="t">${escapeHtml(label)}</text>`;
  if (points.length === 0) {
    return `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(label)}">${title(4)}<text x="4" y="${height / 2}" class="m">no data in the last 24 h</text></svg>`;
  }
  const lowest = Math.min(...points.map((p) => p.v));
  const axis = axisScale(unit, Math.max(...points.map((p) => p.v), 0), 3);
  const bottom = Math.min(0, lowest);
  const labels = axis.ticks.map((t) => axis.format(t));
  const pad = { left: Math.max(...labels.map(labelWidth)) + 8, right: 8, top: 22, bottom: 16 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const span = options.to - options.from || 1;
  const x = (t: number) => pad.left + ((t - options.from) / span) * plotW;
  const y = (v: number) => pad.top + plotH - ((v - bottom) / (axis.top - bottom || 1)) * plotH;
  const path = points.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(" ");
  const last = points[points.length - 1] as ChartPoint;
  const ticks = axis.ticks
    .map(
      (t, i) =>
        `<line x1="${pad.left}" y1="${y(t).toFixed(1)}" x2="${pad.left + plotW}" y2="${y(t).toFixed(1)}" class="g"/>` +
        `<text x="${pad.left - 4}" y="${(y(t) + 3).toFixed(1)}" class="m" text-anchor="end">${escapeHtml(labels[i] ?? "")}</text>`,
    )
    .join("");
  return [
    `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(label)}">`,
    title(4),
    `<text x="${width - pad.right}" y="12" class="m" text-anchor="end">now ${escapeHtml(formatUnit(unit, last.v))}</text>`,
    ticks,
    `<text x="${pad.left}" y="${height - 3}" class="m">-24h</text>`,
    `<text x="${pad.left + plotW}" y="${height - 3}" class="m" text-anchor="end">now</text>`,
    `<polyline points="${path}" class="l"/>`,
    "</svg>",
  ].join("");
}
