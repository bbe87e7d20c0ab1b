const UNITS: [string, number][] = [
  ["d", 86_400],
  ["h", 3_600],
  ["m", 60],
  ["s", 1],
];

/** "3m 12s", "1h 5m", "2d 3h", "45s", "0s": the largest unit and the next one when not zero. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const first = UNITS.findIndex(([, size]) => total >= size);
  if (first === -1) return "0s";
  const [unit, size] = UNITS[first] as [string, number];
  const parts = [`${Math.floor(total / size)}${unit}`];
  const next = UNITS[first + 1];
  if (next) {
    const amount = Math.floor((total % size) / next[1]);
    if (amount > 0) parts.push(`${amount}${next[0]}`);
  }
  return parts.join(" ");
}
