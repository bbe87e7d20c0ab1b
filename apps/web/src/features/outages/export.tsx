"use client";
import { useId, useState } from "react";
import { DownloadButtons } from "@/components/download-buttons.tsx";
import { controlClass } from "@/components/ui/field.tsx";
import { localDateValue, localDaysRange } from "@/features/incidents/export-range.ts";
import { downloadExport } from "@/lib/download.ts";
import { useOrg } from "@/lib/org.tsx";
import type { OutageKind } from "./queries.ts";

const SPANS = [
  { days: 1, label: "1 day" },
  { days: 7, label: "7 days" },
  { days: 30, label: "30 days" },
  { days: 365, label: "a year" },
] as const;

/**
 * The outage log as a file (seed 000's daily CSV): the events of the chosen local days, with
 * start, end and duration, of the organization or of one server, of the kind shown.
 */
export function OutagesExport({ serverId, kind }: { serverId?: string; kind?: OutageKind }) {
  const { orgId } = useOrg();
  const [day, setDay] = useState(() =>
    localDateValue(new Date(Date.now() - (serverId ? 29 : 0) * 86_400_000)),
  );
  const [days, setDays] = useState<number>(serverId ? 30 : 1);
  const range = localDaysRange(day, days);
  const id = useId();
  return (
    <div className="flex flex-wrap items-end gap-2">
      <div className="text-sm">
        <label htmlFor={`${id}-day`} className="mb-1 block font-medium text-gray-700 dark:text-gray-300">
          Outages from
        </label>
        <input
          id={`${id}-day`}
          type="date"
          value={day}
          onChange={(e) => setDay(e.target.value)}
          className={`${controlClass} w-auto`}
        />
      </div>
      <div className="text-sm">
        <label htmlFor={`${id}-days`} className="mb-1 block font-medium text-gray-700 dark:text-gray-300">
          Outages length
        </label>
        <select
          id={`${id}-days`}
          value={days}
          onChange={(e) => setDays(Number(e.target.value))}
          className={`${controlClass} w-auto`}
        >
          {SPANS.map((s) => (
            <option key={s.days} value={s.days}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
      <span className="inline-flex items-center gap-1 text-sm">
        <span aria-hidden="true" className="text-gray-500 dark:text-gray-400">
          Download
        </span>
        <DownloadButtons
          what="the outage log"
          disabled={range === null}
          download={(format) =>
            range
              ? downloadExport(
                  "exportEvents",
                  { org_id: orgId },
                  {
                    ...range,
                    format,
                    ...(serverId ? { server_id: serverId } : {}),
                    ...(kind ? { kind } : {}),
                  },
                )
              : Promise.resolve()
          }
        />
      </span>
    </div>
  );
}
