import { LIMITS } from "@custos/protocol";
import { AppError } from "../errors.ts";

/**
 * Timestamps must fall where partitions exist: at most 7 days old, at most 10 minutes ahead of
 * the backend clock. The error names the item, e.g. "samples.12.ts".
 */
export function checkTimestamps(items: { ts: Date }[], listName: string, now: number): void {
  const oldest = now - LIMITS.maxSampleAgeMs;
  const newest = now + LIMITS.maxFutureSkewMs;
  items.forEach((item, index) => {
    const t = item.ts.getTime();
    if (!(t >= oldest && t <= newest)) {
      const field = `${listName}.${index}.ts`;
      const why = t > newest ? "is more than 10 minutes in the future" : "is older than 7 days";
      throw new AppError("VALIDATION", `${field}: ${item.ts.toISOString()} ${why}`, { field });
    }
  });
}
