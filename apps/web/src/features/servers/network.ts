import { formatUnit } from "@/lib/format.ts";

/**
 * Pure: a server's network rates as the overview row and the server page's glance show them, in
 * then out: ["↓ 1.2 MB/s", "↑ 310 KB/s"]; ["–"] without network series.
 */
export function networkLines(rx: number | null, tx: number | null): [string] | [string, string] {
  if (rx === null && tx === null) return ["–"];
  return [`↓ ${formatUnit("bytes_per_s", rx)}`, `↑ ${formatUnit("bytes_per_s", tx)}`];
}
