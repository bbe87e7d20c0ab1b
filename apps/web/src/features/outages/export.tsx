"use client";
import { DaysExport } from "@/components/days-export.tsx";
import { downloadExport } from "@/lib/download.ts";
import { useOrg } from "@/lib/org.tsx";
import type { OutageKind } from "./queries.ts";

/**
 * The outage log as a file (seed 000's daily CSV): the events of the chosen local days, with
 * start, end and duration, of the organization (today) or of one server (the last 30 days), of
 * the kind shown.
 */
export function OutagesExport({ serverId, kind }: { serverId?: string; kind?: OutageKind }) {
  const { orgId } = useOrg();
  return (
    <DaysExport
      label="Outages"
      what="the outage log"
      initialDays={serverId ? 30 : 1}
      caption="Download"
      download={(range, format) =>
        downloadExport(
          "exportEvents",
          { org_id: orgId },
          { ...range, format, ...(serverId ? { server_id: serverId } : {}), ...(kind ? { kind } : {}) },
        )
      }
    />
  );
}
