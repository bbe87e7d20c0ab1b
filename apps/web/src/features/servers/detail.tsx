"use client";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { type FormEvent, useMemo, useState } from "react";
import { Tracker, type TrackerBlock } from "@/components/charts/tracker.tsx";
import { Badge } from "@/components/ui/badge.tsx";
import { Button, buttonClass } from "@/components/ui/button.tsx";
import { Card, CardHeader, PageHeader } from "@/components/ui/card.tsx";
import { TextField } from "@/components/ui/field.tsx";
import { EmptyState, itemFallback, MutationNote } from "@/components/ui/states.tsx";
import { OutageLog } from "@/features/outages/outage-log.tsx";
import { ApiError } from "@/lib/api.ts";
import type { BarStatus, MonitorDetail, ServerDetail } from "@/lib/contract.ts";
import { formatAgo, formatDateTime, formatDuration, formatPercent } from "@/lib/format.ts";
import { useNow } from "@/lib/hooks/use-now.ts";
import { atLeast, useOrg } from "@/lib/org.tsx";
import { useApproveServer, useDeleteServer, useServer, useUpdateServer } from "@/lib/queries.ts";
import { BAR_LABEL, checkStatus, SERVER_STATE, trackerState } from "@/lib/status.ts";
import { IncidentListView } from "../incidents/incident-list.tsx";
import { formatMaintenance } from "../monitors/view-model.ts";
import { ServerMetrics } from "./custom-metrics.tsx";
import { dataLossNote } from "./data-loss.ts";
import { CheckHistoryExport } from "./exports.tsx";
import { ServerGlance } from "./glance.tsx";
import { MonitorConfigSection } from "./monitor-config.tsx";

const hourFormat = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "2-digit" });

/**
 * Pure: tracker blocks for hourly bars, with a tooltip naming the hour and the result; an hour
 * with time in maintenance is drawn as maintenance, as on the monitor page.
 */
export function barsToBlocks(
  bars: readonly BarStatus[],
  fromIso: string,
  stepSeconds: number,
  maintenanceSeconds: readonly number[] = [],
): TrackerBlock[] {
  const from = Date.parse(fromIso);
  return bars.map((bar, i) => {
    const when = hourFormat.format(from + i * stepSeconds * 1000);
    const seconds = maintenanceSeconds[i] ?? 0;
    return seconds > 0
      ? {
          state: "maintenance",
          tooltip: `${when}: maintenance (${formatMaintenance(seconds, stepSeconds)}), ${BAR_LABEL[bar]}`,
        }
      : { state: trackerState(bar), tooltip: `${when}: ${BAR_LABEL[bar]}` };
  });
}

/**
 * Pure: per bucket, the maintenance all monitors share (the least of theirs): the overall bar is
 * marked only where every monitor was in maintenance, e.g. the server's or the organization's window.
 */
export function sharedMaintenance(monitors: readonly MonitorDetail[], buckets: number): number[] {
  return Array.from({ length: buckets }, (_, i) =>
    monitors.length === 0
      ? 0
      : // an API from before maintenance_seconds (a dashboard deployed ahead of it) sends none
        Math.min(...monitors.map((m) => m.maintenance_seconds?.[i] ?? 0)),
  );
}

/** Pure: the worst bar of all monitors per bucket (the server's overall 72-hour bar). */
export function worstBars(monitors: readonly MonitorDetail[], buckets: number): BarStatus[] {
  const rank: Record<BarStatus, number> = { none: 0, ok: 1, degraded: 2, down: 3 };
  return Array.from({ length: buckets }, (_, i) => {
    let worst: BarStatus = "none";
    for (const m of monitors) {
      const bar = m.bars[i] ?? "none";
      if (rank[bar] > rank[worst]) worst = bar;
    }
    return worst;
  });
}

function Monitors({ detail }: { detail: ServerDetail }) {
  const now = useNow();
  const { status_bar: bar, monitors } = detail;
  const overall = useMemo(() => worstBars(monitors, bar.buckets), [monitors, bar.buckets]);
  const overallMaintenance = useMemo(() => sharedMaintenance(monitors, bar.buckets), [monitors, bar.buckets]);
  if (monitors.length === 0) {
    return (
      <EmptyState title="No monitors yet">
        The agent reports its checks (system, systemd, docker, …) after its first collection. Add monitors in
        the agent's <code className="font-mono">agent.yaml</code>.
      </EmptyState>
    );
  }
  return (
    <div className="space-y-4">
      <div>
        <div className="mb-1 flex justify-between text-gray-500 text-xs dark:text-gray-400">
          <span>All monitors, last 72 hours</span>
          <span>now</span>
        </div>
        <Tracker
          blocks={barsToBlocks(overall, bar.from, bar.step_seconds, overallMaintenance)}
          label={`All monitors over the last 72 hours: ${overall.filter((b) => b === "down").length} hours with failures`}
        />
      </div>
      <ul className="divide-y divide-gray-100 dark:divide-gray-800">
        {monitors.map((m) => {
          const status = checkStatus(m.last_status);
          return (
            <li key={m.id} className="py-3">
              <div className="flex flex-wrap items-center justify-between gap-2">
                <div className="flex min-w-0 flex-wrap items-center gap-2">
                  <Badge tone={status.tone}>{status.label}</Badge>
                  <Link
                    href={`/monitors/detail?id=${m.id}`}
                    className="font-medium text-blue-600 hover:underline dark:text-blue-400"
                  >
                    {m.name}
                  </Link>
                  <span className="text-gray-500 text-xs dark:text-gray-400">
                    {m.type} · {m.source === "probe" ? "checked by Custos" : "checked by the agent"}
                    {m.enabled ? "" : " · disabled"}
                  </span>
                </div>
                <span className="text-gray-600 text-sm tabular-nums dark:text-gray-300">
                  {m.uptime_percent === null ? "no results" : `${formatPercent(m.uptime_percent, 2)} uptime`}
                </span>
              </div>
              <p className="mt-1 text-gray-500 text-sm dark:text-gray-400">
                {m.last_message ?? "No message"}
                {m.last_latency_ms !== null ? ` · ${Math.round(m.last_latency_ms)} ms` : ""}
                {" · "}
                <span title={formatDateTime(m.last_checked_at)}>
                  checked {formatAgo(m.last_checked_at, now)}
                </span>
              </p>
              <Tracker
                className="mt-2 h-6"
                blocks={barsToBlocks(m.bars, bar.from, bar.step_seconds, m.maintenance_seconds ?? [])}
                label={`${m.name} over the last 72 hours: ${m.uptime_percent === null ? "no results" : `${formatPercent(m.uptime_percent, 2)} uptime`}`}
              />
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function ServerSettings({ detail }: { detail: ServerDetail }) {
  const { orgId } = useOrg();
  const server = detail.server;
  const update = useUpdateServer(orgId, server.id);
  const remove = useDeleteServer(orgId);
  const router = useRouter();
  const [name, setName] = useState(server.name);
  // the server's own timeout; blank follows the organization's default
  const [timeout, setTimeoutValue] = useState(
    server.heartbeat_timeout_override_seconds === null
      ? ""
      : String(server.heartbeat_timeout_override_seconds),
  );
  const ownTimeout = timeout.trim() === "" ? null : Number(timeout);
  const [endpoint, setEndpoint] = useState(server.public_endpoint ?? "");
  const [confirmDelete, setConfirmDelete] = useState(false);

  const [unchanged, setUnchanged] = useState(false);
  function submit(event: FormEvent) {
    event.preventDefault();
    const changes = {
      ...(name.trim() !== server.name ? { name: name.trim() } : {}),
      ...(ownTimeout !== server.heartbeat_timeout_override_seconds
        ? { heartbeat_timeout_seconds: ownTimeout }
        : {}),
      ...((endpoint.trim() || null) !== server.public_endpoint
        ? { public_endpoint: endpoint.trim() || null }
        : {}),
    };
    // the API refuses an empty change
    setUnchanged(Object.keys(changes).length === 0);
    if (Object.keys(changes).length > 0) update.mutate(changes);
  }
  const error = update.error instanceof ApiError ? update.error : undefined;
  return (
    <Card className="mt-6">
      <CardHeader title="Server settings" description="Only admins can change these." />
      <form onSubmit={submit} className="grid gap-4 sm:grid-cols-3">
        <TextField
          label="Name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          maxLength={255}
          error={error?.field === "name" ? error.message : undefined}
        />
        <TextField
          label="Heartbeat timeout (seconds)"
          type="number"
          min={10}
          max={86400}
          value={timeout}
          placeholder={`organization default`}
          onChange={(e) => setTimeoutValue(e.target.value)}
          hint={`Down after this long without a heartbeat (now ${server.heartbeat_timeout_seconds} s). Blank: the organization's default.${
            server.heartbeat_interval_seconds
              ? ` At least ${2 * server.heartbeat_interval_seconds} s: twice the agent's heartbeat interval.`
              : ""
          }`}
          error={error?.field === "heartbeat_timeout_seconds" ? error.message : undefined}
        />
        <TextField
          label="Public endpoint (optional)"
          placeholder="host:22 or https://host/health"
          value={endpoint}
          onChange={(e) => setEndpoint(e.target.value)}
          hint="Probed when heartbeats stop, to tell a dead agent from a dead host."
          error={error?.field === "public_endpoint" ? error.message : undefined}
        />
        <div className="flex flex-wrap items-center gap-3 sm:col-span-3">
          <Button type="submit" loading={update.isPending}>
            Save
          </Button>
          <MutationNote
            error={error?.field ? undefined : update.error}
            success={unchanged ? "Nothing changed." : update.isSuccess ? "Saved." : undefined}
          />
          <div className="ml-auto flex items-center gap-2">
            {confirmDelete ? (
              <>
                <span className="text-sm">Delete {server.name} and all its data?</span>
                <Button
                  variant="danger"
                  size="sm"
                  loading={remove.isPending}
                  onClick={() => remove.mutate(server.id, { onSuccess: () => router.replace("/servers") })}
                >
                  Delete
                </Button>
                <Button variant="ghost" size="sm" onClick={() => setConfirmDelete(false)}>
                  Cancel
                </Button>
              </>
            ) : (
              <Button variant="ghost" size="sm" onClick={() => setConfirmDelete(true)}>
                Delete server…
              </Button>
            )}
          </div>
          <MutationNote error={remove.error} />
        </div>
      </form>
    </Card>
  );
}

function NotFound() {
  return (
    <EmptyState
      title="Server not found"
      action={
        <Link href="/servers" className={buttonClass("secondary")}>
          Back to servers
        </Link>
      }
    >
      It may have been deleted, or it belongs to an organization you are not a member of.
    </EmptyState>
  );
}

export function ServerDetailView() {
  const id = useSearchParams().get("id") ?? "";
  const { orgId, role } = useOrg();
  const query = useServer(orgId, id);
  const approve = useApproveServer(orgId);
  const now = useNow();

  const fallback = itemFallback(id, query, { loading: "Loading server", rows: 5, notFound: <NotFound /> });
  if (fallback) return fallback;
  const detail = query.data;
  if (!detail) return null;
  const { server, latest } = detail;
  const state = SERVER_STATE[server.status];
  const silentFor = server.last_heartbeat_at ? now - Date.parse(server.last_heartbeat_at) : null;
  const dataLoss = dataLossNote(server, now);

  return (
    <div>
      <title>{`${server.name} · Custos`}</title>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link href="/servers" className="text-blue-600 hover:underline dark:text-blue-400">
          Servers
        </Link>
        <span className="text-gray-400"> / {server.name}</span>
      </nav>
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-3">
            {server.name}
            <Badge tone={state.tone}>{state.label}</Badge>
          </span>
        }
        description={
          <>
            {server.hostname}
            {server.os ? ` · ${server.os}/${server.arch ?? "?"}` : ""}
            {server.agent_version ? ` · agent ${server.agent_version}` : ""}
            {" · "}
            <span title={formatDateTime(server.last_heartbeat_at)}>
              last heartbeat {formatAgo(server.last_heartbeat_at, now)}
            </span>
          </>
        }
        actions={
          server.approval === "pending" && atLeast(role, "admin") ? (
            <Button loading={approve.isPending} onClick={() => approve.mutate(server.id)}>
              Approve server
            </Button>
          ) : undefined
        }
      />
      <MutationNote error={approve.error} />
      {server.status === "pending" ? (
        <p className="mb-4 rounded-lg bg-amber-50 p-3 text-amber-900 text-sm dark:bg-amber-500/10 dark:text-amber-200">
          This server is waiting for approval: its data is refused until an admin approves it.
        </p>
      ) : null}
      {server.status === "down" && silentFor !== null ? (
        <p className="mb-4 rounded-lg bg-red-50 p-3 text-red-900 text-sm dark:bg-red-500/10 dark:text-red-200">
          No heartbeat for {formatDuration(silentFor)} (timeout{" "}
          {formatDuration(server.heartbeat_timeout_seconds * 1000)}).
        </p>
      ) : null}
      {dataLoss ? (
        <p className="mb-4 text-amber-800 text-sm dark:text-amber-300">
          <span title={formatDateTime(server.data_loss_reported_at)}>{dataLoss}</span>{" "}
          <span className="text-gray-500 dark:text-gray-400">
            See <code className="font-mono">custos-agent status</code> on the server.
          </span>
        </p>
      ) : null}

      <ServerGlance serverId={server.id} detail={detail} />
      {latest.metrics_at ? (
        <p className="mt-1 text-gray-500 text-xs dark:text-gray-400">
          Latest sample {formatAgo(latest.metrics_at, now)}
        </p>
      ) : null}

      {detail.open_incidents.length > 0 ? (
        <section aria-labelledby="open-incidents" className="mt-6">
          <h2 id="open-incidents" className="mb-2 font-semibold">
            Open incidents
          </h2>
          <IncidentListView incidents={detail.open_incidents} now={now} showServer={false} />
        </section>
      ) : null}

      <ServerMetrics serverId={server.id} />

      <Card className="mt-6">
        <CardHeader
          title="Monitors"
          description="Hourly results over the last 72 hours, and uptime over that time."
          actions={<CheckHistoryExport serverId={server.id} />}
        />
        <Monitors detail={detail} />
      </Card>

      <Card className="mt-6">
        <CardHeader
          title="Outages"
          description="This server's outage log: internet outages and reboots, with start, end and duration."
        />
        <OutageLog serverId={server.id} />
      </Card>

      <MonitorConfigSection serverId={server.id} />

      {atLeast(role, "admin") ? <ServerSettings key={server.id} detail={detail} /> : null}
    </div>
  );
}
