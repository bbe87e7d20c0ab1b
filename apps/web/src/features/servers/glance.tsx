"use client";
import { Card } from "@/components/ui/card.tsx";
import type { MetricsResponse, ServerDetail } from "@/lib/contract.ts";
import { formatPercent, formatUnit } from "@/lib/format.ts";
import { latestOf } from "./charts.tsx";
import { useLatestCurated } from "./custom-metrics.tsx";
import { networkLines } from "./network.ts";

/** Pure: the hottest sensor's newest reading, null without sensors. */
export function hottest(data: MetricsResponse | undefined): number | null {
  if (!data) return null;
  let top: number | null = null;
  for (const s of data.series) {
    const last = s.points.at(-1);
    if (s.name === "sensors.temperature_c" && last && (top === null || last[1] > top)) top = last[1];
  }
  return top;
}

function Stat({ label, value, note }: { label: string; value: string; note?: string | undefined }) {
  return (
    <li>
      <Card className="h-full p-3 sm:p-4">
        <p className="text-gray-500 text-sm dark:text-gray-400">{label}</p>
        <p className="mt-1 break-words font-semibold text-gray-900 text-lg tabular-nums sm:text-xl dark:text-gray-50">
          {value}
        </p>
        {note ? <p className="mt-0.5 text-gray-500 text-xs dark:text-gray-400">{note}</p> : null}
      </Card>
    </li>
  );
}

/**
 * The server at a glance: CPU, memory and the fullest disk (from the server's latest values),
 * network in/out and the hottest sensor (from the page's curated series of the last hour: the
 * charts' own request at the default range, so no request of its own), and the agent's version.
 */
export function ServerGlance({ serverId, detail }: { serverId: string; detail: ServerDetail }) {
  const { latest, server } = detail;
  const { data } = useLatestCurated(serverId);
  const rx = data ? latestOf(data, "net.rx_bytes_per_s") : null;
  const tx = data ? latestOf(data, "net.tx_bytes_per_s") : null;
  const network = networkLines(rx, tx);
  const temperature = hottest(data);
  return (
    <ul aria-label="At a glance" className="grid grid-cols-2 gap-3 sm:grid-cols-3 sm:gap-4 xl:grid-cols-6">
      <Stat label="CPU" value={formatPercent(latest.cpu_percent, 1)} />
      <Stat label="Memory" value={formatPercent(latest.memory_used_percent, 1)} />
      <Stat label="Disk (fullest)" value={formatPercent(latest.disk_used_percent, 1)} />
      <Stat label="Network" value={network[0]} note={network[1]} />
      <Stat
        label="Temperature"
        value={formatUnit("celsius", temperature)}
        note={temperature === null ? undefined : "hottest sensor"}
      />
      <Stat
        label="Agent"
        value={server.agent_version ?? "–"}
        note={server.os ? `${server.os}/${server.arch ?? "?"}` : undefined}
      />
    </ul>
  );
}
