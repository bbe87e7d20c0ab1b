/** Latencies in milliseconds, kept raw (a level records at most a few hundred thousand). */
export class Latencies {
  #values = new Float64Array(1 << 16);
  #n = 0;

  add(ms: number): void {
    if (this.#n === this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.#n++] = ms;
  }

  get count(): number {
    return this.#n;
  }

  summary(): LatencySummary {
    const sorted = this.#values.slice(0, this.#n).sort();
    let sum = 0;
    for (const v of sorted) sum += v;
    return {
      count: this.#n,
      mean: this.#n ? sum / this.#n : Number.NaN,
      p50: quantile(sorted, 0.5),
      p95: quantile(sorted, 0.95),
      p99: quantile(sorted, 0.99),
      max: this.#n ? (sorted[this.#n - 1] as number) : Number.NaN,
    };
  }
}

export interface LatencySummary {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank quantile of an ascending array. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

export function fmtInt(n: number): string {
  if (!Number.isFinite(n)) return "–";
  return Math.round(n).toLocaleString("en-US");
}

export function fmtMs(n: number): string {
  if (!Number.isFinite(n)) return "–";
  return n < 10 ? n.toFixed(2) : n.toFixed(1);
}

export function fmtPct(n: number): string {
  if (!Number.isFinite(n)) return "–";
  return `${Math.round(n * 100)} %`;
}

export function fmtMiB(kb: number): string {
  if (!Number.isFinite(kb) || kb <= 0) return "–";
  return `${(kb / 1024).toFixed(0)} MiB`;
}

/** A plain-text table for the terminal and a Markdown table for RESULTS.md from the same rows. */
export function table(header: string[], rows: string[][]): { text: string; markdown: string } {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  const text = [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
  const md = (cells: string[]) => `| ${cells.join(" | ")} |`;
  const align = header.map((_, i) => (i === 0 ? ":--" : "--:"));
  const markdown = [md(header), md(align), ...rows.map(md)].join("\n");
  return { text, markdown };
}
