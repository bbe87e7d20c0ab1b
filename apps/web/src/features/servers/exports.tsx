"use client";
import { DownloadButtons } from "@/components/download-buttons.tsx";
import type { MetricRange } from "@/lib/contract.ts";
import { downloadExport } from "@/lib/download.ts";
import { useOrg } from "@/lib/org.tsx";

/** Under a chart: its series over its range as a file, the points the chart draws. */
export function ChartExport({
  serverId,
  title,
  names,
  range,
}: {
  serverId: string;
  title: string;
  names: readonly string[];
  range: MetricRange;
}) {
  const { orgId } = useOrg();
  if (names.length === 0) return null;
  return (
    <div className="mt-2 flex items-center justify-end gap-2 text-gray-500 text-xs dark:text-gray-400">
      <span aria-hidden="true">Export</span>
      <DownloadButtons
        what={`the ${title} chart`}
        download={(format) =>
          downloadExport(
            "exportMetrics",
            { org_id: orgId, server_id: serverId },
            { names: names.join(","), range, format },
          )
        }
      />
    </div>
  );
}

const CHECK_HISTORY_DAYS = 7;

/** The server's check results of the last 7 days as a file (the API allows up to 31). */
export function CheckHistoryExport({ serverId }: { serverId: string }) {
  const { orgId } = useOrg();
  return (
    <span className="inline-flex items-center gap-2 text-gray-500 text-sm dark:text-gray-400">
      <span aria-hidden="true">Results of {CHECK_HISTORY_DAYS} days</span>
      <DownloadButtons
        what={`check history of the last ${CHECK_HISTORY_DAYS} days`}
        download={(format) => {
          const to = new Date();
          const from = new Date(to.getTime() - CHECK_HISTORY_DAYS * 86_400_000);
          return downloadExport(
            "exportChecks",
            { org_id: orgId, server_id: serverId },
            { from: from.toISOString(), to: to.toISOString(), format },
          );
        }}
      />
    </span>
  );
}
