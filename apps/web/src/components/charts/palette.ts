const PALETTE = ["#3b82f6", "#10b981", "#f59e0b", "#8b5cf6", "#ef4444", "#06b6d4", "#ec4899", "#84cc16"];

/** The i-th series' colour (Tailwind palette values). Apart from the chart so that choosing colours does not load Recharts. */
export function paletteColor(i: number): string {
  return PALETTE[i % PALETTE.length] ?? "#3b82f6";
}
