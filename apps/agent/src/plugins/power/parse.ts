/** Pure parser of what the power plugin reads itself (text -> data): the CPU line of /proc/stat. */

/** Busy and total jiffies of the aggregate `cpu` line of /proc/stat. */
export interface CpuTimes {
  busy: number;
  total: number;
}

/**
 * Parses the first line of /proc/stat (`cpu user nice system idle iowait irq softirq steal ...`,
 * proc(5)). Idle and iowait count as idle; guest time is already part of user time.
 */
export function parseProcStat(text: string): CpuTimes {
  const line = text.split("\n").find((l) => l.startsWith("cpu "));
  if (!line) throw new Error("no aggregate cpu line in /proc/stat");
  const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (fields.length < 4 || fields.some((n) => !Number.isFinite(n)))
    throw new Error(`unreadable /proc/stat line: ${line}`);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}
