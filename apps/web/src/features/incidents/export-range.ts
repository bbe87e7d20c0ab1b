/**
 * Pure: the range of an incidents export, from local calendar days (seed 000's daily CSV: "the
 * outages of Tuesday" means the viewer's Tuesday). `day` is an <input type="date"> value.
 * Null when the day is not a date.
 */
export function localDaysRange(day: string, days: number): { from: string; to: string } | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return null;
  const [year, month, date] = [Number(match[1]), Number(match[2]) - 1, Number(match[3])];
  const start = new Date(year, month, date);
  if (start.getFullYear() !== year || start.getMonth() !== month || start.getDate() !== date) return null;
  const end = new Date(year, month, date + days);
  return { from: start.toISOString(), to: end.toISOString() };
}

/** Pure: today's local date as <input type="date"> holds it. */
export function localDateValue(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
