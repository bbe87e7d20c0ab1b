"use client";
import Link from "next/link";
import { memo } from "react";
import { Badge, type Tone } from "@/components/ui/badge.tsx";
import type { AgentEventItem } from "@/lib/contract.ts";
import { formatDateTimeSeconds, formatDuration } from "@/lib/format.ts";

const KIND: Record<AgentEventItem["kind"], { label: string; tone: Tone }> = {
  outage_ended: { label: "Internet outage", tone: "red" },
  outage_started: { label: "Outage started", tone: "amber" },
  reboot: { label: "Reboot", tone: "blue" },
};

/** Start and end are named for what they are: a reboot's are the last sign of life and the boot. */
const TIMES: Record<AgentEventItem["kind"], { start: string; end: string; duration: string }> = {
  outage_ended: { start: "Start", end: "End", duration: "Duration" },
  outage_started: { start: "Start", end: "End", duration: "Duration" },
  reboot: { start: "Last seen", end: "Booted", duration: "Downtime" },
};

function targetsOf(event: AgentEventItem): string[] {
  const targets = event.data?.targets;
  return Array.isArray(targets) ? targets.filter((t): t is string => typeof t === "string") : [];
}

function Time({ label, iso }: { label: string; iso: string | null }) {
  return (
    <div className="min-w-0">
      <dt className="text-gray-500 text-xs dark:text-gray-400">{label}</dt>
      <dd className="tabular-nums">{iso ? <time dateTime={iso}>{formatDateTimeSeconds(iso)}</time> : "–"}</dd>
    </div>
  );
}

/** One event of the outage log: what, where, start, end and how long. */
export const OutageRow = memo(function OutageRow({
  event,
  showServer,
}: {
  event: AgentEventItem;
  showServer: boolean;
}) {
  const kind = KIND[event.kind];
  const times = TIMES[event.kind];
  const targets = targetsOf(event);
  const start = event.started_at ?? (event.kind === "outage_started" ? event.occurred_at : null);
  const end = event.ended_at ?? (event.kind === "outage_ended" ? event.occurred_at : null);
  return (
    <li className="px-4 py-3">
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone={kind.tone}>{kind.label}</Badge>
        {showServer ? (
          <Link
            href={`/servers/detail?id=${event.server_id}`}
            className="min-w-0 truncate font-medium text-gray-900 hover:underline dark:text-gray-50"
          >
            {event.server}
          </Link>
        ) : null}
        <span className="min-w-0 break-words text-gray-600 text-sm dark:text-gray-300">{event.message}</span>
      </div>
      <dl className="mt-2 grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-4">
        <Time label={times.start} iso={start} />
        <Time label={times.end} iso={end} />
        <div>
          <dt className="text-gray-500 text-xs dark:text-gray-400">{times.duration}</dt>
          <dd className="tabular-nums">
            {event.duration_ms !== null
              ? formatDuration(event.duration_ms)
              : event.kind === "outage_started"
                ? "until the end is reported"
                : "–"}
          </dd>
        </div>
        <div className="min-w-0">
          <dt className="text-gray-500 text-xs dark:text-gray-400">
            {targets.length > 0 ? "Targets" : "Monitor"}
          </dt>
          <dd className="truncate" title={targets.length > 0 ? targets.join(", ") : event.monitor}>
            {targets.length > 0 ? targets.join(", ") : event.monitor}
          </dd>
        </div>
      </dl>
    </li>
  );
});
