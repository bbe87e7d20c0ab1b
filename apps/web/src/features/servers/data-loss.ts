import type { ServerInfo } from "@/lib/contract.ts";
import { formatAgo } from "@/lib/format.ts";

const count = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

function items(n: number, one: string, many: string): string {
  return `${count.format(n)} ${n === 1 ? one : many}`;
}

/**
 * Pure: the server page's line about data its agent reported it could not deliver, or null when
 * it never reported any. A zero count is left out.
 */
export function dataLossNote(
  server: Pick<ServerInfo, "dropped_samples_total" | "rejected_items_total" | "data_loss_reported_at">,
  now: number,
): string | null {
  const { dropped_samples_total: dropped, rejected_items_total: rejected } = server;
  if (!(dropped > 0) && !(rejected > 0)) return null;
  const parts = [
    dropped > 0 ? `${items(dropped, "sample", "samples")} dropped by the agent's buffer limits` : null,
    rejected > 0 ? `${items(rejected, "item", "items")} refused by the backend` : null,
  ].filter((part) => part !== null);
  const when = server.data_loss_reported_at
    ? ` (last reported ${formatAgo(server.data_loss_reported_at, now)})`
    : "";
  return `Data not delivered: ${parts.join(", ")}${when}.`;
}
