"use client";
import { Button } from "@/components/ui/button.tsx";
import { MutationNote } from "@/components/ui/states.tsx";
import type { IncidentItem } from "@/lib/contract.ts";
import { atLeast, useOrg } from "@/lib/org.tsx";
import { useIncidentAction } from "@/lib/queries.ts";

/** Acknowledge / resolve, for members and up; a 409 (someone was faster) just refreshes. */
export function IncidentActions({ incident, size = "sm" }: { incident: IncidentItem; size?: "sm" | "md" }) {
  const { orgId, role } = useOrg();
  const action = useIncidentAction(orgId);
  if (incident.status === "resolved") return null;
  if (!atLeast(role, "member")) {
    return <span className="text-gray-500 text-xs dark:text-gray-400">Viewers cannot acknowledge</span>;
  }
  const busy = action.isPending ? action.variables?.action : undefined;
  const conflict = action.error && "status" in action.error && action.error.status === 409;
  return (
    <div className="flex flex-wrap items-center gap-2">
      {incident.status === "open" ? (
        <Button
          size={size}
          loading={busy === "acknowledge"}
          disabled={action.isPending}
          onClick={() => action.mutate({ id: incident.id, action: "acknowledge" })}
        >
          Acknowledge<span className="sr-only"> {incident.title}</span>
        </Button>
      ) : null}
      <Button
        size={size}
        variant="secondary"
        loading={busy === "resolve"}
        disabled={action.isPending}
        onClick={() => action.mutate({ id: incident.id, action: "resolve" })}
      >
        Resolve<span className="sr-only"> {incident.title}</span>
      </Button>
      {conflict ? (
        <p role="status" className="text-gray-500 text-sm">
          Already changed by someone else; refreshed.
        </p>
      ) : (
        <MutationNote error={action.error} />
      )}
    </div>
  );
}
