/**
 * Pure interpretation of MinIO's replies (data -> verdict): the cluster summary from the v2
 * cluster metrics (../shared/prometheus-text.ts parses their text) and the verdict from the two
 * health endpoints plus that summary. No I/O here.
 */
import type { CheckStatus } from "@custos/protocol";
import type { PromSample } from "../shared/prometheus-text.ts";
import type { Sample } from "../types.ts";

export interface ClusterSummary {
  capacityTotalBytes?: number;
  capacityFreeBytes?: number;
  capacityUsedBytes?: number;
  drivesOnline?: number;
  drivesOffline?: number;
  nodesOnline?: number;
  nodesOffline?: number;
  buckets?: number;
}

/**
 * Metric names per field, first match wins. MinIO renamed a few over the years: drives were
 * `disk` before RELEASE.2022 and its docs list `minio_cluster_buckets_total` while servers emit
 * `minio_cluster_bucket_total` (see fixtures/README.md).
 */
const SOURCES = {
  capacityTotalBytes: ["minio_cluster_capacity_usable_total_bytes"],
  capacityFreeBytes: ["minio_cluster_capacity_usable_free_bytes"],
  drivesOnline: ["minio_cluster_drive_online_total", "minio_cluster_disk_online_total"],
  drivesOffline: ["minio_cluster_drive_offline_total", "minio_cluster_disk_offline_total"],
  nodesOnline: ["minio_cluster_nodes_online_total"],
  nodesOffline: ["minio_cluster_nodes_offline_total"],
  buckets: ["minio_cluster_bucket_total", "minio_cluster_buckets_total"],
} as const;

/**
 * Cluster-level values from a parsed `/minio/v2/metrics/cluster` scrape. Every node that answers
 * reports the same cluster-wide value (labelled with its own `server`), so duplicates are folded
 * with max; non-finite values are ignored.
 */
export function summarizeCluster(samples: PromSample[]): ClusterSummary {
  const byName = new Map<string, number>();
  for (const sample of samples) {
    if (!Number.isFinite(sample.value)) continue;
    const previous = byName.get(sample.name);
    byName.set(sample.name, previous === undefined ? sample.value : Math.max(previous, sample.value));
  }
  const summary: ClusterSummary = {};
  for (const [field, names] of Object.entries(SOURCES) as [keyof typeof SOURCES, readonly string[]][]) {
    for (const name of names) {
      const value = byName.get(name);
      if (value !== undefined) {
        summary[field] = value;
        break;
      }
    }
  }
  if (summary.capacityTotalBytes !== undefined && summary.capacityFreeBytes !== undefined) {
    summary.capacityUsedBytes = Math.max(0, summary.capacityTotalBytes - summary.capacityFreeBytes);
  }
  return summary;
}

export function summaryToSamples(summary: ClusterSummary): Sample[] {
  const samples: Sample[] = [];
  const push = (name: string, value: number | undefined) => {
    if (value !== undefined) samples.push({ name, value });
  };
  push("minio.capacity.total_bytes", summary.capacityTotalBytes);
  push("minio.capacity.free_bytes", summary.capacityFreeBytes);
  push("minio.capacity.used_bytes", summary.capacityUsedBytes);
  if (summary.capacityTotalBytes && summary.capacityUsedBytes !== undefined) {
    push(
      "minio.capacity.used_percent",
      round2((summary.capacityUsedBytes / summary.capacityTotalBytes) * 100),
    );
  }
  push("minio.drives.online", summary.drivesOnline);
  push("minio.drives.offline", summary.drivesOffline);
  push("minio.nodes.online", summary.nodesOnline);
  push("minio.nodes.offline", summary.nodesOffline);
  push("minio.buckets", summary.buckets);
  return samples;
}

/** What one HTTP probe saw: a status code, or the reason there was none. */
export type ProbeResult = { status: number } | { error: string };

export interface Verdict {
  status: CheckStatus;
  message: string;
}

export function evaluate(input: {
  live: ProbeResult;
  cluster: ProbeResult;
  metrics: ProbeResult;
  summary?: ClusterSummary;
}): Verdict {
  const { live, cluster, metrics, summary } = input;
  if ("error" in live) return { status: "down", message: `not reachable: ${live.error}` };
  if (live.status !== 200) return { status: "down", message: `liveness probe answered HTTP ${live.status}` };
  if ("error" in cluster) return { status: "down", message: `cluster health probe failed: ${cluster.error}` };
  if (cluster.status === 503) {
    return {
      status: "down",
      message: "cluster health HTTP 503: write quorum lost (too many drives or nodes offline)",
    };
  }
  if (cluster.status !== 200)
    return { status: "down", message: `cluster health answered HTTP ${cluster.status}` };

  const problems: string[] = [];
  if (summary?.nodesOffline) problems.push(`${summary.nodesOffline} node(s) offline`);
  if (summary?.drivesOffline) problems.push(`${summary.drivesOffline} drive(s) offline`);
  if (problems.length > 0) return { status: "degraded", message: problems.join(", ") };

  if ("error" in metrics)
    return { status: "degraded", message: `healthy, but metrics unreadable: ${metrics.error}` };
  if (metrics.status === 401 || metrics.status === 403) {
    return {
      status: "degraded",
      message: `healthy, but metrics refused with HTTP ${metrics.status} (check bearer_token)`,
    };
  }
  if (metrics.status !== 200)
    return { status: "degraded", message: `healthy, but metrics answered HTTP ${metrics.status}` };

  const parts = ["healthy"];
  if (summary?.drivesOnline !== undefined) parts.push(`${summary.drivesOnline} drive(s) online`);
  if (summary?.nodesOnline !== undefined) parts.push(`${summary.nodesOnline} node(s) online`);
  if (summary?.capacityTotalBytes && summary.capacityUsedBytes !== undefined) {
    parts.push(`${round2((summary.capacityUsedBytes / summary.capacityTotalBytes) * 100)}% used`);
  }
  return { status: "ok", message: parts.join(", ") };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
