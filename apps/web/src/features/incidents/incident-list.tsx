"use client";
import Link from "next/link";
import { memo } from "react";
import { Badge } from "@/components/ui/badge.tsx";
import type { IncidentItem } from "@/lib/contract.ts";
import { formatAgo, formatDateTimeSeconds, formatDuration } from "@/lib/format.ts";
import { INCIDENT_STATUS, SEVERITY } from "@/lib/status.ts";
import { IncidentActions } from "./actions.tsx";

export const IncidentRow = memo(function IncidentRow({
  incident,
  now,
  showServer = true,
}: {
  incident: IncidentItem;
  now: number;
  showServer?: boolean;
}) {
  const status = INCIDENT_STATUS[incident.status];
  const severity = SEVERITY[incident.severity];
  return (
    <li className="flex flex-col gap-2 px-4 py-3 sm:flex-row sm:items-center sm:justify-between">
      <div className="min-w-0">
        <div className="flex flex-wrap items-center gap-2">
          <Badge tone={status.tone}>{status.label}</Badge>
          <Badge tone={severity.tone}>{severity.label}</Badge>
          {incident.flapping ? <Badge tone="amber">Flapping</Badge> : null}
          <Link
            href={`/incidents/detail?id=${incident.id}`}
            className="min-w-0 truncate font-medium text-gray-900 hover:underline dark:text-gray-50"
          >
            {incident.title}
          </Link>
        </div>
        <p className="mt-1 text-gray-500 text-sm dark:text-gray-400">
          {showServer && incident.server ? (
            <>
              <Link href={`/servers/detail?id=${incident.server.id}`} className="hover:underline">
                {incident.server.name}
              </Link>
              {" · "}
            </>
          ) : null}
          {incident.cause ? `${incident.cause} · ` : null}
          started <time dateTime={incident.started_at}>{formatDateTimeSeconds(incident.started_at)}</time> (
          {formatAgo(incident.started_at, now)}){" · "}
          {incident.status === "resolved" ? "lasted" : "for"}{" "}
          {formatDuration(incident.duration_seconds * 1000)}
          {incident.acknowledged_by
            ? ` · acknowledged by ${incident.acknowledged_by.email ?? "a member"}`
            : incident.acknowledged_via
              ? ` · acknowledged via ${incident.acknowledged_via}`
              : null}
        </p>
      </div>
      <IncidentActions incident={incident} />
    </li>
  );
});

export function IncidentListView({
  incidents,
  now,
  showServer = true,
}: {
  incidents: readonly IncidentItem[];
  now: number;
  showServer?: boolean;
}) {
  return (
    <ul className="divide-y divide-gray-100 rounded-xl border border-gray-200 bg-white dark:divide-gray-800 dark:border-gray-800 dark:bg-gray-900">
      {incidents.map((incident) => (
        <IncidentRow key={incident.id} incident={incident} now={now} showServer={showServer} />
      ))}
    </ul>
  );
}
