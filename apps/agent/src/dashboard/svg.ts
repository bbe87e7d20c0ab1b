/** A small line chart as inline SVG (no script, no external asset). */
import { escapeHtml } from "./html.ts";

interface ChartPoint {
  t: number;
  v: number;
}

function formatValue(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e12) return `${(value / 1e12).toFixed(1)}T`;
  if (abs >= 1e9) return `${(value / 1e9).toFixed(1)}G`;
  if (abs >= 1e6) return `${(value / 1e6).toFixed(1)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  if (Number.isInteger(value)) return String(value);
  return value.toFixed(abs < 1 ? 3 : 1);
}

export function lineChart(
  points: readonly ChartPoint[],
  options: { from: number; to: number; title: string; width?: number; height?: number },
): string {
  const width = options.width ?? 560;
  const height = options.height ?? 110;
  const pad = { left: 52, right: 8, top: 18, bottom: 16 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const title = `<text x="${pad.left}" y="12" class="t">${escapeHtml(options.title)}</text>`;
  if (points.length === 0) {
    return `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img">${title}<text x="${pad.left}" y="${pad.top + plotH / 2}" class="m">no data in the last 24 h</text></svg>`;
  }
  let min = Math.min(...points.map((p) => p.v));
  let max = Math.max(...points.map((p) => p.v));
  if (min === max) {
    min -= 1;
    max += 1;
  }
  const span = options.to - options.from || 1;
  const x = (t: number) => pad.left + ((t - options.from) / span) * plotW;
  const y = (v: number) => pad.top + plotH - ((v - min) / (max - min)) * plotH;
  const path = points.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(" ");
  const last = points[points.length - 1] as ChartPoint;
  return [
    `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(options.title)}">`,
    title,
    `<text x="${width - pad.right}" y="12" class="m" text-anchor="end">now ${escapeHtml(formatValue(last.v))}</text>`,
    `<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${pad.top + plotH}" class="a"/>`,
    `<line x1="${pad.left}" y1="${pad.top + plotH}" x2="${pad.left + plotW}" y2="${pad.top + plotH}" class="a"/>`,
    `<text x="${pad.left - 4}" y="${pad.top + 8}" class="m" text-anchor="end">${escapeHtml(formatValue(max))}</text>`,
    `<text x="${pad.left - 4}" y="${pad.top + plotH}" class="m" text-anchor="end">${escapeHtml(formatValue(min))}</text>`,
    `<text x="${pad.left}" y="${height - 3}" class="m">-24h</text>`,
    `<text x="${pad.left + plotW}" y="${height - 3}" class="m" text-anchor="end">now</text>`,
    `<polyline points="${path}" class="l"/>`,
    "</svg>",
  ].join("");
}
