import type { ServerOverviewItem, ServerState } from "@/lib/contract.ts";

export type ServerFilter = ServerState | "all";
export type ServerSort = "status" | "name" | "cpu" | "memory" | "disk" | "seen";

/** Pure: the servers with that status whose name or hostname contains the search (any case). */
export function filterServers(
  servers: readonly ServerOverviewItem[],
  status: ServerFilter,
  search: string,
): ServerOverviewItem[] {
  const needle = search.trim().toLowerCase();
  return servers.filter(
    (s) =>
      (status === "all" || s.status === status) &&
      (needle === "" || s.name.toLowerCase().includes(needle) || s.hostname.toLowerCase().includes(needle)),
  );
}

/** Down first (what needs attention), then pending, unknown, up. */
const STATUS_ORDER: Record<ServerState, number> = { down: 0, pending: 1, unknown: 2, up: 3 };

const byName = (a: ServerOverviewItem, b: ServerOverviewItem) =>
  a.name.localeCompare(b.name, undefined, { numeric: true, sensitivity: "base" });

/** Highest first; servers without a value last. */
function byValue(pick: (s: ServerOverviewItem) => number | null) {
  return (a: ServerOverviewItem, b: ServerOverviewItem) => {
    const x = pick(a);
    const y = pick(b);
    if (x === y) return byName(a, b);
    if (x === null) return 1;
    if (y === null) return -1;
    return y - x;
  };
}

const SORTS: Record<ServerSort, (a: ServerOverviewItem, b: ServerOverviewItem) => number> = {
  status: (a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || byName(a, b),
  name: byName,
  cpu: byValue((s) => s.cpu_percent),
  memory: byValue((s) => s.memory_used_percent),
  disk: byValue((s) => s.disk_used_percent),
  // longest silent first
  seen: byValue((s) => (s.last_heartbeat_at ? -Date.parse(s.last_heartbeat_at) : null)),
};

export function sortServers(servers: ServerOverviewItem[], sort: ServerSort): ServerOverviewItem[] {
  return servers.sort(SORTS[sort]);
}
