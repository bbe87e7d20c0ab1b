/**
 * How long something took or has lasted, as every layer writes it for people: notifications (the
 * backend's and the agent's own), check messages, the agent's CLI and pages, and the dashboard.
 * One writer, so an incident that "lasted 3m 12s" on the dashboard was "restored after 3m 12s" in
 * the page. Plain strings, no zod, so the browser bundle stays small.
 */

const UNITS: readonly (readonly [string, number])[] = [
  ["d", 86_400],
  ["h", 3_600],
  ["m", 60],
  ["s", 1],
];

/**
 * Milliseconds as "3m 12s", "1h 5m", "2d 3h", "45s", "0s": the largest unit and the next one when
 * it is not zero ("3m", "1h"), rounded to whole seconds; negative and non-finite values are "0s".
 */
export function formatDuration(ms: number): string {
  const total = Number.isFinite(ms) ? Math.max(0, Math.round(ms / 1000)) : 0;
  const first = UNITS.findIndex(([, size]) => total >= size);
  if (first === -1) return "0s";
  const [unit, size] = UNITS[first] as readonly [string, number];
  const parts = [`${Math.floor(total / size)}${unit}`];
  const next = UNITS[first + 1];
  if (next) {
    const amount = Math.floor((total % size) / next[1]);
    if (amount > 0) parts.push(`${amount}${next[0]}`);
  }
  return parts.join(" ");
}
