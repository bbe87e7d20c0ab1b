"use client";
import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import type { AgentEventsQuery } from "@/lib/contract.ts";
import { LIVE_MS } from "@/lib/queries.ts";
import { call } from "@/lib/routes.ts";

export type OutageKind = NonNullable<AgentEventsQuery["kind"]>;

/**
 * The outage log (decision 0044), newest first, a page at a time: the organization's, or one
 * server's when `serverId` is given; `kind` narrows it to one kind of event.
 */
export function useOutagePages(orgId: string, serverId: string | undefined, kind: OutageKind | undefined) {
  return useInfiniteQuery({
    queryKey: ["outages", orgId, serverId ?? "all", kind ?? "all"],
    queryFn: ({ signal, pageParam }) => {
      const query = { limit: 50, ...(kind ? { kind } : {}), ...(pageParam ?? {}) };
      return serverId
        ? call("serverEvents", { org_id: orgId, server_id: serverId }, { query, signal })
        : call("orgEvents", { org_id: orgId }, { query, signal });
    },
    initialPageParam: undefined as { before: string; before_id: string } | undefined,
    getNextPageParam: (last) => last.next ?? undefined,
    refetchInterval: LIVE_MS,
    placeholderData: keepPreviousData,
  });
}
