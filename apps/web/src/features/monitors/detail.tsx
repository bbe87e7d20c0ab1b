"use client";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useMemo, useState } from "react";
import { LazyAreaChart } from "@/components/charts/lazy-area-chart.tsx";
import { Tracker } from "@/components/charts/tracker.tsx";
import { Badge } from "@/components/ui/badge.tsx";
import { Button, buttonClass } from "@/components/ui/button.tsx";
import { Card, CardHeader, PageHeader } from "@/components/ui/card.tsx";
import { EmptyState, ErrorState, itemFallback, LoadOlder, Skeleton } from "@/components/ui/states.tsx";
import { Segmented } from "@/components/ui/tabs.tsx";
import type { MonitorPage, ProbeItem, ResponseTimeRange } from "@/lib/contract.ts";
import { formatAgo, formatDateTime } from "@/lib/format.ts";
import { useNow } from "@/lib/hooks/use-now.ts";
import { atLeast, useOrg } from "@/lib/org.tsx";
import { useMonitor, useMonitorResults, useResponseTimes } from "@/lib/queries.ts";
import { checkStatus } from "@/lib/status.ts";
import { ProbeForm } from "../settings/probe-form.tsx";
import { describeProbeSettings } from "../settings/probe-form-model.ts";
import {
  formatLatency,
  formatResultTime,
  formatUptime,
  maintenanceCount,
  RESPONSE_RANGE_TEXT as RANGE_TEXT,
  RESPONSE_RANGES as RANGES,
  responseRows,
  responseTimesSinceNote,
  resultMessage,
  statusBlocks,
  UPTIME_LABEL,
  uptimeNote,
} from "./view-model.ts";

function Uptime({ page }: { page: MonitorPage }) {
  return (
    <section aria-labelledby="uptime" className="mt-2">
      <h2 id="uptime" className="sr-only">
        Uptime
      </h2>
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4 sm:gap-4">
        {page.uptime.map((u) => (
          <Card key={u.window} className="p-4" data-window={u.window}>
            <dt className="text-gray-500 text-sm dark:text-gray-400">Uptime {UPTIME_LABEL[u.window]}</dt>
            <dd className="mt-1 font-semibold text-2xl text-gray-900 tabular-nums dark:text-gray-50">
              {formatUptime(u.percent)}
            </dd>
            <dd className="mt-0.5 text-gray-500 text-xs dark:text-gray-400">{uptimeNote(u)}</dd>
          </Card>
        ))}
      </dl>
      <p className="mt-2 text-gray-500 text-xs dark:text-gray-400">
        Share of checks that passed (degraded counts as up); time without results and maintenance windows are
        left out.
      </p>
    </section>
  );
}

function StatusBarsCard({ page }: { page: MonitorPage }) {
  const hourlyDown = page.hourly.bars.filter((b) => b === "down").length;
  const dailyDown = page.daily.bars.filter((b) => b === "down").length;
  const hourlyMaintenance = maintenanceCount(page.hourly);
  const dailyMaintenance = maintenanceCount(page.daily);
  const inMaintenance = (n: number, unit: string) => (n > 0 ? `, ${n} ${unit} in maintenance` : "");
  return (
    <Card className="mt-6">
      <CardHeader
        title="Status"
        description={
          <>
            The worst result of each hour and of each day (UTC);{" "}
            <span className="inline-flex items-center gap-1">
              <span
                aria-hidden="true"
                className="inline-block h-3 w-2 rounded-[1px] bg-blue-500"
                style={{
                  backgroundImage:
                    "repeating-linear-gradient(135deg, rgb(255 255 255 / 0.45) 0 2px, transparent 2px 5px)",
                }}
              />
              hatched blue
            </span>{" "}
            marks maintenance.
          </>
        }
      />
      <div className="space-y-4">
        <div>
          <div className="mb-1 flex justify-between text-gray-500 text-xs dark:text-gray-400">
            <span>Last 72 hours</span>
            <span>now</span>
          </div>
          <Tracker
            blocks={statusBlocks(page.hourly)}
            label={`Last 72 hours: ${hourlyDown} hours with failures${inMaintenance(hourlyMaintenance, "hours")}`}
          />
        </div>
        <div>
          <div className="mb-1 flex justify-between text-gray-500 text-xs dark:text-gray-400">
            <span>Last 90 days</span>
            <span>today</span>
          </div>
          <Tracker
            blocks={statusBlocks(page.daily)}
            label={`Last 90 days: ${dailyDown} days with failures${inMaintenance(dailyMaintenance, "days")}`}
          />
        </div>
      </div>
    </Card>
  );
}

function ResponseTimeChart({ monitorId }: { monitorId: string }) {
  const { orgId } = useOrg();
  const [range, setRange] = useState<ResponseTimeRange>("24h");
  const query = useResponseTimes(orgId, monitorId, range);
  const rows = useMemo(() => (query.data ? responseRows(query.data) : []), [query.data]);
  const values = query.data?.points.map((p) => p[1]) ?? [];
  // the points' own averages, weighted alike (a 6-hour point counts as much as a quiet one)
  const average = values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
  const since = query.data ? responseTimesSinceNote(query.data) : null;
  const longRange = range === "90d" || range === "365d";
  return (
    <Card className="mt-6">
      <CardHeader
        title="Response time"
        description={
          average === null
            ? `No response times in ${RANGE_TEXT[range]}.`
            : `Average ${formatLatency(average)} over ${RANGE_TEXT[range]}.`
        }
        actions={<Segmented label="Time range" value={range} options={RANGES} onChange={setRange} />}
      />
      {query.isPending ? (
        <Skeleton className="h-44" />
      ) : query.isError ? (
        <ErrorState error={query.error} retry={() => void query.refetch()} />
      ) : values.length === 0 ? (
        <p className="text-gray-500 text-sm dark:text-gray-400">
          Nothing answered with a time in {RANGE_TEXT[range]}.{since ? ` ${since}` : ""}
        </p>
      ) : (
        <>
          <LazyAreaChart
            data={rows}
            series={
              longRange
                ? [
                    { key: "avg", label: "Average", color: "#3b82f6" },
                    { key: "max", label: "Slowest", color: "#f59e0b" },
                  ]
                : [{ key: "avg", label: "Response time", color: "#3b82f6" }]
            }
            range={query.data.range}
            valueFormatter={formatLatency}
            summary={`Response time over ${RANGE_TEXT[range]}: average ${formatLatency(average)}${
              longRange ? `, slowest ${formatLatency(Math.max(...query.data.points.map((p) => p[3])))}` : ""
            }.`}
          />
          {since ? <p className="mt-2 text-gray-500 text-xs dark:text-gray-400">{since}</p> : null}
        </>
      )}
    </Card>
  );
}

function Settings({ page }: { page: MonitorPage }) {
  const { role } = useOrg();
  const [editing, setEditing] = useState(false);
  const m = page.monitor;
  if (m.source !== "probe" || !m.config) {
    return (
      <Card className="mt-6">
        <CardHeader title="Settings" />
        <p className="text-gray-600 text-sm dark:text-gray-300">
          The agent on{" "}
          {m.server ? (
            <Link
              href={`/servers/detail?id=${m.server.id}`}
              className="text-blue-600 hover:underline dark:text-blue-400"
            >
              {m.server.name}
            </Link>
          ) : (
            "its server"
          )}{" "}
          runs this check with the settings in its <code className="font-mono">agent.yaml</code>. An incident
          opens after {m.failures_to_open} failed checks in a row and resolves after {m.successes_to_resolve}{" "}
          passing ones.
        </p>
      </Card>
    );
  }
  const asProbe: ProbeItem = {
    id: m.id,
    name: m.name,
    kind: m.type,
    config: m.config,
    interval_seconds: m.interval_seconds ?? 60,
    failures_to_open: m.failures_to_open,
    successes_to_resolve: m.successes_to_resolve,
    enabled: m.enabled,
    state: m.state,
    last_status: m.last_status,
    last_checked_at: m.last_checked_at,
    created_at: m.created_at,
  };
  const rows = [
    ...describeProbeSettings(m.config),
    { label: "Every", value: `${m.interval_seconds ?? 60} s` },
    {
      label: "Incidents",
      value: `open after ${m.failures_to_open} failures in a row, resolve after ${m.successes_to_resolve} successes`,
    },
  ];
  return (
    <Card className="mt-6">
      <CardHeader
        title="Settings"
        actions={
          atLeast(role, "member") && !editing ? (
            <Button variant="secondary" onClick={() => setEditing(true)}>
              Edit probe
            </Button>
          ) : undefined
        }
      />
      {editing ? (
        <ProbeForm probe={asProbe} onDone={() => setEditing(false)} />
      ) : (
        <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[12rem_1fr]">
          {rows.map((r) => (
            <div key={r.label} className="contents">
              <dt className="text-gray-500 dark:text-gray-400">{r.label}</dt>
              <dd className="break-words text-gray-900 dark:text-gray-100">{r.value}</dd>
            </div>
          ))}
        </dl>
      )}
    </Card>
  );
}

function History({ monitorId }: { monitorId: string }) {
  const { orgId } = useOrg();
  const query = useMonitorResults(orgId, monitorId);
  const results = query.data?.pages.flatMap((p) => p.results) ?? [];
  return (
    <Card className="mt-6">
      <CardHeader title="History" description="Every result with its message, newest first." />
      {query.isPending ? (
        <Skeleton className="h-32" />
      ) : query.isError ? (
        <ErrorState error={query.error} retry={() => void query.refetch()} />
      ) : results.length === 0 ? (
        <p className="text-gray-500 text-sm dark:text-gray-400">No results yet.</p>
      ) : (
        <>
          <ol aria-label="Check results" className="divide-y divide-gray-100 text-sm dark:divide-gray-800">
            {results.map((r, i) => {
              const status = checkStatus(r.status);
              return (
                <li
                  // biome-ignore lint/suspicious/noArrayIndexKey: results have no id; two may share an instant
                  key={`${r.at}-${i}`}
                  className="grid grid-cols-[auto_1fr] items-baseline gap-x-3 gap-y-0.5 py-2 sm:grid-cols-[11rem_6rem_5rem_1fr]"
                >
                  <time dateTime={r.at} className="text-gray-500 tabular-nums dark:text-gray-400">
                    {formatResultTime(r.at)}
                  </time>
                  <span>
                    <Badge tone={status.tone}>{status.label}</Badge>
                  </span>
                  <span className="text-gray-600 tabular-nums dark:text-gray-300">
                    {formatLatency(r.latency_ms)}
                  </span>
                  <span className="min-w-0 break-words text-gray-900 dark:text-gray-100">
                    {resultMessage(r) ?? ""}
                  </span>
                </li>
              );
            })}
          </ol>
          <LoadOlder query={query} className="mt-3" />
        </>
      )}
    </Card>
  );
}

function NotFound() {
  return (
    <EmptyState
      title="Monitor not found"
      action={
        <Link href="/settings/probes" className={buttonClass("secondary")}>
          Back to probes
        </Link>
      }
    >
      It may have been deleted, or it belongs to an organization you are not a member of.
    </EmptyState>
  );
}

/** /monitors/detail?id=<uuid>: one probe or agent monitor. */
export function MonitorDetailView() {
  const id = useSearchParams().get("id") ?? "";
  const { orgId } = useOrg();
  const query = useMonitor(orgId, id);
  const now = useNow();
  const fallback = itemFallback(id, query, { loading: "Loading monitor", rows: 4, notFound: <NotFound /> });
  if (fallback) return fallback;
  const page = query.data;
  if (!page) return null;
  const m = page.monitor;
  const status = checkStatus(m.last_status);
  return (
    <div>
      <title>{`${m.name} · Custos`}</title>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        {m.server ? (
          <>
            <Link href="/servers" className="text-blue-600 hover:underline dark:text-blue-400">
              Servers
            </Link>
            <span className="text-gray-400"> / </span>
            <Link
              href={`/servers/detail?id=${m.server.id}`}
              className="text-blue-600 hover:underline dark:text-blue-400"
            >
              {m.server.name}
            </Link>
          </>
        ) : (
          <Link href="/settings/probes" className="text-blue-600 hover:underline dark:text-blue-400">
            Probes
          </Link>
        )}
        <span className="text-gray-400"> / {m.name}</span>
      </nav>
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-3">
            {m.name}
            <Badge tone={status.tone}>{status.label}</Badge>
            {m.enabled ? null : <Badge tone="gray">Disabled</Badge>}
          </span>
        }
        description={
          <>
            {m.type} ·{" "}
            {m.source === "probe"
              ? "checked by Custos"
              : `checked by the agent on ${m.server?.name ?? "its server"}`}
            {" · "}
            <span title={formatDateTime(m.last_checked_at)}>checked {formatAgo(m.last_checked_at, now)}</span>
          </>
        }
      />
      <Uptime page={page} />
      <StatusBarsCard page={page} />
      <ResponseTimeChart monitorId={m.id} />
      <Settings page={page} />
      <History monitorId={m.id} />
    </div>
  );
}
