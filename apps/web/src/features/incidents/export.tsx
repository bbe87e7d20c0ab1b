"use client";
import { useId, useState } from "react";
import { DownloadButtons } from "@/components/download-buttons.tsx";
import { controlClass } from "@/components/ui/field.tsx";
import { downloadExport } from "@/lib/download.ts";
import { useOrg } from "@/lib/org.tsx";
import { localDateValue, localDaysRange } from "./export-range.ts";

const SPANS = [
  { days: 1, label: "1 day" },
  { days: 7, label: "7 days" },
  { days: 30, label: "30 days" },
  { days: 365, label: "a year" },
] as const;

/**
 * The outage log as a file (seed 000's daily CSV): incidents whose outage overlaps the chosen
 * local days, with start, end, duration, server or monitor and cause.
 */
export function IncidentsExport() {
  const { orgId } = useOrg();
  const [day, setDay] = useState(() => localDateValue(new Date()));
  const [days, setDays] = useState<number>(1);
  const range = localDaysRange(day, days);
  const id = useId();
  return (
    <div className="flex flex-wrap items-end gap-2">
      <div className="text-sm">
        <label htmlFor={`${id}-day`} className="mb-1 block font-medium text-gray-700 dark:text-gray-300">
          Export from
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
          Export length
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
      <DownloadButtons
        what="incidents"
        disabled={range === null}
        download={(format) =>
          range
            ? downloadExport("exportIncidents", { org_id: orgId }, { ...range, format })
            : Promise.resolve()
        }
      />
    </div>
  );
}
