"use client";
import { DaysExport } from "@/components/days-export.tsx";
import { downloadExport } from "@/lib/download.ts";
import { useOrg } from "@/lib/org.tsx";

/**
 * The outage log as a file (seed 000's daily CSV): incidents whose outage overlaps the chosen
 * local days, with start, end, duration, server or monitor and cause.
 */
export function IncidentsExport() {
  const { orgId } = useOrg();
  return (
    <DaysExport
      label="Export"
      what="incidents"
      download={(range, format) => downloadExport("exportIncidents", { org_id: orgId }, { ...range, format })}
    />
  );
}
