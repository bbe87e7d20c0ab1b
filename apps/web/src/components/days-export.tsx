"use client";
import { useId, useState } from "react";
import { DownloadButtons } from "@/components/download-buttons.tsx";
import { controlClass } from "@/components/ui/field.tsx";
import { localDateValue, localDaysRange } from "@/features/incidents/export-range.ts";

const SPANS = [
  { days: 1, label: "1 day" },
  { days: 7, label: "7 days" },
  { days: 30, label: "30 days" },
  { days: 365, label: "a year" },
] as const;

/**
 * A file of whole local days: a first day, a length of 1 day to a year, and the CSV/JSON buttons.
 * The incidents export and the outage log share it; `download` gets the days as UTC bounds.
 */
export function DaysExport({
  label,
  what,
  initialDays = 1,
  caption,
  download,
}: {
  /** "Export" reads "Export from" / "Export length" */
  label: string;
  /** what the buttons download, for their accessible names */
  what: string;
  /** the length first chosen; the first day is chosen so that the range ends today */
  initialDays?: (typeof SPANS)[number]["days"];
  /** a visible word before the buttons ("Download"), hidden from screen readers */
  caption?: string;
  download: (range: { from: string; to: string }, format: "csv" | "json") => Promise<unknown>;
}) {
  const [day, setDay] = useState(() => localDateValue(new Date(Date.now() - (initialDays - 1) * 86_400_000)));
  const [days, setDays] = useState<number>(initialDays);
  const range = localDaysRange(day, days);
  const id = useId();
  const buttons = (
    <DownloadButtons
      what={what}
      disabled={range === null}
      download={(format) => (range ? download(range, format) : Promise.resolve())}
    />
  );
  return (
    <div className="flex flex-wrap items-end gap-2">
      <div className="text-sm">
        <label htmlFor={`${id}-day`} className="mb-1 block font-medium text-gray-700 dark:text-gray-300">
          {label} from
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
          {label} length
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
      {caption ? (
        <span className="inline-flex items-center gap-1 text-sm">
          <span aria-hidden="true" className="text-gray-500 dark:text-gray-400">
            {caption}
          </span>
          {buttons}
        </span>
      ) : (
        buttons
      )}
    </div>
  );
}
