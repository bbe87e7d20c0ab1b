"use client";
import { useState } from "react";
import { EmptyState, ErrorState, LoadingState, LoadOlder } from "@/components/ui/states.tsx";
import { Segmented } from "@/components/ui/tabs.tsx";
import { useOrg } from "@/lib/org.tsx";
import { OutagesExport } from "./export.tsx";
import { OutageRow } from "./outage-row.tsx";
import { type OutageKind, useOutagePages } from "./queries.ts";

type Filter = OutageKind | "all";
const FILTERS: ReadonlyArray<{ value: Filter; label: string }> = [
  { value: "all", label: "All" },
  { value: "outage_ended", label: "Internet outages" },
  { value: "reboot", label: "Reboots" },
  { value: "outage_started", label: "Outage starts" },
];

/**
 * The outage log (decision 0044): internet outages and reboots the agents measured, newest
 * first, with start, end and duration, and the same events as a file. The organization's, or
 * one server's when `serverId` is given.
 */
export function OutageLog({ serverId }: { serverId?: string }) {
  const { orgId } = useOrg();
  const [filter, setFilter] = useState<Filter>("all");
  const kind = filter === "all" ? undefined : filter;
  const query = useOutagePages(orgId, serverId, kind);
  const events = query.data?.pages.flatMap((p) => p.events) ?? [];
  return (
    <div>
      <div className="mb-3 flex flex-wrap items-end justify-between gap-3">
        <div className="max-w-full overflow-x-auto">
          <Segmented label="Show events" value={filter} options={FILTERS} onChange={setFilter} />
        </div>
        <OutagesExport {...(serverId ? { serverId } : {})} {...(kind ? { kind } : {})} />
      </div>
      {query.isPending ? (
        <LoadingState label="Loading the outage log" />
      ) : query.isError && !query.data ? (
        <ErrorState error={query.error} retry={() => void query.refetch()} />
      ) : events.length === 0 ? (
        <EmptyState title="No outages recorded">
          Internet outages (a ping monitor whose targets all stop answering) and reboots appear here once the
          agent reports them; an outage arrives when the connection is back.
        </EmptyState>
      ) : (
        <div className={query.isPlaceholderData ? "opacity-60" : undefined}>
          <ul className="divide-y divide-gray-100 rounded-xl border border-gray-200 bg-white dark:divide-gray-800 dark:border-gray-800 dark:bg-gray-900">
            {events.map((event) => (
              <OutageRow key={event.id} event={event} showServer={serverId === undefined} />
            ))}
          </ul>
          <LoadOlder query={query} label="Load older events" />
        </div>
      )}
    </div>
  );
}
