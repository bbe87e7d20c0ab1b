import { Badge } from "@/components/ui/badge.tsx";
import type { PublicStatusPage } from "@/lib/contract.ts";

type Window = PublicStatusPage["maintenance"][number];

const day = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
const time = new Intl.DateTimeFormat(undefined, {
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
  timeZone: "UTC",
});

/**
 * Pure: "Dec 6, 02:00 – 04:00 (UTC)", the end's day repeated only when it differs. UTC like the
 * page's daily bars: a visitor's zone is unknown to whoever scheduled the work.
 */
export function maintenanceWhen(window: Pick<Window, "starts_at" | "ends_at">): string {
  const start = Date.parse(window.starts_at);
  const end = Date.parse(window.ends_at);
  const startDay = day.format(start);
  const endDay = day.format(end);
  const endText = endDay === startDay ? time.format(end) : `${endDay}, ${time.format(end)}`;
  return `${startDay}, ${time.format(start)} – ${endText} (UTC)`;
}

/** Pure: which of the page's subjects a window covers, "everything on this page" when all. */
export function maintenanceAffects(window: Pick<Window, "subjects">, subjectCount: number): string {
  if (subjectCount > 1 && window.subjects.length >= subjectCount) return "Affects everything on this page";
  return `Affects ${window.subjects.join(", ")}`;
}

/** Pure: the window's public title, or "Scheduled maintenance" when it has none (never its reason). */
export function maintenanceTitle(window: Partial<Pick<Window, "public_title">>): string {
  return window.public_title ?? "Scheduled maintenance";
}

/** The windows not yet ended, soonest first, as the API sends them (only what the page publishes). */
export function ScheduledMaintenance({ page }: { page: PublicStatusPage }) {
  // a dashboard deployed ahead of its API gets no list
  const windows = page.maintenance ?? [];
  if (windows.length === 0) return null;
  return (
    <section aria-labelledby="maintenance-heading" className="mt-6">
      <h2 id="maintenance-heading" className="font-medium text-gray-900 dark:text-gray-100">
        Scheduled maintenance
      </h2>
      <ul className="mt-2 space-y-2">
        {windows.map((w) => (
          <li
            key={`${w.starts_at} ${w.ends_at} ${w.subjects.join(",")}`}
            className="rounded-xl border border-blue-200 bg-blue-50 px-4 py-3 text-sm dark:border-blue-900 dark:bg-blue-950"
          >
            <div className="flex flex-wrap items-center justify-between gap-2">
              <h3 className="font-medium [overflow-wrap:anywhere]">{maintenanceTitle(w)}</h3>
              <Badge tone="blue">{w.in_progress ? "In progress" : "Scheduled"}</Badge>
            </div>
            <p className="mt-1 tabular-nums">{maintenanceWhen(w)}</p>
            <p className="text-gray-600 dark:text-gray-300">{maintenanceAffects(w, page.monitors.length)}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}
