"use client";
import { useSearchParams } from "next/navigation";
import { Tracker, type TrackerBlock } from "@/components/charts/tracker.tsx";
import { Logo } from "@/components/logo.tsx";
import { Badge, type Tone } from "@/components/ui/badge.tsx";
import { cx } from "@/components/ui/cx.ts";
import { EmptyState, ErrorState, LoadingState } from "@/components/ui/states.tsx";
import { ApiError } from "@/lib/api.ts";
import type { PublicStatusPage } from "@/lib/contract.ts";
import { formatDateTime, formatPercent, formatUtcDay } from "@/lib/format.ts";
import { usePublicStatus } from "@/lib/queries.ts";
import { BAR_LABEL, trackerState } from "@/lib/status.ts";
import { formatMaintenance } from "../monitors/view-model.ts";
import { ScheduledMaintenance } from "./public-maintenance.tsx";

const OVERALL: Record<PublicStatusPage["status"], { text: string; className: string }> = {
  operational: { text: "All systems operational", className: "bg-emerald-600 text-white" },
  degraded: { text: "Some systems degraded", className: "bg-amber-500 text-white" },
  outage: { text: "Outage in progress", className: "bg-red-600 text-white" },
  unknown: { text: "Status unknown", className: "bg-gray-500 text-white" },
  // blue like the maintenance hatch on the bars (decision 0048)
  maintenance: { text: "Under maintenance", className: "bg-blue-600 text-white" },
};

const MONITOR: Record<PublicStatusPage["monitors"][number]["status"], { tone: Tone; label: string }> = {
  ok: { tone: "green", label: "Operational" },
  degraded: { tone: "amber", label: "Degraded" },
  down: { tone: "red", label: "Down" },
  unknown: { tone: "gray", label: "Unknown" },
  maintenance: { tone: "blue", label: "Under maintenance" },
};

/** Pure: the banner for the page's status; a status this build does not know reads as unknown. */
export function overallBanner(status: string): { text: string; className: string } {
  return OVERALL[status as PublicStatusPage["status"]] ?? OVERALL.unknown;
}

/** Pure: a subject's badge; a status this build does not know is shown gray as sent. */
export function monitorBadge(status: string): { tone: Tone; label: string } {
  return MONITOR[status as PublicStatusPage["monitors"][number]["status"]] ?? { tone: "gray", label: status };
}

type Day = PublicStatusPage["monitors"][number]["days"][number];

/**
 * Pure: 90 daily bars with tooltips "Nov 3: 99.8% uptime". A day with time in maintenance is
 * drawn as maintenance (hatched blue, as on the dashboard) and says how long: "Nov 3:
 * maintenance (2 h), 100.00% uptime" — the uptime figure leaves that time out.
 */
export function dayBlocks(page: PublicStatusPage, days: readonly Day[]): TrackerBlock[] {
  const from = Date.parse(`${page.days.from}T00:00:00Z`);
  return days.map((d, i) => {
    const when = formatUtcDay(from + i * 86_400_000);
    const seconds = d.maintenance_seconds ?? 0;
    if (seconds <= 0) {
      return {
        state: trackerState(d.status),
        tooltip: `${when}: ${d.uptime_percent === null ? BAR_LABEL[d.status] : `${formatPercent(d.uptime_percent, 2)} uptime`}`,
      };
    }
    const rest = d.uptime_percent === null ? "" : `, ${formatPercent(d.uptime_percent, 2)} uptime`;
    return {
      state: "maintenance",
      tooltip: `${when}: maintenance (${formatMaintenance(seconds, 86_400)})${rest}`,
    };
  });
}

/** Pure: the bar row's description for screen readers, naming the days with maintenance. */
export function barsLabel(page: PublicStatusPage, m: PublicStatusPage["monitors"][number]): string {
  const uptime = m.uptime_percent === null ? "no data" : `${formatPercent(m.uptime_percent, 2)} uptime`;
  const maintenance = m.days.filter((d) => (d.maintenance_seconds ?? 0) > 0).length;
  const suffix =
    maintenance === 0 ? "" : `, ${maintenance} ${maintenance === 1 ? "day" : "days"} with maintenance`;
  return `${m.name}, last ${page.days.count} days: ${uptime}${suffix}`;
}

function Page({ page }: { page: PublicStatusPage }) {
  const overall = overallBanner(page.status);
  return (
    <>
      <title>{`${page.title} status`}</title>
      <h1 className="font-semibold text-2xl tracking-tight">{page.title}</h1>
      <p role="status" className={cx("mt-4 rounded-xl px-4 py-3 font-medium", overall.className)}>
        {overall.text}
      </p>
      <ScheduledMaintenance page={page} />
      {page.monitors.length === 0 ? (
        <EmptyState title="Nothing published yet" className="mt-6">
          This page has no monitors yet.
        </EmptyState>
      ) : (
        <ul className="mt-6 divide-y divide-gray-100 rounded-xl border border-gray-200 bg-white dark:divide-gray-800 dark:border-gray-800 dark:bg-gray-900">
          {page.monitors.map((m, i) => {
            const status = monitorBadge(m.status);
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: the public payload has no ids on purpose
              <li key={i} className="p-4">
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <span className="font-medium">{m.name}</span>
                  <span className="flex items-center gap-3">
                    <span className="text-gray-500 text-sm tabular-nums dark:text-gray-400">
                      {m.uptime_percent === null ? "" : `${formatPercent(m.uptime_percent, 2)} uptime`}
                    </span>
                    <Badge tone={status.tone}>{status.label}</Badge>
                  </span>
                </div>
                <Tracker className="mt-3" blocks={dayBlocks(page, m.days)} label={barsLabel(page, m)} />
                <div className="mt-1 flex justify-between text-gray-500 text-xs dark:text-gray-400">
                  <span>{page.days.count} days ago</span>
                  <span>today</span>
                </div>
              </li>
            );
          })}
        </ul>
      )}
      <p className="mt-4 text-gray-500 text-xs dark:text-gray-400">
        Updated {formatDateTime(page.generated_at)}
      </p>
    </>
  );
}

export function PublicStatus() {
  const slug = useSearchParams().get("slug") ?? "";
  const query = usePublicStatus(slug);
  return (
    <main className="mx-auto max-w-3xl px-4 py-8 sm:py-12">
      {!slug ? (
        <EmptyState title="No status page given">
          Open the address you were given, e.g. /status?slug=acme.
        </EmptyState>
      ) : query.isPending ? (
        <LoadingState label="Loading status" />
      ) : query.isError && !query.data ? (
        query.error instanceof ApiError && query.error.status === 404 ? (
          <EmptyState title="Status page not found">
            There is no published status page at this address.
          </EmptyState>
        ) : (
          <ErrorState error={query.error} retry={() => void query.refetch()} />
        )
      ) : query.data ? (
        <Page page={query.data} />
      ) : null}
      <footer className="mt-10 flex items-center justify-center gap-2 text-gray-400 text-xs">
        <Logo className="size-4" /> Powered by Custos
      </footer>
    </main>
  );
}
