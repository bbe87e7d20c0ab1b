"use client";
import { useState } from "react";
import { EmptyState, ErrorState, LoadingState, LoadOlder } from "@/components/ui/states.tsx";
import { Segmented } from "@/components/ui/tabs.tsx";
import type { IncidentsQuery } from "@/lib/contract.ts";
import { useNow } from "@/lib/hooks/use-now.ts";
import { useOrg } from "@/lib/org.tsx";
import { useIncidentPages } from "@/lib/queries.ts";
import { IncidentsExport } from "./export.tsx";
import { IncidentListView } from "./incident-list.tsx";

type Filter = IncidentsQuery["status"];
const FILTERS: ReadonlyArray<{ value: Filter; label: string }> = [
  { value: "active", label: "Active" },
  { value: "open", label: "Open" },
  { value: "acknowledged", label: "Acknowledged" },
  { value: "resolved", label: "Resolved" },
  { value: "all", label: "All" },
];

const EMPTY: Record<Filter, string> = {
  active: "Nothing needs attention. Incidents appear here when a server goes silent or a check fails.",
  open: "No unacknowledged incidents.",
  acknowledged: "No acknowledged incidents waiting to be resolved.",
  resolved: "No resolved incidents yet.",
  all: "No incidents yet. Incidents appear here when a server goes silent or a check fails.",
};

export function IncidentsPage() {
  const { orgId } = useOrg();
  const [filter, setFilter] = useState<Filter>("active");
  const query = useIncidentPages(orgId, filter);
  const now = useNow();
  const incidents = query.data?.pages.flatMap((p) => p.incidents) ?? [];

  return (
    <div>
      <div className="mb-3 flex flex-wrap items-end justify-between gap-3">
        <div className="max-w-full overflow-x-auto">
          <Segmented label="Show incidents" value={filter} options={FILTERS} onChange={setFilter} />
        </div>
        <IncidentsExport />
      </div>
      {query.isPending ? (
        <LoadingState label="Loading incidents" />
      ) : query.isError && !query.data ? (
        <ErrorState error={query.error} retry={() => void query.refetch()} />
      ) : incidents.length === 0 ? (
        <EmptyState title={filter === "active" ? "All clear" : "No incidents"}>{EMPTY[filter]}</EmptyState>
      ) : (
        <div className={query.isPlaceholderData ? "opacity-60" : undefined}>
          <IncidentListView incidents={incidents} now={now} />
          <LoadOlder query={query} label="Load older incidents" />
        </div>
      )}
    </div>
  );
}
