import { agentTimeProblem } from "@custos/protocol";
import { AppError } from "../errors.ts";

/**
 * Agent data times must fall where partitions exist: at most 7 days old, at most 10 minutes ahead
 * of the backend clock (the schema already bounded them to dates JS and PostgreSQL can hold; the
 * window needs the backend's clock, which tests inject). The error names the item, e.g.
 * "samples.12.ts" or "alerts.0.sent_at".
 */
export function checkTimestamps<K extends string = "ts">(
  items: readonly Record<NoInfer<K>, Date>[],
  listName: string,
  now: number,
  key: K = "ts" as K,
): void {
  items.forEach((item, index) => {
    const time = item[key];
    const why = agentTimeProblem(time, now);
    if (why !== null) {
      const field = `${listName}.${index}.${key}`;
      throw new AppError("VALIDATION", `${field}: ${time.toISOString()} ${why}`, { field });
    }
  });
}
