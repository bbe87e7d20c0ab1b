"use client";
import Link from "next/link";
import { memo, useCallback, useDeferredValue, useMemo, useState } from "react";
import { Sparkline } from "@/components/charts/sparkline.tsx";
import { Badge } from "@/components/ui/badge.tsx";
import { Button, buttonClass } from "@/components/ui/button.tsx";
import { Card } from "@/components/ui/card.tsx";
import { cx } from "@/components/ui/cx.ts";
import { controlClass } from "@/components/ui/field.tsx";
import { EmptyState, ErrorState, LoadingState, MutationNote } from "@/components/ui/states.tsx";
import type { ServerOverviewItem, ServerState } from "@/lib/contract.ts";
import { formatAgo, formatDateTime, formatPercent, formatUnit } from "@/lib/format.ts";
import { useMedia } from "@/lib/hooks/use-media.ts";
import { useNow } from "@/lib/hooks/use-now.ts";
import { useWindowVirtual } from "@/lib/hooks/use-window-virtual.ts";
import { atLeast, useOrg } from "@/lib/org.tsx";
import { useApproveServer, useServers } from "@/lib/queries.ts";
import { SERVER_STATE } from "@/lib/status.ts";
import { filterServers, type ServerFilter, type ServerSort, sortServers } from "./filter.ts";
import { networkLines } from "./network.ts";

const FILTERS: ReadonlyArray<{ value: ServerFilter; label: string }> = [
  { value: "all", label: "All" },
  { value: "down", label: "Down" },
  { value: "up", label: "Up" },
  { value: "pending", label: "Pending" },
  { value: "unknown", label: "Unknown" },
];

/** Above this many rows the list renders only what is on screen. */
const WINDOWING_FROM = 60;

function meterTone(value: number | null): string {
  if (value === null) return "bg-gray-300 dark:bg-gray-700";
  if (value >= 90) return "bg-red-500";
  if (value >= 75) return "bg-amber-500";
  return "bg-blue-500";
}

function Meter({ value, label }: { value: number | null; label: string }) {
  return (
    <div className="flex min-w-0 items-center gap-2">
      <span className="w-10 shrink-0 text-right text-gray-900 text-sm tabular-nums dark:text-gray-100">
        <span className="sr-only">{label} </span>
        {formatPercent(value)}
      </span>
      <span
        aria-hidden="true"
        className="hidden h-1.5 w-14 overflow-hidden rounded-full bg-gray-200 md:block dark:bg-gray-800"
      >
        <span
          className={cx("block h-full rounded-full", meterTone(value))}
          style={{ width: `${Math.min(100, Math.max(0, value ?? 0))}%` }}
        />
      </span>
    </div>
  );
}

/** Network and temperature get their own columns from lg up (as Beszel's list has them). */
const GRID =
  "grid grid-cols-[minmax(0,1fr)_auto] gap-x-3 gap-y-1 sm:grid-cols-[7rem_minmax(0,1.6fr)_7rem_minmax(0,1fr)_minmax(0,0.8fr)_minmax(0,0.8fr)_6rem] lg:grid-cols-[7rem_minmax(0,1.6fr)_7rem_minmax(0,1fr)_minmax(0,0.8fr)_minmax(0,0.8fr)_7.5rem_4rem_5rem]";

const ServerRow = memo(function ServerRow({
  server,
  now,
  index,
  total,
  height,
  canApprove,
  onApprove,
  approving,
}: {
  server: ServerOverviewItem;
  now: number;
  index: number;
  total: number;
  height: number;
  canApprove: boolean;
  onApprove: (id: string) => void;
  approving: boolean;
}) {
  const state = SERVER_STATE[server.status];
  const href = `/servers/detail?id=${server.id}`;
  return (
    <li
      aria-posinset={index + 1}
      aria-setsize={total}
      style={{ height }}
      className={cx(
        GRID,
        "items-center border-gray-100 border-b px-3 py-2 hover:bg-gray-50 sm:px-4 dark:border-gray-800 dark:hover:bg-gray-800/40",
      )}
    >
      <div className="order-2 justify-self-end sm:order-none sm:justify-self-start">
        <Badge tone={state.tone}>{state.label}</Badge>
      </div>
      <div className="order-1 min-w-0 sm:order-none">
        <Link
          href={href}
          className="block truncate font-medium text-gray-900 hover:underline dark:text-gray-50"
        >
          {server.name}
        </Link>
        <span className="block truncate text-gray-500 text-xs dark:text-gray-400">
          {server.hostname}
          {server.open_incidents > 0 ? (
            <span className="ml-2 font-medium text-red-600 dark:text-red-400">
              {server.open_incidents} open incident{server.open_incidents === 1 ? "" : "s"}
            </span>
          ) : null}
        </span>
      </div>
      <div
        className="order-4 text-gray-600 text-xs sm:order-none sm:text-sm dark:text-gray-400"
        title={formatDateTime(server.last_heartbeat_at)}
      >
        <span className="sm:sr-only">seen </span>
        {formatAgo(server.last_heartbeat_at, now)}
        {server.agent_version ? (
          <span className="hidden truncate text-gray-500 text-xs lg:block dark:text-gray-400">
            agent {server.agent_version}
          </span>
        ) : null}
      </div>
      <div className="order-3 flex items-center gap-3 sm:order-none">
        <span className="text-gray-500 text-xs sm:hidden">CPU</span>
        <Meter value={server.cpu_percent} label="CPU" />
        <Sparkline values={server.cpu_trend} className="hidden stroke-blue-500 lg:block" />
        <span className="flex gap-3 sm:hidden">
          <span className="text-gray-500 text-xs">
            Mem{" "}
            <span className="text-gray-900 tabular-nums dark:text-gray-100">
              {formatPercent(server.memory_used_percent)}
            </span>
          </span>
          <span className="text-gray-500 text-xs">
            Disk{" "}
            <span className="text-gray-900 tabular-nums dark:text-gray-100">
              {formatPercent(server.disk_used_percent)}
            </span>
          </span>
        </span>
      </div>
      <div className="hidden sm:block">
        <Meter value={server.memory_used_percent} label="Memory" />
      </div>
      <div className="hidden sm:block">
        <Meter value={server.disk_used_percent} label="Disk" />
      </div>
      <div className="hidden text-gray-900 text-xs tabular-nums lg:block dark:text-gray-100">
        <span className="sr-only">Network </span>
        {networkLines(server.net_rx_bytes_per_s, server.net_tx_bytes_per_s).map((line) => (
          <span key={line} className="block truncate">
            {line}
          </span>
        ))}
      </div>
      <div
        className="hidden text-gray-900 text-sm tabular-nums lg:block dark:text-gray-100"
        title={server.temperature_c === null ? undefined : "hottest sensor"}
      >
        <span className="sr-only">Temperature </span>
        {formatUnit("celsius", server.temperature_c)}
      </div>
      <div className="order-5 hidden justify-self-end sm:order-none sm:block">
        {server.status === "pending" && canApprove ? (
          <Button size="sm" variant="secondary" loading={approving} onClick={() => onApprove(server.id)}>
            Approve
          </Button>
        ) : (
          <Link href={href} className="text-blue-600 text-sm hover:underline dark:text-blue-400">
            Details<span className="sr-only"> of {server.name}</span>
          </Link>
        )}
      </div>
    </li>
  );
});

function HeaderRow({ trendHours }: { trendHours: number }) {
  return (
    <div
      aria-hidden="true"
      className={cx(
        GRID,
        "hidden border-gray-200 border-b bg-gray-50 px-4 py-2 font-medium text-gray-500 text-xs uppercase tracking-wide sm:grid dark:border-gray-800 dark:bg-gray-900/60 dark:text-gray-400",
      )}
    >
      <div>Status</div>
      <div>Server</div>
      <div>Last seen</div>
      <div>CPU ({trendHours} h trend)</div>
      <div>Memory</div>
      <div>Disk</div>
      <div className="hidden lg:block">Network</div>
      <div className="hidden lg:block">Temp</div>
      <div />
    </div>
  );
}

function ServerRows({
  servers,
  canApprove,
  trendHours,
}: {
  servers: readonly ServerOverviewItem[];
  canApprove: boolean;
  trendHours: number;
}) {
  const { orgId } = useOrg();
  const now = useNow();
  const approve = useApproveServer(orgId);
  const onApprove = useCallback((id: string) => approve.mutate(id), [approve.mutate]);
  const phone = !useMedia("(min-width: 640px)");
  const rowHeight = phone ? 84 : 60;
  const windowed = servers.length > WINDOWING_FROM;
  const virtual = useWindowVirtual(windowed ? servers.length : 0, rowHeight);
  const start = windowed ? virtual.start : 0;
  const end = windowed ? virtual.end : servers.length;
  const approvingId = approve.isPending ? approve.variables : undefined;

  return (
    <>
      <MutationNote error={approve.error} />
      <div className="overflow-hidden rounded-xl border border-gray-200 bg-white dark:border-gray-800 dark:bg-gray-900">
        <HeaderRow trendHours={trendHours} />
        <div
          ref={virtual.ref}
          style={windowed ? { height: virtual.totalHeight, position: "relative" } : undefined}
        >
          <ul
            aria-label="Servers"
            style={windowed ? { transform: `translateY(${start * rowHeight}px)` } : undefined}
          >
            {servers.slice(start, end).map((server, i) => (
              <ServerRow
                key={server.id}
                server={server}
                now={now}
                index={start + i}
                total={servers.length}
                height={rowHeight}
                canApprove={canApprove}
                onApprove={onApprove}
                approving={approvingId === server.id}
              />
            ))}
          </ul>
        </div>
      </div>
    </>
  );
}

function PendingApprovals({ servers }: { servers: readonly ServerOverviewItem[] }) {
  const { orgId } = useOrg();
  const approve = useApproveServer(orgId);
  if (servers.length === 0) return null;
  return (
    <Card className="mb-4 border-amber-300 bg-amber-50/60 dark:border-amber-800 dark:bg-amber-950/20">
      <h2 className="font-semibold text-amber-900 dark:text-amber-200">
        {servers.length} server{servers.length === 1 ? "" : "s"} waiting for approval
      </h2>
      <p className="mt-0.5 text-amber-900/80 text-sm dark:text-amber-200/80">
        Their agents registered with a valid key; their data is refused until you approve them.
      </p>
      <ul className="mt-3 divide-y divide-amber-200 dark:divide-amber-900">
        {servers.slice(0, 20).map((s) => (
          <li key={s.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
            <span className="min-w-0">
              <span className="font-medium">{s.name}</span>{" "}
              <span className="text-gray-600 text-sm dark:text-gray-400">
                {s.hostname}
                {s.os ? ` · ${s.os}/${s.arch ?? "?"}` : ""}
                {s.agent_version ? ` · agent ${s.agent_version}` : ""}
              </span>
            </span>
            <Button
              size="sm"
              loading={approve.isPending && approve.variables === s.id}
              onClick={() => approve.mutate(s.id)}
            >
              Approve {s.name}
            </Button>
          </li>
        ))}
      </ul>
      <MutationNote error={approve.error} />
    </Card>
  );
}

export function ServersOverview() {
  const { orgId, role } = useOrg();
  const query = useServers(orgId);
  const [filter, setFilter] = useState<ServerFilter>("all");
  const [sort, setSort] = useState<ServerSort>("status");
  const [search, setSearch] = useState("");
  const deferredSearch = useDeferredValue(search);
  const servers = query.data?.servers;
  const visible = useMemo(
    () => (servers ? sortServers(filterServers(servers, filter, deferredSearch), sort) : []),
    [servers, filter, deferredSearch, sort],
  );
  const pending = useMemo(() => servers?.filter((s) => s.status === "pending") ?? [], [servers]);
  const canApprove = atLeast(role, "admin");

  if (query.isPending) return <LoadingState label="Loading servers" rows={6} />;
  if (query.isError && !query.data)
    return <ErrorState error={query.error} retry={() => void query.refetch()} />;
  const data = query.data;
  if (!data) return null;

  if (data.servers.length === 0) {
    return (
      <EmptyState
        title="No servers yet"
        action={
          <Link href="/onboarding" className={buttonClass("primary")}>
            Add your first server
          </Link>
        }
      >
        Create an API key and run the one-line install on a server. It shows up here within a minute.
      </EmptyState>
    );
  }

  const counts: Record<ServerState | "all", number> = { ...data.counts, all: data.counts.total };
  return (
    <div>
      {canApprove ? <PendingApprovals servers={pending} /> : null}
      <div className="mb-3 flex flex-wrap items-center gap-2">
        <fieldset className="flex flex-wrap gap-1.5">
          <legend className="sr-only">Show servers by status</legend>
          {FILTERS.map((f) => (
            <button
              key={f.value}
              type="button"
              aria-pressed={filter === f.value}
              onClick={() => setFilter(f.value)}
              className={cx(
                "rounded-full border px-3 py-1 font-medium text-sm",
                filter === f.value
                  ? "border-gray-900 bg-gray-900 text-white dark:border-gray-100 dark:bg-gray-100 dark:text-gray-900"
                  : "border-gray-300 bg-white text-gray-700 hover:bg-gray-50 dark:border-gray-700 dark:bg-gray-900 dark:text-gray-300",
              )}
            >
              {f.label} <span className="tabular-nums opacity-70">{counts[f.value]}</span>
            </button>
          ))}
        </fieldset>
        <div className="ml-auto flex w-full gap-2 sm:w-auto">
          <label className="min-w-0 flex-1 sm:w-64">
            <span className="sr-only">Search servers by name or hostname</span>
            <input
              type="search"
              placeholder="Search name or hostname"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
              className={controlClass}
            />
          </label>
          <label>
            <span className="sr-only">Sort by</span>
            <select
              value={sort}
              onChange={(e) => setSort(e.target.value as ServerSort)}
              className={controlClass}
            >
              <option value="status">Sort: status</option>
              <option value="name">Sort: name</option>
              <option value="cpu">Sort: CPU</option>
              <option value="memory">Sort: memory</option>
              <option value="disk">Sort: disk</option>
              <option value="seen">Sort: last seen</option>
            </select>
          </label>
        </div>
      </div>
      {query.isError ? (
        <p role="status" className="mb-2 text-amber-700 text-sm dark:text-amber-400">
          Could not refresh; showing data from {formatDateTime(data.generated_at)}.
        </p>
      ) : null}
      <p className="sr-only" aria-live="polite">
        {visible.length} of {data.servers.length} servers shown
      </p>
      {visible.length === 0 ? (
        <EmptyState title="No servers match">Try another status or search term.</EmptyState>
      ) : (
        <ServerRows
          servers={visible}
          canApprove={canApprove}
          trendHours={Math.max(1, Math.round((data.trend.points * data.trend.step_seconds) / 3600))}
        />
      )}
    </div>
  );
}
